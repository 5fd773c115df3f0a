package publishing

import (
	"context"
	"time"
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

// PublishDue publishes every scheduled article whose time has come at now, and
// returns how many. The review gate was passed when each was scheduled.
func (s *Service) PublishDue(ctx context.Context, now time.Time) (int, error) {
	return s.store.PublishDue(ctx, now)
}
