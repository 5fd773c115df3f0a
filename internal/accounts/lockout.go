package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
)

// Sign-in lock-out: after this many failures in the window, for one account or one
// client, further tries are refused until the window passes.
const (
	MaxSignInFailures = 5
	SignInWindow      = 15 * time.Minute
)

// Errors of SignIn.
var (
	// ErrWrongCredentials means no account has this email and password; which of the
	// two is wrong is not said.
	ErrWrongCredentials = errors.New("wrong email or password")
	// ErrLockedOut means the account or the client failed too often of late; SignIn
	// returns it as a *LockedOutError, which says when to try again.
	ErrLockedOut = errors.New("too many failed sign-ins")
)

// LockedOutError is ErrLockedOut with how long to wait.
type LockedOutError struct {
	// RetryAfter is the whole window: by then every failure that caused the lock-out
	// has aged out, though an earlier try may already work.
	RetryAfter time.Duration
}

func (e *LockedOutError) Error() string { return ErrLockedOut.Error() }

// Is makes errors.Is(err, ErrLockedOut) true.
func (e *LockedOutError) Is(target error) bool { return target == ErrLockedOut }

// SignIn checks a staff member's email and password and returns their account. client
// names the client for the lock-out without revealing it (a keyed hash of its
// address); "" counts the account alone.
//
// Every attempt is counted as a failure before the password is checked, in one
// transaction, so that guesses sent in parallel get no more tries than guesses sent one
// by one; success forgets the attempt and the account's earlier failures. The client's
// earlier failures stay, so that signing in to one's own account buys no more guesses
// at others. An unknown email takes as long as a wrong password, and a disabled
// account is refused like a wrong password.
//
// For an account with two-step sign-in on, a right password returns
// *SecondStepError (ErrSecondStep), whose token lets that browser alone finish with
// SignInSecondStep within SecondStepLifetime.
//
// Returns ErrWrongCredentials (wrapping the cause when a stored hash could not be
// checked at all, which the caller should log), *LockedOutError (ErrLockedOut), or
// *SecondStepError.
func (s *Service) SignIn(ctx context.Context, email, password, client string) (*model.User, error) {
	now := s.now().UTC()
	attempt, subjects, err := s.reserveAttempt(ctx, email, client, now)
	if err != nil {
		return nil, err
	}
	user, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	if user == nil || user.PasswordHash == "" {
		auth.WasteTime(password)
		return nil, ErrWrongCredentials
	}
	if err := auth.VerifyPassword(user.PasswordHash, password); err != nil {
		if errors.Is(err, auth.ErrWrongPassword) {
			return nil, ErrWrongCredentials
		}
		return nil, fmt.Errorf("%w: account %d: %w", ErrWrongCredentials, user.ID, err)
	}
	if user.Disabled() {
		// Told apart from a wrong password by nothing: not the answer, not the time
		// (the password was checked), and the attempt stays counted.
		return nil, ErrWrongCredentials
	}
	if user.TwoStepOn() {
		// The password alone clears none of the account's failures: the codes that
		// follow are counted by the same lock-out, and a right password must not buy
		// more guesses at them.
		if err := s.store.ForgetSignInAttempt(ctx, attempt, ""); err != nil {
			return nil, err
		}
		return nil, s.startSecondStep(ctx, user, now)
	}
	if err := s.store.ForgetSignInAttempt(ctx, attempt, subjects[0]); err != nil {
		return nil, err
	}
	return user, nil
}

// reserveAttempt counts one try at the credentials of the account of email, from
// client, as a failure until it succeeds (store.ForgetSignInAttempt), under the
// account's name and the client's (lockoutSubjects, the account's first). Returns
// *LockedOutError when either has failed too often of late.
func (s *Service) reserveAttempt(ctx context.Context, email, client string, now time.Time) (attempt []int64, subjects []string, err error) {
	if subjects, err = s.lockoutSubjects(email, client); err != nil {
		return nil, nil, err
	}
	attempt, allowed, err := s.store.ReserveSignInAttempt(ctx, now, now.Add(-SignInWindow), MaxSignInFailures, subjects...)
	if err != nil {
		return nil, nil, err
	}
	if !allowed {
		return nil, nil, &LockedOutError{RetryAfter: SignInWindow}
	}
	return attempt, subjects, nil
}

// lockoutSubjects returns the names the lock-out counts failures under: the account's,
// by its email's blind index, and the client's when there is one.
func (s *Service) lockoutSubjects(email, client string) ([]string, error) {
	account, err := s.store.EmailIndex(email)
	if err != nil {
		return nil, err
	}
	subjects := []string{"account:" + account}
	if client != "" {
		subjects = append(subjects, "client:"+client)
	}
	return subjects, nil
}
