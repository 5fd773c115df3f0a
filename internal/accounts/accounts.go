// Package accounts owns staff accounts: creating them, the first administrator's
// set-up, sign-in with its lock-out, and sessions. Each method keeps its own rules and
// transactions; passwords are hashed and checked by internal/auth.
package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrEmailTaken means another account already has the email, in any case.
var ErrEmailTaken = errors.New("an account with this email already exists")

// Service manages staff accounts.
type Service struct {
	store *store.Store
	media *media.Service // profile photos; see SetMedia
	now   func() time.Time
}

// New returns a Service that keeps accounts in st. Signing in needs the store's keys
// (store.UseKeys): the sign-in lock-out names an account by its email's blind index,
// keyed from the master key, so that neither the email nor anything a copy of the
// database alone can test a guess against is stored there.
func New(st *store.Store) *Service {
	return &Service{store: st, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) {
	s.now = now
}

// NewAccount is a staff account as someone typed it, with the password in clear.
type NewAccount struct {
	Name, Email string
	Role        model.Role
	Credentials string // optional, e.g. "MD, neurologist"
	Password    string
}

// user returns the account to save, trimmed, without its password.
func (na NewAccount) user() *model.User {
	email := strings.TrimSpace(na.Email)
	return &model.User{Name: strings.TrimSpace(na.Name), Email: &email, Role: na.Role,
		Credentials: strings.TrimSpace(na.Credentials)}
}

// Validate checks the account's fields (model.User.Validate) and its password
// (CheckPassword, with the account's name and email), without the database. Returns
// *model.ValidationError naming every field that is wrong, or nil.
func (na NewAccount) Validate() error {
	u := na.user()
	v := &model.ValidationError{}
	if err := v.Merge(u.Validate()); err != nil {
		return err
	}
	if err := CheckPassword(na.Password, u.Name, u.EmailAddress()); err != nil {
		v.Add(model.UserFieldPassword, err.Error())
	}
	return v.Err()
}

// prepare validates na and returns the account to save, with its password hashed.
func (na NewAccount) prepare() (*model.User, error) {
	if err := na.Validate(); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(na.Password)
	if err != nil {
		return nil, err
	}
	u := na.user()
	u.PasswordHash = hash
	return u, nil
}

// Create adds a staff account that can sign in at once, for by (an administrator, or
// nil for the command line), and writes it to the audit log. Returns
// model.ErrForbidden when by may not manage accounts, *model.ValidationError if a
// field or the password is wrong, or ErrEmailTaken.
func (s *Service) Create(ctx context.Context, by *model.User, na NewAccount) (*model.User, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	if err := na.Validate(); err != nil {
		return nil, err
	}
	// Checked before hashing, which takes argon2's time and memory; the insert below
	// still refuses a duplicate created in between.
	if _, err := s.store.UserByEmail(ctx, na.Email); err == nil {
		return nil, ErrEmailTaken
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	u, err := na.prepare()
	if err != nil {
		return nil, err
	}
	// The profile address is chosen in the transaction that takes it, so a conflict
	// can only be the email's.
	err = s.store.Tx(ctx, func(tx *store.Store) error {
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
		return s.record(ctx, tx, by, u.ID, auditLine{store.StaffCreated, u.Role.Label()})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// NamedPeople returns the people named on articles who cannot sign in (such as a
// reviewer without an account), by name; administrators edit their profiles.
func (s *Service) NamedPeople(ctx context.Context) ([]*model.User, error) {
	return s.store.NamedPeople(ctx)
}
