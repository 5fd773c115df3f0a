package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Session is a signed-in staff member's session.
type Session struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Network    string // the client's /24 or /48 network, never its address
	Browser    string // the browser in a few words, such as "Firefox 128 on Linux"
}

// TableName tells GORM where sessions live.
func (Session) TableName() string { return "sessions" }

// CreateSession saves a new session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	// Times are compared as text in SQLite, so every one is stored in UTC.
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()
	return translate(s.db.WithContext(ctx).Create(sess).Error)
}

// SessionUser returns the session with the given token hash and its account, if the
// session has not expired at now and was used within idle, and the account can sign
// in (has a password and is not disabled). Returns model.ErrNotFound otherwise.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, now time.Time, idle time.Duration) (*Session, *model.User, error) {
	var sess Session
	err := s.db.WithContext(ctx).
		Where("token_hash = ? AND expires_at > ? AND last_seen_at > ?", tokenHash, now.UTC(), now.Add(-idle).UTC()).
		Take(&sess).Error
	if err != nil {
		return nil, nil, translate(err)
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.PasswordHash == "" || u.Disabled() {
		return nil, nil, model.ErrNotFound
	}
	return &sess, u, nil
}

// TouchSession records that a session was used at now.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, now time.Time) error {
	return translate(s.db.WithContext(ctx).Model(&Session{}).Where("token_hash = ?", tokenHash).
		Update("last_seen_at", now.UTC()).Error)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return translate(s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&Session{}).Error)
}

// UserSessions returns the sessions of account userID that are still open at now
// (unexpired and used within idle), newest first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time, idle time.Duration) ([]Session, error) {
	var list []Session
	err := s.db.WithContext(ctx).
		Where("user_id = ? AND expires_at > ? AND last_seen_at > ?", userID, now.UTC(), now.Add(-idle).UTC()).
		Order("created_at DESC").Find(&list).Error
	for i := range list {
		list[i].CreatedAt, list[i].LastSeenAt, list[i].ExpiresAt = list[i].CreatedAt.UTC(), list[i].LastSeenAt.UTC(), list[i].ExpiresAt.UTC()
	}
	return list, translate(err)
}

// DeleteOtherSessions ends every session of account userID but the one with the
// token hash keep, and returns how many it ended.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int, error) {
	res := s.db.WithContext(ctx).Where("user_id = ? AND token_hash != ?", userID, keep).Delete(&Session{})
	return int(res.RowsAffected), translate(res.Error)
}

// DeleteUserSessions ends every session of an account and returns how many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	res := s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&Session{})
	return int(res.RowsAffected), translate(res.Error)
}

// DeleteStaleSessions removes sessions that expired or sat idle longer than idle.
func (s *Store) DeleteStaleSessions(ctx context.Context, now time.Time, idle time.Duration) error {
	return translate(s.db.WithContext(ctx).Where("expires_at <= ? OR last_seen_at <= ?", now.UTC(), now.Add(-idle).UTC()).
		Delete(&Session{}).Error)
}

// CreateSetupToken saves the hash of a one-time link that creates the first admin.
func (s *Store) CreateSetupToken(ctx context.Context, tokenHash string, now, expires time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)`,
		tokenHash, now.UTC(), expires.UTC()).Error)
}

// SetupTokenValid reports whether a setup link is unused and unexpired at now.
func (s *Store) SetupTokenValid(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("setup_tokens").
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now.UTC()).Count(&n).Error
	return n == 1, translate(err)
}

// UseSetupToken marks a setup link used; it returns model.ErrNotFound if the link was
// already used, expired, or never existed. Call it in the transaction that creates the
// account, so that one link makes one account.
func (s *Store) UseSetupToken(ctx context.Context, tokenHash string, now time.Time) error {
	res := s.db.WithContext(ctx).Exec(`UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		now.UTC(), tokenHash, now.UTC())
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return model.ErrNotFound
	}
	return nil
}

// RecordSignInFailure counts a failed sign-in against each subject.
func (s *Store) RecordSignInFailure(ctx context.Context, now time.Time, subjects ...string) error {
	for _, subject := range subjects {
		if err := s.db.WithContext(ctx).Exec(`INSERT INTO sign_in_failures (subject, created_at) VALUES (?, ?)`,
			subject, now.UTC()).Error; err != nil {
			return translate(err)
		}
	}
	return nil
}

// SignInFailures returns the most failures any of the subjects has had since since.
func (s *Store) SignInFailures(ctx context.Context, since time.Time, subjects ...string) (int, error) {
	most := 0
	for _, subject := range subjects {
		var n int64
		err := s.db.WithContext(ctx).Table("sign_in_failures").
			Where("subject = ? AND created_at > ?", subject, since.UTC()).Count(&n).Error
		if err != nil {
			return 0, translate(err)
		}
		most = max(most, int(n))
	}
	return most, nil
}

// ClearSignInFailures forgets the failures of the subjects, and any older than before.
func (s *Store) ClearSignInFailures(ctx context.Context, before time.Time, subjects ...string) error {
	return translate(s.db.WithContext(ctx).
		Exec(`DELETE FROM sign_in_failures WHERE subject IN ? OR created_at < ?`, subjects, before.UTC()).Error)
}

// ReserveSignInAttempt counts a sign-in attempt as a failure before the password is
// checked, unless a subject already has limit failures since the given time; then it
// records nothing and reports false. Counting first, in one transaction, means that
// guesses sent in parallel cannot all pass the check. Returns the IDs of the rows to
// forget if the password turns out right.
func (s *Store) ReserveSignInAttempt(ctx context.Context, now, since time.Time, limit int, subjects ...string) ([]int64, bool, error) {
	var ids []int64
	allowed := false
	err := s.Tx(ctx, func(tx *Store) error {
		// Failures from before the window count no more: dropping them here keeps the
		// table to the window's attempts instead of every attempt ever made.
		if err := tx.db.Exec(`DELETE FROM sign_in_failures WHERE created_at <= ?`, since.UTC()).Error; err != nil {
			return translate(err)
		}
		n, err := tx.SignInFailures(ctx, since, subjects...)
		if err != nil || n >= limit {
			return err
		}
		for _, subject := range subjects {
			row := struct {
				ID        int64 `gorm:"primaryKey"`
				Subject   string
				CreatedAt time.Time
			}{Subject: subject, CreatedAt: now.UTC()}
			if err := tx.db.Table("sign_in_failures").Create(&row).Error; err != nil {
				return translate(err)
			}
			ids = append(ids, row.ID)
		}
		allowed = true
		return nil
	})
	return ids, allowed, err
}

// ForgetSignInAttempt removes the rows of an attempt that succeeded, and every failure
// of the account subject, which a successful sign-in resets.
func (s *Store) ForgetSignInAttempt(ctx context.Context, ids []int64, account string) error {
	return translate(s.db.WithContext(ctx).
		Exec(`DELETE FROM sign_in_failures WHERE id IN ? OR subject = ?`, ids, account).Error)
}
