package moderation_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure closing an article refuses new replies with ErrRepliesClosed while keeping
// those it has, reopening it accepts them again, and an unknown article is
// model.ErrNotFound.
func TestSetRepliesOpen_ClosesAndReopens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	send := func() error {
		a, err := f.st.PublishedArticle(ctx, demo.ArticleSlug)
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(time.Minute)
		_, err = f.svc.Submit(ctx, a, moderation.Submission{Body: "Late reply at " + f.now.String(), Name: "Late", Email: "late@example.com",
			ClientAddr: netip.MustParseAddr("198.51.100.3"), ShownAt: f.now.Add(-time.Minute)})
		return err
	}
	replies := f.count(t, `SELECT count(*) FROM comments`)
	if err := f.svc.SetRepliesOpen(ctx, f.article.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := send(); !errors.Is(err, moderation.ErrRepliesClosed) {
		t.Errorf("a reply to a closed article: %v, want ErrRepliesClosed", err)
	}
	if got := f.count(t, `SELECT count(*) FROM comments`); got != replies {
		t.Errorf("%d replies after closing, want the %d it had", got, replies)
	}
	if err := f.svc.SetRepliesOpen(ctx, f.article.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := send(); err != nil {
		t.Errorf("a reply after reopening: %v", err)
	}
	if err := f.svc.SetRepliesOpen(ctx, 9999, false); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("SetRepliesOpen(9999) = %v, want model.ErrNotFound", err)
	}
}
