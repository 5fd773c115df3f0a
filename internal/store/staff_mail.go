package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// ActiveStaff returns every account that can sign in (a password, not disabled) and
// has an email, by ID: the staff that mail may reach.
func (s *Store) ActiveStaff(ctx context.Context) ([]*model.User, error) {
	var rows []userRow
	err := s.db.WithContext(ctx).Where("password_hash != '' AND disabled_at IS NULL AND email IS NOT NULL AND email != ''").
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	users := make([]*model.User, len(rows))
	for i, r := range rows {
		users[i] = r.model()
	}
	return users, nil
}

// SetModerationMail saves what account userID hears about replies waiting. Returns
// model.ErrNotFound if there is no such account.
func (s *Store) SetModerationMail(ctx context.Context, userID int64, m model.ModerationMail) error {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).Update("moderation_mail", string(m))
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return model.ErrNotFound
	}
	return nil
}

// ClaimDigest records that account userID's daily digest goes at now, if its last
// one went at previous (nil for never), and reports whether it did: of two senders
// at once, one claims it.
func (s *Store) ClaimDigest(ctx context.Context, userID int64, previous *time.Time, now time.Time) (bool, error) {
	q := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID)
	if previous == nil {
		q = q.Where("digest_sent_at IS NULL")
	} else {
		q = q.Where("digest_sent_at = ?", previous.UTC())
	}
	res := q.Update("digest_sent_at", now.UTC())
	return res.RowsAffected == 1, translate(res.Error)
}

// Invitee is an account that has no password yet but an email: someone invited to
// the staff who has not set a password, with their latest invitation link.
type Invitee struct {
	*model.User
	// LinkExpiresAt is when the latest unused invitation link stops working; nil
	// when there is none (used, or never sent).
	LinkExpiresAt *time.Time
}

// Invitees returns the accounts without a password that have an email, by name.
func (s *Store) Invitees(ctx context.Context) ([]Invitee, error) {
	db := s.db.WithContext(ctx)
	var rows []userRow
	err := db.Where("password_hash = '' AND email IS NOT NULL AND email != ''").Order("name, id").Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var links []linkTokenRow
	err = db.Where("user_id IN ? AND purpose = ? AND used_at IS NULL", ids, string(LinkInvitation)).Find(&links).Error
	if err != nil {
		return nil, translate(err)
	}
	latest := map[int64]time.Time{}
	for _, l := range links {
		if l.ExpiresAt.After(latest[l.UserID.Int64]) {
			latest[l.UserID.Int64] = l.ExpiresAt.UTC()
		}
	}
	list := make([]Invitee, len(rows))
	for i, r := range rows {
		list[i] = Invitee{User: r.model()}
		if t, ok := latest[r.ID]; ok {
			list[i].LinkExpiresAt = &t
		}
	}
	return list, nil
}
