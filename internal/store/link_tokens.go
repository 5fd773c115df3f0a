package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// LinkPurpose is what a link in a message does.
type LinkPurpose string

// The purposes.
const (
	LinkConfirm       LinkPurpose = "confirm"        // confirms a reader's subscriptions
	LinkUnsubscribe   LinkPurpose = "unsubscribe"    // ends a reader's subscriptions
	LinkPasswordReset LinkPurpose = "password_reset" // sets a staff member's new password
	LinkInvitation    LinkPurpose = "invitation"     // sets an invited staff member's first password
)

// LinkToken is a link's token as stored: only its hash.
type LinkToken struct {
	Hash       string
	Purpose    LinkPurpose
	EmailIndex string // whose subscriptions, for confirm and unsubscribe
	UserID     int64  // whose account, for password_reset and invitation
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     *time.Time
}

type linkTokenRow struct {
	TokenHash  string `gorm:"primaryKey"`
	Purpose    string
	EmailIndex string
	UserID     sql.NullInt64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     *time.Time
}

func (linkTokenRow) TableName() string { return "link_tokens" }

// CreateLinkToken stores t.
func (s *Store) CreateLinkToken(ctx context.Context, t LinkToken) error {
	row := linkTokenRow{
		TokenHash: t.Hash, Purpose: string(t.Purpose), EmailIndex: t.EmailIndex, UserID: nullID(t.UserID),
		CreatedAt: t.CreatedAt.UTC(), ExpiresAt: t.ExpiresAt.UTC(),
	}
	return translate(s.db.WithContext(ctx).Create(&row).Error)
}

// ValidLinkToken returns the token with hash for purpose if it is unused and not
// expired at now, or model.ErrNotFound.
func (s *Store) ValidLinkToken(ctx context.Context, hash string, purpose LinkPurpose, now time.Time) (*LinkToken, error) {
	var r linkTokenRow
	err := s.db.WithContext(ctx).Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hash, string(purpose), now.UTC()).
		Take(&r).Error
	if err != nil {
		return nil, translate(err)
	}
	return &LinkToken{
		Hash: r.TokenHash, Purpose: LinkPurpose(r.Purpose), EmailIndex: r.EmailIndex, UserID: r.UserID.Int64,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
	}, nil
}

// UseLinkToken marks the token with hash used, if it is valid for purpose at now, and
// returns it; model.ErrNotFound otherwise. Of two uses at once, one succeeds.
func (s *Store) UseLinkToken(ctx context.Context, hash string, purpose LinkPurpose, now time.Time) (*LinkToken, error) {
	t, err := s.ValidLinkToken(ctx, hash, purpose, now)
	if err != nil {
		return nil, err
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE link_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, now.UTC(), hash)
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, model.ErrNotFound
	}
	return t, nil
}

// DeleteLinkTokens removes the unused tokens of one purpose for an account (a new
// reset link replaces the old ones) and returns how many.
func (s *Store) DeleteLinkTokens(ctx context.Context, userID int64, purpose LinkPurpose) (int, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM link_tokens WHERE user_id = ? AND purpose = ? AND used_at IS NULL`, userID, string(purpose))
	return int(res.RowsAffected), translate(res.Error)
}

// RetireLinkTokens makes the unused tokens of one purpose for an account unusable,
// as if used at now, and returns how many: a new link replaces the old ones, which
// stay counted by CountLinkTokens.
func (s *Store) RetireLinkTokens(ctx context.Context, userID int64, purpose LinkPurpose, now time.Time) (int, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE link_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
		now.UTC(), userID, string(purpose))
	return int(res.RowsAffected), translate(res.Error)
}

// CountLinkTokens returns how many tokens of one purpose were made for an account
// since the given time, used or not.
func (s *Store) CountLinkTokens(ctx context.Context, userID int64, purpose LinkPurpose, since time.Time) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&linkTokenRow{}).Where("user_id = ? AND purpose = ? AND created_at > ?", userID, string(purpose), since.UTC()).
		Count(&n).Error
	return int(n), translate(err)
}

// DeleteExpiredLinkTokens removes tokens expired before cutoff and returns how many.
func (s *Store) DeleteExpiredLinkTokens(ctx context.Context, cutoff time.Time) (int, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM link_tokens WHERE expires_at < ?`, cutoff.UTC())
	return int(res.RowsAffected), translate(res.Error)
}
