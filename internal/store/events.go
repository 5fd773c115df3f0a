package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type eventRow struct {
	ID           int64
	Kind         string
	ArticleID    sql.NullInt64
	CommentID    sql.NullInt64
	UserID       sql.NullInt64
	ActorID      sql.NullInt64
	Secret       []byte
	CreatedAt    time.Time
	DispatchedAt *time.Time
}

func (eventRow) TableName() string { return "events" }

func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

// RecordEvent writes e, to be dispatched later; a caller does it in the transaction of
// the change the event describes, so that the two are saved together or not at all.
// A secret is sealed with the store's keys.
func (s *Store) RecordEvent(ctx context.Context, e model.Event) error {
	var sealed []byte
	if e.Secret != "" {
		keys, err := s.emailKeys()
		if err != nil {
			return err
		}
		sealed = keys.Seal(e.Secret)
	}
	// One statement, without GORM's reflection: every reply records an event.
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO events (kind, article_id, comment_id, user_id, actor_id, secret, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, string(e.Kind), nullID(e.ArticleID), nullID(e.CommentID), nullID(e.UserID),
		nullID(e.ActorID), sealed, e.CreatedAt.UTC()).Error)
}

// WaitingEvents returns up to limit events not yet dispatched, oldest first, with
// their secrets opened.
func (s *Store) WaitingEvents(ctx context.Context, limit int) ([]model.Event, error) {
	var rows []eventRow
	err := s.db.WithContext(ctx).Where("dispatched_at IS NULL").Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	events := make([]model.Event, len(rows))
	for i, r := range rows {
		events[i] = model.Event{
			ID: r.ID, Kind: model.EventKind(r.Kind), ArticleID: r.ArticleID.Int64, CommentID: r.CommentID.Int64,
			UserID: r.UserID.Int64, ActorID: r.ActorID.Int64, CreatedAt: r.CreatedAt.UTC(),
		}
		if len(r.Secret) > 0 {
			keys, err := s.emailKeys()
			if err != nil {
				return nil, err
			}
			if events[i].Secret, err = keys.Open(r.Secret); err != nil {
				return nil, err
			}
		}
	}
	return events, nil
}

// MarkDispatched records that event id's messages are written, and forgets its secret.
// It reports false if the event was dispatched already (by another process).
func (s *Store) MarkDispatched(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE events SET dispatched_at = ?, secret = NULL WHERE id = ? AND dispatched_at IS NULL`, now.UTC(), id)
	return res.RowsAffected == 1, translate(res.Error)
}

// DeleteDispatchedEvents removes events dispatched before cutoff and returns how many.
func (s *Store) DeleteDispatchedEvents(ctx context.Context, cutoff time.Time) (int, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM events WHERE dispatched_at IS NOT NULL AND dispatched_at < ?`, cutoff.UTC())
	return int(res.RowsAffected), translate(res.Error)
}
