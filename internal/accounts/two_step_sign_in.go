package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// SecondStepLifetime is how long a browser that gave the right password has to give
// the code: after that, sign-in starts again from the password.
const SecondStepLifetime = 5 * time.Minute

var (
	// ErrSecondStep means the password was right and the account signs in with two
	// steps: SignIn returns it as a *SecondStepError, which carries the token of the
	// half-finished sign-in.
	ErrSecondStep = errors.New("a code is needed to finish signing in")
	// ErrSignInExpired means a half-finished sign-in is unknown, or older than
	// SecondStepLifetime: the person must give their password again.
	ErrSignInExpired = errors.New("sign-in expired")
)

// SecondStepError is ErrSecondStep with the half-finished sign-in's token, for a
// cookie: only the browser holding it can finish.
type SecondStepError struct {
	Token string
}

func (e *SecondStepError) Error() string { return ErrSecondStep.Error() }

// Is makes errors.Is(err, ErrSecondStep) true.
func (e *SecondStepError) Is(target error) bool { return target == ErrSecondStep }

// startSecondStep records a half-finished sign-in of user and returns it as a
// *SecondStepError.
func (s *Service) startSecondStep(ctx context.Context, user *model.User, now time.Time) error {
	token, hash := auth.NewToken()
	if err := s.store.CreateTwoStepChallenge(ctx, hash, user.ID, now, now.Add(SecondStepLifetime)); err != nil {
		return err
	}
	return &SecondStepError{Token: token}
}

// SignInSecondStep finishes the half-finished sign-in of token with code: the
// authenticator app's code of the moment, or one of the account's recovery codes,
// which then stops working. client names the client for the lock-out, as in SignIn.
//
// Each try is counted by the sign-in lock-out before the code is checked, for the
// account and the client, as a password is; a right code clears the account's
// failures and ends the half-finished sign-in.
//
// Returns ErrSignInExpired, ErrWrongCode, ErrCodeReused, ErrRecoveryCodeUsed or
// *LockedOutError.
func (s *Service) SignInSecondStep(ctx context.Context, token, code, client string) (*model.User, error) {
	now := s.now().UTC()
	if token == "" {
		return nil, ErrSignInExpired
	}
	hash := auth.TokenHash(token)
	user, err := s.store.TwoStepChallenge(ctx, hash, now)
	if errors.Is(err, model.ErrNotFound) {
		return nil, ErrSignInExpired
	}
	if err != nil {
		return nil, err
	}
	if user.PasswordHash == "" || !user.TwoStepOn() || user.Disabled() {
		// The account lost its password, its second factor was reset, or it was
		// disabled, meanwhile.
		return nil, ErrSignInExpired
	}
	attempt, subjects, err := s.reserveAttempt(ctx, user.EmailAddress(), client, now)
	if err != nil {
		return nil, err
	}
	if err := s.checkSecondFactor(ctx, user, code, now); err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ForgetSignInAttempt(ctx, attempt, subjects[0]); err != nil {
			return err
		}
		return tx.DeleteTwoStepChallenge(ctx, hash)
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

// AbandonSecondStep ends the half-finished sign-in of token, if there is one.
func (s *Service) AbandonSecondStep(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.store.DeleteTwoStepChallenge(ctx, auth.TokenHash(token))
}
