package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type banRow struct {
	ID        int64 `gorm:"primaryKey"`
	Kind      string
	Value     string
	Reason    string
	Until     *time.Time
	CommentID *int64
	CreatedBy *int64
	CreatedAt time.Time
}

func (banRow) TableName() string { return "bans" }

func (r banRow) model() model.Ban {
	b := model.Ban{ID: r.ID, Kind: model.BanKind(r.Kind), Value: r.Value, Reason: r.Reason,
		CommentID: r.CommentID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.Until != nil {
		until := r.Until.UTC()
		b.Until = &until
	}
	return b
}

// CreateBan saves a ban as it is; the caller has validated it.
func (s *Store) CreateBan(ctx context.Context, b *model.Ban) error {
	if b.CreatedAt.IsZero() {
		b.CreatedAt = time.Now()
	}
	r := banRow{Kind: string(b.Kind), Value: b.Value, Reason: b.Reason,
		CommentID: b.CommentID, CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt.UTC()}
	if b.Until != nil {
		until := b.Until.UTC()
		r.Until = &until
	}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return translate(err)
	}
	b.ID = r.ID
	return nil
}

// activeBanQuery finds the longest-lasting ban in force on an email index or a client
// hash.
const activeBanQuery = `
	SELECT * FROM bans
	 WHERE ((kind = 'email' AND value = ?) OR (kind = 'client' AND value = ?))
	   AND value != '' AND (until IS NULL OR until > ?)
	 ORDER BY until IS NOT NULL, until DESC
	 LIMIT 1`

// ActiveBan returns the ban that applies at now to a reply with this email blind
// index or this client hash (either may be empty), the longest-lasting if several do,
// or nil if none does. One query, on the index of kind and value.
func (s *Store) ActiveBan(ctx context.Context, emailIndex, clientHash string, now time.Time) (*model.Ban, error) {
	var rows []banRow
	err := s.db.WithContext(ctx).Raw(activeBanQuery, emailIndex, clientHash, now.UTC()).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	b := rows[0].model()
	return &b, nil
}

// BanEntry is a ban as the list of bans shows it: who it was about is said only
// through the reply it was made from, and only while that reply exists.
type BanEntry struct {
	model.Ban
	ReplyAuthor   string // the name on the reply the ban was made from; empty once it is gone
	ReplyPrefix   string // that reply's anonymised network
	CreatedByName string // the moderator who made it; empty once the account is gone
}

// ListBans returns the newest bans first, active and expired, at most limit of them.
func (s *Store) ListBans(ctx context.Context, limit int) ([]BanEntry, error) {
	var rows []struct {
		Ban           banRow `gorm:"embedded"`
		ReplyAuthor   *string
		ReplyPrefix   *string
		CreatedByName *string
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT b.*, c.author_name AS reply_author, c.client_prefix AS reply_prefix, u.name AS created_by_name
		  FROM bans b
		  LEFT JOIN comments c ON c.id = b.comment_id
		  LEFT JOIN users u ON u.id = b.created_by
		 ORDER BY b.created_at DESC, b.id DESC
		 LIMIT ?`, limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]BanEntry, len(rows))
	for i, r := range rows {
		list[i] = BanEntry{Ban: r.Ban.model()}
		if r.ReplyAuthor != nil {
			list[i].ReplyAuthor = *r.ReplyAuthor
		}
		if r.ReplyPrefix != nil {
			list[i].ReplyPrefix = *r.ReplyPrefix
		}
		if r.CreatedByName != nil {
			list[i].CreatedByName = *r.CreatedByName
		}
	}
	return list, nil
}

// LiftBan deletes a ban. Returns model.ErrNotFound if there is no such ban.
func (s *Store) LiftBan(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM bans WHERE id = ?`, id)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	return nil
}
