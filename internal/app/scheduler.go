package app

import (
	"context"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// SchedulerInterval is how often scheduled articles are checked; an article goes out
// at most this long after its time.
const SchedulerInterval = 20 * time.Second

// PublishDue publishes the scheduled articles whose time has come at now, and returns
// how many.
func (a *App) PublishDue(ctx context.Context, now time.Time) (int, error) {
	n, err := a.Publishing.PublishDue(ctx, now)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		a.Logger.Info("published scheduled articles", "count", n)
	}
	return n, nil
}

// RetentionInterval is how often the retention settings are applied.
const RetentionInterval = 24 * time.Hour

// retentionMeta records, in site_meta, when retention last ran, so that every process
// sharing the database (and a restarted one) knows whether it is due.
const retentionMeta = "retention_applied_at"

// ApplyRetention deletes and clears what the retention settings keep no longer at now,
// records when it ran, and logs how much it removed (counts only, never an email).
func (a *App) ApplyRetention(ctx context.Context, now time.Time) (store.RetentionResult, error) {
	res, err := a.Privacy.ApplyRetention(ctx, now)
	if err != nil {
		return res, err
	}
	tidied, err := a.Mail.Tidy(ctx, now)
	if err != nil {
		return res, err
	}
	if tidied != (mail.TidyResult{}) {
		a.Logger.Info("tidied the outbox", "messages_deleted", tidied.Messages, "events_deleted", tidied.Events,
			"link_tokens_deleted", tidied.Tokens)
	}
	if err := a.Store.SetMeta(ctx, retentionMeta, now.UTC().Format(time.RFC3339)); err != nil {
		return res, err
	}
	if res != (store.RetentionResult{}) {
		a.Logger.Info("applied the retention settings",
			"spam_and_trash_deleted", res.Spam, "pending_deleted", res.Pending, "client_data_cleared", res.Client)
	}
	return res, nil
}

// ApplyRetentionIfDue applies the retention settings if no process has done so in the
// last RetentionInterval, and reports whether it did. Two processes that both find it
// due both run it, which is harmless: the second finds nothing left to remove.
func (a *App) ApplyRetentionIfDue(ctx context.Context, now time.Time) (bool, error) {
	last, err := a.Store.Meta(ctx, retentionMeta)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return false, err
	}
	if t, perr := time.Parse(time.RFC3339, last); err == nil && perr == nil {
		if since := now.Sub(t); since >= 0 && since < RetentionInterval {
			return false, nil
		}
	}
	_, err = a.ApplyRetention(ctx, now)
	return err == nil, err
}

// runScheduler publishes scheduled articles, and applies the retention settings once
// a day, until ctx is done. Because it only looks at the database, articles scheduled
// before a restart go out after it too.
func (a *App) runScheduler(ctx context.Context) {
	// Retention is applied at every start, in the background: a site that starts with
	// a large backlog to delete answers at once, while the deletion runs in short
	// transactions between other writes.
	if _, err := a.ApplyRetention(ctx, time.Now()); err != nil && ctx.Err() == nil {
		a.Logger.Error("apply the retention settings", "error", err.Error())
	}
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
			if _, err := a.ApplyRetentionIfDue(ctx, time.Now()); err != nil && ctx.Err() == nil {
				a.Logger.Error("apply the retention settings", "error", err.Error())
			}
		}
	}
}
