package app

import (
	"context"
	"time"
)

// SchedulerInterval is how often scheduled articles are checked; an article goes out
// at most this long after its time.
const SchedulerInterval = 20 * time.Second

// PublishDue publishes the scheduled articles whose time has come at now, and returns
// how many.
func (a *App) PublishDue(ctx context.Context, now time.Time) (int, error) {
	n, err := a.Store.PublishDue(ctx, now)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		a.Logger.Info("published scheduled articles", "count", n)
	}
	return n, nil
}

// runScheduler publishes scheduled articles until ctx is done. Because it only looks
// at the database, articles scheduled before a restart go out after it too.
func (a *App) runScheduler(ctx context.Context) {
	ticker := time.NewTicker(SchedulerInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if _, err := a.PublishDue(ctx, time.Now()); err != nil && ctx.Err() == nil {
				a.Logger.Error("publish scheduled articles", "error", err.Error())
			}
		}
	}
}
