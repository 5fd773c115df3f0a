package moderation_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure the same reply sent again by the same person to the same place is
// ErrDuplicate and not saved, whether the first is held, approved or spam, but not
// once the first is in the trash.
func TestSubmit_DuplicateUnlessTrashed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	send := func() error {
		f.now = f.now.Add(time.Minute) // past the flood interval
		_, err := f.svc.Submit(ctx, f.article, moderation.Submission{Body: "Magnesium helped.", Name: "Dee", Email: "dee@example.com",
			ClientAddr: netip.MustParseAddr("198.51.100.9"), ShownAt: f.now.Add(-time.Minute)})
		return err
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	var first int64
	if err := f.db.QueryRow(`SELECT max(id) FROM comments`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	for _, action := range []moderation.Action{"", moderation.ActionApprove, moderation.ActionSpam} {
		if action != "" {
			if _, err := f.svc.Moderate(ctx, nil, action, first); err != nil {
				t.Fatal(err)
			}
		}
		before := f.count(t, `SELECT count(*) FROM comments`)
		if err := send(); !errors.Is(err, moderation.ErrDuplicate) {
			t.Errorf("the same reply again, the first after %q: %v, want ErrDuplicate", action, err)
		}
		if got := f.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Errorf("a duplicate was saved (%d replies, want %d)", got, before)
		}
	}
	if _, err := f.svc.Moderate(ctx, nil, moderation.ActionTrash, first); err != nil {
		t.Fatal(err)
	}
	if err := send(); err != nil {
		t.Errorf("the same reply with the first in the trash: %v, want it accepted", err)
	}
}
