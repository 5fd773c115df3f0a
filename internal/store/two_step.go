package store

import (
	"context"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// TOTP is the stored state of an account's two-step sign-in, with its secrets
// decrypted.
type TOTP struct {
	Secret    string     // base32; "" while two-step sign-in is off
	EnabledAt *time.Time // nil while it is off
	LastStep  int64      // the time step of the last code accepted
	Pending   string     // a secret being set up; "" for none
	PendingAt *time.Time
}

// TOTP returns the two-step state of account userID, decrypted with the store's keys.
// Returns model.ErrNotFound, or ErrNoKeys before UseKeys.
func (s *Store) TOTP(ctx context.Context, userID int64) (*TOTP, error) {
	var row struct {
		TOTPSecretEnc  []byte     `gorm:"column:totp_secret_enc"`
		TOTPEnabledAt  *time.Time `gorm:"column:totp_enabled_at"`
		TOTPLastStep   int64      `gorm:"column:totp_last_step"`
		TOTPPendingEnc []byte     `gorm:"column:totp_pending_enc"`
		TOTPPendingAt  *time.Time `gorm:"column:totp_pending_at"`
	}
	res := s.db.WithContext(ctx).Table("users").
		Select("totp_secret_enc, totp_enabled_at, totp_last_step, totp_pending_enc, totp_pending_at").
		Where("id = ?", userID).Limit(1).Scan(&row)
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, model.ErrNotFound
	}
	t := &TOTP{EnabledAt: utcPtr(row.TOTPEnabledAt), LastStep: row.TOTPLastStep, PendingAt: utcPtr(row.TOTPPendingAt)}
	if len(row.TOTPSecretEnc) > 0 || len(row.TOTPPendingEnc) > 0 {
		keys, err := s.emailKeys()
		if err != nil {
			return nil, err
		}
		if len(row.TOTPSecretEnc) > 0 {
			if t.Secret, err = keys.Open(row.TOTPSecretEnc); err != nil {
				return nil, err
			}
		}
		if len(row.TOTPPendingEnc) > 0 {
			if t.Pending, err = keys.Open(row.TOTPPendingEnc); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// SetPendingTOTP keeps secret, encrypted, as the one account userID is setting up.
func (s *Store) SetPendingTOTP(ctx context.Context, userID int64, secret string, at time.Time) error {
	keys, err := s.emailKeys()
	if err != nil {
		return err
	}
	return translate(s.db.WithContext(ctx).Exec(`UPDATE users SET totp_pending_enc = ?, totp_pending_at = ? WHERE id = ?`,
		keys.Seal(secret), at.UTC(), userID).Error)
}

// EnableTOTP turns two-step sign-in on for account userID with secret, whose code of
// time step step was just accepted, and replaces its recovery codes with codeHashes,
// in one transaction. The pending secret is cleared.
func (s *Store) EnableTOTP(ctx context.Context, userID int64, secret string, step int64, at time.Time, codeHashes []string) error {
	keys, err := s.emailKeys()
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Exec(`UPDATE users SET totp_secret_enc = ?, totp_enabled_at = ?, totp_last_step = ?,
			totp_pending_enc = NULL, totp_pending_at = NULL WHERE id = ?`, keys.Seal(secret), at.UTC(), step, userID)
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected != 1 {
			return model.ErrNotFound
		}
		return tx.replaceRecoveryCodes(ctx, userID, codeHashes)
	})
}

func (s *Store) replaceRecoveryCodes(ctx context.Context, userID int64, codeHashes []string) error {
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM recovery_codes WHERE user_id = ?`, userID).Error; err != nil {
		return translate(err)
	}
	for _, h := range codeHashes {
		if err := s.db.WithContext(ctx).Exec(`INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h).Error; err != nil {
			return translate(err)
		}
	}
	return nil
}

// UseTOTPStep records that a code of time step step was accepted for account userID,
// unless a code of that step or a later one already was: then it records nothing and
// reports false. One statement, so that two requests with the same code cannot both
// pass.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ? AND totp_enabled_at IS NOT NULL`,
		step, userID, step)
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ErrRecoveryCodeUsed means a recovery code was used before.
var ErrRecoveryCodeUsed = errors.New("recovery code already used")

// UseRecoveryCode marks the recovery code with hash codeHash of account userID used.
// Returns model.ErrNotFound if the account has no such code, ErrRecoveryCodeUsed if
// it was used before.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, codeHash string, at time.Time) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		at.UTC(), userID, codeHash)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var n int64
	if err := s.db.WithContext(ctx).Table("recovery_codes").Where("user_id = ? AND code_hash = ?", userID, codeHash).Count(&n).Error; err != nil {
		return translate(err)
	}
	if n > 0 {
		return ErrRecoveryCodeUsed
	}
	return model.ErrNotFound
}

