package moderation_test

import (
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// subscribed returns the blind index a reply's subscription is for, and "" when the
// reply has none.
func (f *fixture) subscribed(t *testing.T, id int64) string {
	t.Helper()
	var index string
	if n := f.count(t, `SELECT count(*) FROM subscriptions WHERE comment_id = ?`, id); n == 0 {
		return ""
	}
	if err := f.db.QueryRow(`SELECT email_index FROM subscriptions WHERE comment_id = ?`, id).Scan(&index); err != nil {
		t.Fatal(err)
	}
	return index
}

func subscribing(s *moderation.Submission) { s.Subscribe = true }

// Ensure a reply sent with the box ticked is subscribed, with its address's blind
// index, in the same transaction; one sent without it is not.
func TestSubmit_SubscribesWhenAsked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	asked := f.submit(t, "sub@example.com", "198.51.100.1", subscribing)
	if asked.Status != model.CommentPending {
		t.Fatalf("status = %s, want pending under the default policy", asked.Status)
	}
	if got := f.subscribed(t, asked.ID); got == "" || got != asked.EmailIndex || got != f.keys.EmailIndex("sub@example.com") {
		t.Errorf("subscription of a held reply = %q, want its email index %q", got, asked.EmailIndex)
	}
	notAsked := f.submit(t, "sub@example.com", "198.51.100.1", nil)
	if got := f.subscribed(t, notAsked.ID); got != "" {
		t.Errorf("a reply sent without the box ticked is subscribed (%q)", got)
	}
	if n := f.count(t, `SELECT count(*) FROM subscribers`); n != 0 {
		t.Errorf("%d subscribers after submitting: nothing is confirmed or asked before approval", n)
	}
}

// Ensure neither spam nor a staff reply (which has no address) is subscribed.
func TestSubmit_NoSubscriptionForSpamOrStaff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	spam := f.submit(t, "robot@example.com", "198.51.100.2", func(s *moderation.Submission) {
		s.Subscribe, s.Honeypot = true, "buy now"
	})
	if spam.Status != model.CommentSpam {
		t.Fatalf("status = %s, want spam", spam.Status)
	}
	staff := f.submit(t, "", "198.51.100.3", func(s *moderation.Submission) {
		s.Subscribe, s.Staff, s.ShownTo = true, f.staff, f.staff.ID
	})
	for _, id := range []int64{spam.ID, staff.ID} {
		if got := f.subscribed(t, id); got != "" {
			t.Errorf("reply %d is subscribed (%q)", id, got)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM subscriptions`); n != 0 {
		t.Errorf("%d subscriptions, want none", n)
	}
}

// Ensure one address keeps at most MaxSubscriptionsPerDay subscriptions a day: the
// replies beyond are saved, unsubscribed; another address is not held back, and the
// next day the address may subscribe again.
func TestSubmit_SubscriptionsCappedPerAddressPerDay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var ids []int64
	for range moderation.MaxSubscriptionsPerDay + 2 {
		ids = append(ids, f.submit(t, "flood@example.com", "198.51.100.4", subscribing).ID)
	}
	for i, id := range ids {
		if got, want := f.subscribed(t, id) != "", i < moderation.MaxSubscriptionsPerDay; got != want {
			t.Errorf("reply %d of the day subscribed = %v, want %v", i+1, got, want)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM comments WHERE id IN (?, ?)`, ids[len(ids)-2], ids[len(ids)-1]); n != 2 {
		t.Errorf("replies beyond the cap saved = %d, want 2: the cap ignores the wish, not the reply", n)
	}
	other := f.submit(t, "someone.else@example.com", "198.51.100.5", subscribing)
	if f.subscribed(t, other.ID) == "" {
		t.Error("another address was held back by the first one's flood")
	}
	f.now = f.now.Add(24 * time.Hour)
	next := f.submit(t, "flood@example.com", "198.51.100.4", subscribing)
	if f.subscribed(t, next.ID) == "" {
		t.Error("the next day, the address could not subscribe again")
	}
}
