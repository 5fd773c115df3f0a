package publishing

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// scheduleTime returns ErrScheduleInPast unless at is after now: an article scheduled
// for a time already gone would go out at once, which publishing does plainly.
func scheduleTime(at, now time.Time) (*time.Time, error) {
	if !at.After(now) {
		return nil, ErrScheduleInPast
	}
	at = at.UTC()
	return &at, nil
}

// PublishDue publishes every scheduled article and every scheduled pending change
// whose time has come at now, records each publication, and returns how many. The
// review gate was passed when each was scheduled, and any change of text since took
// it off the schedule.
func (s *Service) PublishDue(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		due, err := tx.DueArticles(ctx, now)
		if err != nil || len(due) == 0 {
			return err
		}
		if n, err = tx.PublishDue(ctx, now); err != nil {
			return err
		}
		for _, id := range due {
			a, err := tx.Article(ctx, id)
			if err != nil {
				return err
			}
			if err := record(ctx, tx, model.EventPublished, a, a.AuthorID, nil, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	ids, err := s.store.DueChanges(ctx, now)
	if err != nil {
		return n, err
	}
	for _, id := range ids {
		err := s.store.Tx(ctx, func(tx *store.Store) error {
			a, err := tx.Article(ctx, id)
			if err != nil {
				return err
			}
			if a.Pending == nil || a.Pending.Status != model.ArticleScheduled || a.Pending.ScheduledAt.After(now) {
				return nil // published, withdrawn or moved by someone meanwhile
			}
			n++
			return s.publishChange(ctx, tx, nil, a, "Published the scheduled change")
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
