package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Field names of the change-password form, used in its validation errors.
const (
	FieldCurrentPassword = "current_password"
	FieldNewPassword     = "new_password"
)

// ErrWrongPassword means the password typed to confirm an action on one's own account
// is not the account's.
var ErrWrongPassword = errors.New("wrong password")

// checkNewPassword returns what is wrong with password as the new password of u, or
// "" if it is acceptable. Every password a person chooses for their account passes
// here, so that the strength rule is one call to change.
func checkNewPassword(password string, u *model.User) string {
	if err := CheckPassword(password, u.Name, u.EmailAddress()); err != nil {
		return err.Error()
	}
	return ""
}

// hashNewPassword judges password as u's new one (checkNewPassword) and returns its
// hash, or *model.ValidationError naming model.UserFieldPassword.
func hashNewPassword(password string, u *model.User) (string, error) {
	if problem := checkNewPassword(password, u); problem != "" {
		v := &model.ValidationError{}
		v.Add(model.UserFieldPassword, problem)
		return "", v
	}
	return auth.HashPassword(password)
}

// PasswordChange is the change-password form as typed.
type PasswordChange struct {
	Current string
	New     string
}

// ChangePassword replaces the password of user, who is signed in with the session of
// token, after checking the current one. Every other session of the account ends and
// its half-finished two-step sign-ins with it; the session of token goes on.
//
// A wrong current password is counted by the sign-in lock-out, like a wrong password at
// sign-in, so that someone holding only an open session cannot try passwords here
// without limit.
//
// Returns *model.ValidationError naming FieldNewPassword when the new password is
// refused (checked first: a refused password costs no guess), ErrWrongPassword (with
// the cause wrapped when the stored hash could not be checked), or *LockedOutError.
func (s *Service) ChangePassword(ctx context.Context, user *model.User, token string, change PasswordChange, client string) error {
	if problem := checkNewPassword(change.New, user); problem != "" {
		v := &model.ValidationError{}
		v.Add(FieldNewPassword, problem)
		return v
	}
	if err := s.confirmPassword(ctx, user, change.Current, client); err != nil {
		return err
	}
	hash, err := auth.HashPassword(change.New)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetPasswordHash(ctx, user.ID, hash, now); err != nil {
			return err
		}
		if _, err := tx.DeleteOtherSessions(ctx, user.ID, auth.TokenHash(token)); err != nil {
			return err
		}
		return tx.DeleteTwoStepChallenges(ctx, user.ID)
	})
}

// confirmPassword checks that password is user's, counting the try in the sign-in
// lock-out of the account and of client ("" for none). Returns ErrWrongPassword or
// *LockedOutError.
func (s *Service) confirmPassword(ctx context.Context, user *model.User, password, client string) error {
	now := s.now().UTC()
	attempt, subjects, err := s.reserveAttempt(ctx, user.EmailAddress(), client, now)
	if err != nil {
		return err
	}
	if err := auth.VerifyPassword(user.PasswordHash, password); err != nil {
		if errors.Is(err, auth.ErrWrongPassword) {
			return ErrWrongPassword
		}
		return fmt.Errorf("%w: account %d: %w", ErrWrongPassword, user.ID, err)
	}
	return s.store.ForgetSignInAttempt(ctx, attempt, subjects[0])
}
