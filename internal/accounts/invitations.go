package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// An administrator invites someone to the staff by email, with a name and a role but
// no password: the account is created without one, so that it cannot sign in, and a
// link that works once within InvitationLifetime lets the person choose their
// password. The link travels to the mail sender sealed in the event
// (model.Event.Secret); only its hash is stored. Until the person accepts, the account
// is listed as invited, and an administrator may send the invitation again.

// InvitationLifetime is how long an invitation's link works.
const InvitationLifetime = 72 * time.Hour

// Errors of invitations.
var (
	// ErrInvitationInvalid means the invitation's token is unknown, used, replaced by
	// a newer invitation, or expired, or its account has a password already.
	ErrInvitationInvalid = errors.New("invitation link unknown, used or expired")
	// ErrAlreadyInvited means the address was invited already and has not accepted:
	// the invitation may be sent again instead.
	ErrAlreadyInvited = errors.New("this address is invited already")
	// ErrNotInvited means the account has a password: it needs no invitation.
	ErrNotInvited = errors.New("the account has a password already")
	// ErrInvitationWithdrawn means the invited account is disabled, which withdraws its
	// invitation: its links no longer work, and none is sent until it is enabled.
	ErrInvitationWithdrawn = errors.New("the invitation was withdrawn: the account is disabled")
)

// Invitation is the invitation form as an administrator typed it.
type Invitation struct {
	Name, Email string
	Role        model.Role
	Credentials string // optional, e.g. "MD, neurologist"
}

// user returns the account to save, trimmed, without a password.
func (inv Invitation) user() *model.User {
	return NewAccount{Name: inv.Name, Email: inv.Email, Role: inv.Role, Credentials: inv.Credentials}.user()
}

// Validate checks the invitation's fields (model.User.Validate) without the database.
// Returns *model.ValidationError naming every field that is wrong, or nil.
func (inv Invitation) Validate() error {
	return inv.user().Validate()
}

// Invite creates an account without a password for the person inv names, for by (an
// administrator, or nil for the command line), with a link to choose one: the link,
// the account.invited event that carries it to the mail sender and the audit log's
// entry are written in one transaction with the account. The caller offers this only
// while the site sends mail.
//
// Returns model.ErrForbidden when by may not manage accounts, *model.ValidationError
// if a field is wrong, ErrAlreadyInvited when the address is invited already and has
// not accepted, or ErrEmailTaken when another account has it.
func (s *Service) Invite(ctx context.Context, by *model.User, inv Invitation) (*model.User, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	u := inv.user()
	now := s.now().UTC()
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		if other, err := tx.UserByEmail(ctx, u.EmailAddress()); err == nil {
			if Invited(other) {
				return ErrAlreadyInvited
			}
			return ErrEmailTaken
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		slug, err := FreeSlug(ctx, tx, u.Name, 0)
		if err != nil {
			return err
		}
		u.Slug = slug
		if err := tx.CreateUser(ctx, u); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return ErrEmailTaken
			}
			return err
		}
		return s.sendInvitation(ctx, tx, by, u, now, u.Role.Label())
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Invited reports whether u is an account waiting for its invitation to be accepted:
// one with an email but no password yet.
func Invited(u *model.User) bool {
	return u.PasswordHash == "" && u.EmailAddress() != ""
}

// sendInvitation writes a new invitation link for account u, replacing its unused
// ones, with the event that mails it and an audit line with detail.
func (s *Service) sendInvitation(ctx context.Context, tx *store.Store, by, u *model.User, now time.Time, detail string) error {
	token, hash := auth.NewToken()
	if _, err := tx.RetireLinkTokens(ctx, u.ID, store.LinkInvitation, now); err != nil {
		return err
	}
	if err := tx.CreateLinkToken(ctx, store.LinkToken{Hash: hash, Purpose: store.LinkInvitation, UserID: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(InvitationLifetime)}); err != nil {
		return err
	}
	e := model.Event{Kind: model.EventInvited, UserID: u.ID, Secret: token, CreatedAt: now}
	if by != nil {
		e.ActorID = by.ID
	}
	if err := tx.RecordEvent(ctx, e); err != nil {
		return err
	}
	return s.record(ctx, tx, by, u.ID, auditLine{store.StaffInvited, detail})
}

// ResendInvitation sends the invited account id a new link, which replaces the ones
// sent before, for by. Returns model.ErrForbidden, model.ErrNotFound,
// ErrNotInvited when the account has a password (or no email to send it to), or
// ErrInvitationWithdrawn when it is disabled.
func (s *Service) ResendInvitation(ctx context.Context, by *model.User, id int64) (*model.User, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	var u *model.User
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		if !Invited(u) {
			return ErrNotInvited
		}
		if u.Disabled() {
			return ErrInvitationWithdrawn
		}
		return s.sendInvitation(ctx, tx, by, u, s.now().UTC(), "sent again")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Invitees returns the accounts invited that have not chosen a password yet, by
// name, with when their latest link stops working, for by. Returns
// model.ErrForbidden when by may not manage accounts.
func (s *Service) Invitees(ctx context.Context, by *model.User) ([]store.Invitee, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	return s.store.Invitees(ctx)
}

// CheckInvitation returns the invited account whose link has token, for the page the
// link opens. Returns ErrInvitationInvalid.
func (s *Service) CheckInvitation(ctx context.Context, token string) (*model.User, error) {
	return invitee(ctx, s.store, token, s.now().UTC())
}

// invitee returns the account waiting for its invitation whose valid link has token,
// read through st. Returns ErrInvitationInvalid.
func invitee(ctx context.Context, st *store.Store, token string, now time.Time) (*model.User, error) {
	if strings.TrimSpace(token) == "" {
		return nil, ErrInvitationInvalid
	}
	t, err := st.ValidLinkToken(ctx, auth.TokenHash(token), store.LinkInvitation, now)
	if err == nil {
		var u *model.User
		if u, err = st.User(ctx, t.UserID); err == nil && Invited(u) && !u.Disabled() {
			return u, nil
		}
	}
	return nil, cmpErr(err, ErrInvitationInvalid)
}

// AcceptInvitation gives the invited account whose link has token its first password,
// uses the link, and writes it to the audit log, in one transaction: of two uses of
// one link at once, one succeeds. The password is judged by CheckPassword with the
// account's name and email; a refused password leaves the link usable. The person
// then signs in.
//
// Returns ErrInvitationInvalid, or *model.ValidationError naming
// model.UserFieldPassword.
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (*model.User, error) {
	u, err := s.CheckInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	hash, err := hashNewPassword(password, u)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if u, err = invitee(ctx, tx, token, now); err != nil {
			return err
		}
		if _, err := tx.UseLinkToken(ctx, auth.TokenHash(token), store.LinkInvitation, now); err != nil {
			return cmpErr(err, ErrInvitationInvalid)
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash, now); err != nil {
			return err
		}
		return s.record(ctx, tx, u, u.ID, auditLine{store.StaffInvitationAccepted, ""})
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	return u, nil
}
