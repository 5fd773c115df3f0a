package accounts

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// SetupLinkLifetime is how long the link that creates the first administrator works.
const SetupLinkLifetime = time.Hour

// Errors of the first administrator's set-up.
var (
	// ErrSetupComplete means the site already has an account that can sign in.
	ErrSetupComplete = errors.New("set-up is complete")
	// ErrSetupLinkInvalid means the set-up token is unknown, used or expired.
	ErrSetupLinkInvalid = errors.New("set-up link unknown, used or expired")
)

// IssueSetupToken returns a new one-time token for the link that creates the first
// administrator, valid for SetupLinkLifetime, or "" if the site has an account that
// can sign in. Only the token's hash is stored.
func (s *Service) IssueSetupToken(ctx context.Context) (string, error) {
	n, err := s.store.CountAccounts(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	token, hash := auth.NewToken()
	now := s.now().UTC()
	if err := s.store.CreateSetupToken(ctx, hash, now, now.Add(SetupLinkLifetime)); err != nil {
		return "", err
	}
	return token, nil
}

// CheckSetupToken reports whether token can create the first administrator now.
// Returns ErrSetupComplete or ErrSetupLinkInvalid.
func (s *Service) CheckSetupToken(ctx context.Context, token string) error {
	n, err := s.store.CountAccounts(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrSetupComplete
	}
	ok, err := s.store.SetupTokenValid(ctx, auth.TokenHash(token), s.now().UTC())
	if err != nil {
		return err
	}
	if !ok {
		return ErrSetupLinkInvalid
	}
	return nil
}

// Setup creates the first administrator (na.Role is set to admin) with a one-time
// token. Using the token, checking that no account exists and creating this one are
// one transaction, so one token makes one account and two tokens used at once make
// one between them. A refused account leaves the token usable. Returns
// ErrSetupComplete, ErrSetupLinkInvalid, *model.ValidationError, or ErrEmailTaken
// when a person named on articles, who cannot sign in, already has the email.
func (s *Service) Setup(ctx context.Context, token string, na NewAccount) (*model.User, error) {
	// Checked first too, so that a dead link costs no password hash.
	if err := s.CheckSetupToken(ctx, token); err != nil {
		return nil, err
	}
	na.Role = model.RoleAdmin
	admin, err := na.prepare()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if n, err := tx.CountAccounts(ctx); err != nil || n > 0 {
			return cmp.Or(err, ErrSetupComplete)
		}
		if err := tx.UseSetupToken(ctx, auth.TokenHash(token), now); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return ErrSetupLinkInvalid
			}
			return err
		}
		slug, err := FreeSlug(ctx, tx, admin.Name, 0)
		if err != nil {
			return err
		}
		admin.Slug = slug
		if err := tx.CreateUser(ctx, admin); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return ErrEmailTaken
			}
			return err
		}
		return s.record(ctx, tx, admin, admin.ID, auditLine{store.StaffCreated, "Administrator, with the set-up link"})
	})
	if err != nil {
		return nil, err
	}
	return admin, nil
}
