package accounts

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ResetTwoStep turns off the two-step sign-in of account userID for someone who lost
// their second factor: its secret and recovery codes are removed, and so are its
// half-finished sign-ins; it signs in with its password alone until it sets two-step
// sign-in up again (at once, if its role requires it). by is the administrator doing
// it (model.PermManageUsers), or nil for the command line. A reset of an account that
// had two-step sign-in on is written to the audit log, in the same transaction.
// Reports whether two-step sign-in was on.
//
// Returns model.ErrForbidden (checked first, so that no one learns which accounts
// exist) or model.ErrNotFound.
func (s *Service) ResetTwoStep(ctx context.Context, by *model.User, userID int64) (bool, error) {
	if by != nil && !by.Role.Can(model.PermManageUsers) {
		return false, model.ErrForbidden
	}
	if _, err := s.store.User(ctx, userID); err != nil {
		return false, err
	}
	now := s.now().UTC()
	was := false
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if was, err = tx.ClearTOTP(ctx, userID); err != nil || !was {
			return err
		}
		return s.auditTwoStepReset(ctx, tx, by, userID, now)
	})
	return was, err
}

// auditTwoStepReset writes the reset of account userID's second factor, by by (nil
// for the command line), to the staff audit log and to the account's list of resets.
func (s *Service) auditTwoStepReset(ctx context.Context, tx *store.Store, by *model.User, userID int64, now time.Time) error {
	var byID int64
	if by != nil {
		byID = by.ID
	}
	if err := tx.RecordTwoStepReset(ctx, userID, byID, now); err != nil {
		return err
	}
	return s.record(ctx, tx, by, userID, auditLine{store.StaffTwoStepOff, ""})
}

// TwoStepOf returns account userID and the state of its two-step sign-in, for an
// administrator (model.PermManageUsers). Returns model.ErrForbidden (checked first) or
// model.ErrNotFound.
func (s *Service) TwoStepOf(ctx context.Context, by *model.User, userID int64) (*model.User, TwoStepStatus, error) {
	if by == nil || !by.Role.Can(model.PermManageUsers) {
		return nil, TwoStepStatus{}, model.ErrForbidden
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, TwoStepStatus{}, err
	}
	st, err := s.TwoStepStatus(ctx, u)
	return u, st, err
}
