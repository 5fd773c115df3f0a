package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
)

// oldSpam saves a spam reply written the given time before now and returns its ID.
func oldSpam(t *testing.T, a *app.App, age time.Duration, email string) int64 {
	t.Helper()
	c := &model.Comment{ArticleID: 1, AuthorName: "Spammer", AuthorEmail: email, Body: "Cheap pills.",
		Status: model.CommentSpam, CreatedAt: time.Now().Add(-age)}
	if err := a.Store.CreateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func replyExists(t *testing.T, a *app.App, id int64) bool {
	t.Helper()
	_, err := a.Store.Comment(context.Background(), id)
	return err == nil
}

// Ensure the program applies the retention settings when it starts, then again only
// once a day has passed since the last run (by any process), and logs counts but
// never an email.
func TestRetention_AtStartAndDaily(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := testConfig(t)
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))

	first, err := app.New(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	old := oldSpam(t, first, 31*24*time.Hour, "old.spammer@example.com")
	recent := oldSpam(t, first, 29*24*time.Hour, "recent.spammer@example.com")
	first.Close()

	cfg.Addr = "127.0.0.1:0"
	a, _ := startAppWith(t, cfg, logger)
	// The start run is in the background: the site answers while it works.
	const applied = `msg="applied the retention settings" spam_and_trash_deleted=1 pending_deleted=0 client_data_cleared=0`
	waitForLog(t, logs, applied)
	if replyExists(t, a, old) || !replyExists(t, a, recent) {
		t.Fatalf("after a restart: 31-day-old spam exists %v (want false), 29-day-old exists %v (want true)",
			replyExists(t, a, old), replyExists(t, a, recent))
	}

	now := time.Now()
	if ran, err := a.ApplyRetentionIfDue(ctx, now.Add(time.Minute)); err != nil || ran {
		t.Errorf("a minute after start: ran %v, %v; want not due", ran, err)
	}
	if ran, err := a.ApplyRetentionIfDue(ctx, now.Add(23*time.Hour)); err != nil || ran {
		t.Errorf("23 hours after start: ran %v, %v; want not due", ran, err)
	}
	// Two days later the 29-day-old spam is past 30 days, and a day has passed.
	later := now.Add(2*24*time.Hour + time.Minute)
	if ran, err := a.ApplyRetentionIfDue(ctx, later); err != nil || !ran {
		t.Errorf("two days later: ran %v, %v; want it to run", ran, err)
	}
	if replyExists(t, a, recent) {
		t.Error("the daily run did not delete spam that had become 31 days old")
	}
	if ran, err := a.ApplyRetentionIfDue(ctx, later.Add(time.Hour)); err != nil || ran {
		t.Errorf("an hour after the daily run: ran %v, %v; want not due", ran, err)
	}
	if l := strings.ToLower(string(logs.Bytes())); strings.Contains(l, "spammer@example.com") || strings.Contains(l, "cheap pills") {
		t.Errorf("the logs show a reply's email or text:\n%s", string(logs.Bytes()))
	}
}
