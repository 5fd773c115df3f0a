package accounts

import (
	"context"
	"errors"
	"strings"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Errors of managing accounts.
var (
	// ErrLastAdmin means a change would leave the site without an active
	// administrator: the last one can be neither disabled nor given another role.
	ErrLastAdmin = errors.New("the last active administrator cannot be disabled or given another role")
	// ErrDisableSelf means an administrator tried to disable their own account, which
	// would sign them out with nobody the wiser; another administrator does it.
	ErrDisableSelf = errors.New("an administrator cannot disable their own account")
)

// AccountChange is the account form as an administrator typed it.
type AccountChange struct {
	Name        string
	Role        model.Role
	Credentials string // e.g. "MD, neurologist"
	Disabled    bool
}

// normalized returns c trimmed.
func (c AccountChange) normalized() AccountChange {
	c.Name = strings.TrimSpace(c.Name)
	c.Credentials = strings.TrimSpace(c.Credentials)
	return c
}

// Validate checks the typed fields, without the database: a name of one line, a role,
// and credentials of one line within their limits. Returns *model.ValidationError
// naming every field that is wrong, or nil.
func (c AccountChange) Validate() error {
	c = c.normalized()
	var v model.ValidationError
	checkLine(&v, model.UserFieldName, "Name", c.Name, model.MaxUserName, true)
	checkLine(&v, model.UserFieldCredentials, "Credentials", c.Credentials, model.MaxCredentials, false)
	if !c.Role.Valid() {
		v.Add(model.UserFieldRole, "Choose a role.")
	}
	return v.Err()
}

// mayManage returns model.ErrForbidden unless by may manage accounts; nil stands for
// the command line, which the site's operator runs.
func mayManage(by *model.User) error {
	if by != nil && !by.Role.Can(model.PermManageUsers) {
		return model.ErrForbidden
	}
	return nil
}

// Account returns the staff account with the given ID, for by to manage: one that can
// sign in, or one invited. Returns model.ErrForbidden when by may not manage accounts
// (checked first, so that no one learns which accounts exist), model.ErrNotFound when
// no such account has the ID (people named on articles are edited through their
// profile).
func (s *Service) Account(ctx context.Context, by *model.User, id int64) (*model.User, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	return account(ctx, s.store, id)
}

// AccountByEmail returns the staff account with the email, in any case, for the
// command line. Returns model.ErrNotFound when no account that can sign in has it.
func (s *Service) AccountByEmail(ctx context.Context, email string) (*model.User, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" {
		return nil, model.ErrNotFound
	}
	return u, nil
}

// account reads a staff account to manage, through st (a transaction or not): one
// that can sign in, or one invited that has not chosen its password yet, so that an
// administrator can change its role or withdraw the invitation by disabling it.
// Returns model.ErrNotFound for the people named on articles.
func account(ctx context.Context, st *store.Store, id int64) (*model.User, error) {
	u, err := st.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" && !Invited(u) {
		return nil, model.ErrNotFound
	}
	return u, nil
}

// signInAccount reads an account that can sign in, through st: as account, but not
// one invited. Returns model.ErrNotFound for any other.
func signInAccount(ctx context.Context, st *store.Store, id int64) (*model.User, error) {
	u, err := account(ctx, st, id)
	if err == nil && u.PasswordHash == "" {
		return nil, model.ErrNotFound
	}
	return u, err
}

// activeAdmin reports whether u is an administrator who can sign in.
func activeAdmin(u *model.User) bool {
	return u.Role == model.RoleAdmin && u.PasswordHash != "" && !u.Disabled()
}

// UpdateAccount saves the account form for the account with the given ID, as by (an
// administrator, or nil for the command line) typed it: its name, role, credentials
// and whether it is disabled.
//
// Disabling ends every session of the account in the same transaction, so its next
// request is signed out, and its sign-ins are then refused like a wrong password;
// what it wrote, reviewed and replied stays. The last active administrator can be
// neither disabled nor given another role, checked in the transaction that saves the
// change, so two administrators disabling each other at once leave one. An
// administrator may give up their own role while another remains, but never disable
// their own account. Each change is written to the audit log in the same
// transaction.
//
// Returns model.ErrForbidden, model.ErrNotFound, *model.ValidationError with messages
// under the model.UserField* names, ErrLastAdmin or ErrDisableSelf.
func (s *Service) UpdateAccount(ctx context.Context, by *model.User, id int64, c AccountChange) (*model.User, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	c = c.normalized()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var saved *model.User
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		u, err := account(ctx, tx, id)
		if err != nil {
			return err
		}
		before := *u
		u.Name, u.Role, u.Credentials = c.Name, c.Role, c.Credentials
		if c.Disabled != u.Disabled() {
			u.DisabledAt = nil
			if c.Disabled {
				now := s.now().UTC()
				u.DisabledAt = &now
			}
		}
		if err := s.save(ctx, tx, by, &before, u); err != nil {
			return err
		}
		saved = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// SetDisabled disables or enables the account with the given ID, for by (nil for the
// command line), with the rules and errors of UpdateAccount.
func (s *Service) SetDisabled(ctx context.Context, by *model.User, id int64, disabled bool) (*model.User, error) {
	u, err := s.Account(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return s.UpdateAccount(ctx, by, id, AccountChange{Name: u.Name, Role: u.Role, Credentials: u.Credentials, Disabled: disabled})
}

// save writes the account u, which was before, checking the rules of UpdateAccount,
// ending its sessions if it was just disabled, and recording each change.
func (s *Service) save(ctx context.Context, tx *store.Store, by, before, u *model.User) error {
	if activeAdmin(before) && !activeAdmin(u) {
		n, err := tx.CountActiveAdmins(ctx)
		if err != nil {
			return err
		}
		if n <= 1 {
			return ErrLastAdmin
		}
	}
	if by != nil && by.ID == u.ID && u.Disabled() && !before.Disabled() {
		return ErrDisableSelf
	}
	now := s.now().UTC()
	if err := tx.UpdateAccount(ctx, u, now); err != nil {
		return err
	}
	entries := changes(before, u)
	if u.Disabled() && !before.Disabled() {
		ended, err := tx.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := tx.DeleteTwoStepChallenges(ctx, u.ID); err != nil {
			return err
		}
		entries = append(entries, auditLine{store.StaffDisabled, sessionsEnded(ended)})
	}
	return s.record(ctx, tx, by, u.ID, entries...)
}

// SetPassword gives the account with the given ID a new password, for by (nil for
// the command line), and ends every session of the account: whoever knew the old
// password is signed out. The password is judged by CheckPassword with the account's
// name and email. Returns model.ErrForbidden, model.ErrNotFound, or a
// *PasswordError (ErrWeakPassword).
func (s *Service) SetPassword(ctx context.Context, by *model.User, id int64, password string) (*model.User, error) {
	u, err := s.Account(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(password, u.Name, u.EmailAddress()); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetPasswordHash(ctx, id, hash, s.now()); err != nil {
			return err
		}
		ended, err := tx.DeleteUserSessions(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteTwoStepChallenges(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, by, id, auditLine{store.StaffPasswordSet, sessionsEnded(ended)})
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	return u, nil
}
