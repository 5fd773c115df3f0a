package privacy_test

import (
	"context"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure ApplyRetention applies the periods saved in the settings, not the default
// ones: spam older than the saved period goes, younger spam and, with a period of 0,
// every pending reply and all client data stay.
func TestApplyRetention_SavedPolicy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := model.DefaultPolicy()
	p.RetainSpamDays, p.RetainPendingDays, p.RetainClientDays = 10, 0, 0
	if err := f.st.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	old := func(days int, status model.CommentStatus) int64 {
		return f.add(t, model.Comment{AuthorName: "Old", AuthorEmail: "old@example.com", Body: "Old reply.", Status: status,
			UserAgent: "OldBrowser/1.0", ClientHash: "old-hash", CreatedAt: f.now.Add(-time.Duration(days) * 24 * time.Hour)})
	}
	spam11 := old(11, model.CommentSpam)
	spam9 := old(9, model.CommentSpam)
	pending400 := old(400, model.CommentPending)
	res, err := f.svc.ApplyRetention(ctx, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.RetentionResult{Spam: 1}); res != want {
		t.Errorf("ApplyRetention = %+v, want %+v", res, want)
	}
	for id, want := range map[int64]int{spam11: 0, spam9: 1, pending400: 1} {
		if got := f.count(t, `SELECT count(*) FROM comments WHERE id = ?`, id); got != want {
			t.Errorf("reply %d: %d rows, want %d", id, got, want)
		}
	}
	if got := f.count(t, `SELECT count(*) FROM comments WHERE client_hash = 'old-hash'`); got != 2 {
		t.Errorf("%d replies keep their client data, want 2 (kept until deleted)", got)
	}
}