// RecoveryCodesLeft returns how many unused recovery codes account userID has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("recovery_codes").Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	return int(n), translate(err)
}

// ClearTOTP turns two-step sign-in off for account userID: its secret, pending
// secret, recovery codes and half-finished sign-ins are removed, in one transaction.
// It reports whether two-step sign-in was on.
func (s *Store) ClearTOTP(ctx context.Context, userID int64) (bool, error) {
	was := false
	err := s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.db.WithContext(ctx).Table("users").Where("id = ? AND totp_enabled_at IS NOT NULL", userID).Count(&n).Error; err != nil {
			return translate(err)
		}
		was = n > 0
		if err := tx.db.WithContext(ctx).Exec(`UPDATE users SET totp_secret_enc = NULL, totp_enabled_at = NULL, totp_last_step = 0,
			totp_pending_enc = NULL, totp_pending_at = NULL WHERE id = ?`, userID).Error; err != nil {
			return translate(err)
		}
		if err := tx.db.WithContext(ctx).Exec(`DELETE FROM recovery_codes WHERE user_id = ?`, userID).Error; err != nil {
			return translate(err)
		}
		return tx.DeleteTwoStepChallenges(ctx, userID)
	})
	return was, err
}

// CreateTwoStepChallenge saves a half-finished sign-in of account userID, under the
// hash of its cookie's token, and removes those that have expired.
func (s *Store) CreateTwoStepChallenge(ctx context.Context, tokenHash string, userID int64, now, expires time.Time) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.WithContext(ctx).Exec(`DELETE FROM two_step_challenges WHERE expires_at <= ?`, now.UTC()).Error; err != nil {
			return translate(err)
		}
		return translate(tx.db.WithContext(ctx).Exec(`INSERT INTO two_step_challenges (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			tokenHash, userID, now.UTC(), expires.UTC()).Error)
	})
}

// TwoStepChallenge returns the account of the half-finished sign-in with the given
// token hash, if it has not expired at now. Returns model.ErrNotFound otherwise.
func (s *Store) TwoStepChallenge(ctx context.Context, tokenHash string, now time.Time) (*model.User, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Table("two_step_challenges").Where("token_hash = ? AND expires_at > ?", tokenHash, now.UTC()).
		Pluck("user_id", &ids).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(ids) == 0 {
		return nil, model.ErrNotFound
	}
	return s.User(ctx, ids[0])
}

// DeleteTwoStepChallenge ends a half-finished sign-in.
func (s *Store) DeleteTwoStepChallenge(ctx context.Context, tokenHash string) error {
	return translate(s.db.WithContext(ctx).Exec(`DELETE FROM two_step_challenges WHERE token_hash = ?`, tokenHash).Error)
}

// DeleteTwoStepChallenges ends every half-finished sign-in of account userID.
func (s *Store) DeleteTwoStepChallenges(ctx context.Context, userID int64) error {
	return translate(s.db.WithContext(ctx).Exec(`DELETE FROM two_step_challenges WHERE user_id = ?`, userID).Error)
}

// TwoStepReset is one reset of an account's second factor.
type TwoStepReset struct {
	At            time.Time
	ByName        string // the administrator; "" for the command line or a removed account
	ByCommandLine bool
}

// RecordTwoStepReset notes that the second factor of account userID was reset by
// account by, or from the command line when by is 0.
func (s *Store) RecordTwoStepReset(ctx context.Context, userID, by int64, at time.Time) error {
	var byID *int64
	if by != 0 {
		byID = &by
	}
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO two_step_resets (user_id, reset_by, by_command_line, created_at) VALUES (?, ?, ?, ?)`,
		userID, byID, by == 0, at.UTC()).Error)
}

// TwoStepResets returns the latest resets of account userID's second factor, newest
// first.
func (s *Store) TwoStepResets(ctx context.Context, userID int64, limit int) ([]TwoStepReset, error) {
	var rows []struct {
		CreatedAt     time.Time
		ByName        *string
		ByCommandLine bool
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT r.created_at, u.name AS by_name, r.by_command_line
		  FROM two_step_resets r LEFT JOIN users u ON u.id = r.reset_by
		 WHERE r.user_id = ?
		 ORDER BY r.created_at DESC, r.id DESC
		 LIMIT ?`, userID, limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]TwoStepReset, len(rows))
	for i, r := range rows {
		list[i] = TwoStepReset{At: r.CreatedAt.UTC(), ByCommandLine: r.ByCommandLine}
		if r.ByName != nil {
			list[i].ByName = *r.ByName
		}
	}
	return list, nil
}
