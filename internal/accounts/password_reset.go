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

// A staff member who forgot their password asks for a link by mail: the link sets a
// new password once, within ResetLinkLifetime, and ends every session of the account.
// Asking tells nobody whether an account has the address: the answer, and as far as
// can be its time, are the same for an address with an account, without one, or of
// a disabled account. Only the link's hash is stored; the link itself travels to the
// mail sender sealed in the event (model.Event.Secret).

// Limits of password reset links.
const (
	// ResetLinkLifetime is how long a link works.
	ResetLinkLifetime = time.Hour
	// MaxResetLinks links are sent to one account per ResetWindow; further requests
	// for it send nothing, and are answered like the others.
	MaxResetLinks = 3
	ResetWindow   = time.Hour
	// MaxResetRequests requests are taken from one client per SignInWindow, whatever
	// the address (ErrTooManyResets): enough for a few mistyped addresses, too few to
	// fill someone's mailbox.
	MaxResetRequests = 5
	// ResetAnswerTime is the least time RequestPasswordReset takes, so that an address
	// with an account, which writes a link, answers no later than one without.
	ResetAnswerTime = 250 * time.Millisecond
)

// Errors of password resets.
var (
	// ErrResetLinkInvalid means the link's token is unknown, used, replaced by a
	// newer link, or expired, or its account can no longer sign in.
	ErrResetLinkInvalid = errors.New("password reset link unknown, used or expired")
	// ErrTooManyResets means the client asked for too many links of late; it may ask
	// again after SignInWindow.
	ErrTooManyResets = errors.New("too many password reset requests")
)

// RequestPasswordReset asks for a link that sets a new password for the account that
// signs in with email, from client (a keyed hash of its address, as for SignIn; ""
// counts nothing). If an account that can sign in has the address, and it was sent
// fewer than MaxResetLinks links in the last ResetWindow, a new link replaces its
// unused ones and an account.password_reset event carries it to the mail sender, in
// one transaction. Otherwise nothing is written, and the answer is the same. It
// takes at least ResetAnswerTime either way. The caller offers this only while the
// site sends mail.
//
// Returns *model.ValidationError naming model.UserFieldEmail when email is not an
// address at all, and ErrTooManyResets when the client asked MaxResetRequests times
// within SignInWindow, whatever the addresses.
func (s *Service) RequestPasswordReset(ctx context.Context, email, client string) error {
	defer evenOut(ctx, time.Now(), ResetAnswerTime)
	email = strings.TrimSpace(email)
	if len(email) > model.MaxUserEmail || !model.ValidEmail(email) {
		v := &model.ValidationError{}
		v.Add(model.UserFieldEmail, "Enter the email address you sign in with, like name@example.com.")
		return v
	}
	now := s.now().UTC()
	if client != "" {
		_, allowed, err := s.store.ReserveSignInAttempt(ctx, now, now.Add(-SignInWindow), MaxResetRequests, "reset-client:"+client)
		if err != nil {
			return err
		}
		if !allowed {
			return ErrTooManyResets
		}
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.PasswordHash == "" || u.Disabled() {
		return nil
	}
	token, hash := auth.NewToken()
	return s.store.Tx(ctx, func(tx *store.Store) error {
		n, err := tx.CountLinkTokens(ctx, u.ID, store.LinkPasswordReset, now.Add(-ResetWindow))
		if err != nil || n >= MaxResetLinks {
			return err
		}
		if _, err := tx.RetireLinkTokens(ctx, u.ID, store.LinkPasswordReset, now); err != nil {
			return err
		}
		if err := tx.CreateLinkToken(ctx, store.LinkToken{Hash: hash, Purpose: store.LinkPasswordReset, UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(ResetLinkLifetime)}); err != nil {
			return err
		}
		return tx.RecordEvent(ctx, model.Event{Kind: model.EventPasswordReset, UserID: u.ID, Secret: token, CreatedAt: now})
	})
}

// evenOut waits until least has passed since start, or ctx is done.
func evenOut(ctx context.Context, start time.Time, least time.Duration) {
	wait := time.NewTimer(least - time.Since(start))
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-ctx.Done():
	}
}

// CheckPasswordReset returns the account whose password the link's token sets, for
// the form the link opens. Returns ErrResetLinkInvalid.
func (s *Service) CheckPasswordReset(ctx context.Context, token string) (*model.User, error) {
	return s.linkAccount(ctx, s.store, token, store.LinkPasswordReset, s.now().UTC())
}

// linkAccount returns the account that can sign in whose valid link of purpose has
// token, read through st. Returns ErrResetLinkInvalid.
func (s *Service) linkAccount(ctx context.Context, st *store.Store, token string, purpose store.LinkPurpose, now time.Time) (*model.User, error) {
	if token == "" {
		return nil, ErrResetLinkInvalid
	}
	t, err := st.ValidLinkToken(ctx, auth.TokenHash(token), purpose, now)
	if errors.Is(err, model.ErrNotFound) {
		return nil, ErrResetLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	u, err := signInAccount(ctx, st, t.UserID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && u.Disabled()) {
		return nil, ErrResetLinkInvalid
	}
	return u, err
}

// ResetPassword sets password as the new password of the account whose reset link
// has token, uses the link, ends every session of the account and its half-finished
// two-step sign-ins, forgets its failed sign-ins, and writes the change to the audit
// log, in one transaction: of two uses of one link at once, one succeeds. The
// password is judged by CheckPassword with the account's name and email; a refused
// password leaves the link usable. Two-step sign-in, if on, stays on.
//
// Returns ErrResetLinkInvalid, or *model.ValidationError naming
// model.UserFieldPassword.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*model.User, error) {
	u, err := s.CheckPasswordReset(ctx, token)
	if err != nil {
		return nil, err
	}
	hash, err := hashNewPassword(password, u)
	if err != nil {
		return nil, err
	}
	subjects, err := s.lockoutSubjects(u.EmailAddress(), "")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.UseLinkToken(ctx, auth.TokenHash(token), store.LinkPasswordReset, now); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return ErrResetLinkInvalid
			}
			return err
		}
		if u, err = signInAccount(ctx, tx, u.ID); err != nil || u.Disabled() {
			return cmpErr(err, ErrResetLinkInvalid)
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash, now); err != nil {
			return err
		}
		ended, err := tx.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := tx.DeleteTwoStepChallenges(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.ForgetSignInAttempt(ctx, nil, subjects[0]); err != nil {
			return err
		}
		return s.record(ctx, tx, u, u.ID, auditLine{store.StaffPasswordReset, "with a link sent by email; " + sessionsEnded(ended)})
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	return u, nil
}

// cmpErr returns err, but fallback for a missing record or when err is nil.
func cmpErr(err, fallback error) error {
	if err == nil || errors.Is(err, model.ErrNotFound) {
		return fallback
	}
	return err
}
