package publishing_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// events returns the events recorded and not yet dispatched, and marks them
// dispatched so that the next call returns only newer ones.
func (f *fixture) events() []model.Event {
	f.t.Helper()
	list, err := f.st.WaitingEvents(f.ctx, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range list {
		if _, err := f.st.MarkDispatched(f.ctx, e.ID, f.clock()); err != nil {
			f.t.Fatal(err)
		}
	}
	return list
}

// wantEvents fails the test unless the events recorded since the last call are want,
// one line each (kind, article, writer and actor), recorded now.
func (f *fixture) wantEvents(when string, want ...string) {
	f.t.Helper()
	var got []string
	for _, e := range f.events() {
		got = append(got, fmt.Sprintf("%s article %d writer %d by %d", e.Kind, e.ArticleID, e.UserID, e.ActorID))
		if !e.CreatedAt.Equal(f.clock()) {
			f.t.Errorf("%s: %s recorded at %v, want %v", when, e.Kind, e.CreatedAt, f.clock())
		}
	}
	if !slices.Equal(got, want) {
		f.t.Errorf("%s: events\n%s\nwant\n%s", when, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Ensure each step the newsroom hears about records its event, with the article,
// who wrote the text and who took the step: sent for review, changes asked, reviewed,
// published; and saving a draft records nothing.
func TestEvents_ArticleWorkflow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.create(n.author, "Magnesium and cramps")
	f.wantEvents("created")
	line := func(kind model.EventKind, by *model.User) string {
		return fmt.Sprintf("%s article %d writer %d by %d", kind, a.ID, n.author.ID, by.ID)
	}

	f.step(n.author, a.ID, "submit")
	f.wantEvents("sent for review", line(model.EventReviewRequested, n.author))

	if _, err := f.svc.Review(f.ctx, n.reviewer, a.ID, f.stored(a.ID).Version, publishing.Decision{ChangesNeeded: true, Notes: "Cite the trial."}); err != nil {
		t.Fatal(err)
	}
	f.wantEvents("changes asked", line(model.EventChangesRequested, n.reviewer))

	f.revise(n.author, a.ID, "Magnesium helps some people [1].\n")
	f.wantEvents("saved")
	f.step(n.author, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	f.wantEvents("sent again and reviewed", line(model.EventReviewRequested, n.author), line(model.EventReviewed, n.reviewer))

	f.step(n.editor, a.ID, "publish")
	f.wantEvents("published", line(model.EventPublished, n.editor))

	// Its review a year on is of text already live: nothing waits to be published.
	f.advance(365 * 24 * time.Hour)
	f.review(n.reviewer, a.ID)
	f.wantEvents("periodic review")
}

// Ensure a refused step records nothing.
func TestEvents_NothingForARefusedStep(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.create(n.author, "Potassium")
	_, err := f.svc.ChangeStatus(f.ctx, n.author, a.ID, f.stored(a.ID).Version, "publish", time.Time{})
	wantErr(t, err, publishing.ErrNotPublisher)
	_, err = f.svc.ChangeStatus(f.ctx, n.editor, a.ID, f.stored(a.ID).Version, "publish", time.Time{})
	wantErr(t, err, publishing.ErrReviewNeeded)
	_, err = f.svc.Review(f.ctx, n.author, a.ID, f.stored(a.ID).Version, publishing.Decision{})
	wantErr(t, err, model.ErrForbidden)
	f.wantEvents("refused steps")
}

// Ensure a pending change records its steps with the person who wrote the change,
// and a minor change, which needs no review, records nothing.
func TestEvents_PendingChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.published(n, "Sodium and cramps")
	f.events()
	line := func(kind model.EventKind, by *model.User) string {
		return fmt.Sprintf("%s article %d writer %d by %d", kind, a.ID, n.editor.ID, by.ID)
	}

	f.revise(n.editor, a.ID, "Sodium matters in heat.\n")
	f.step(n.editor, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	f.step(n.admin, a.ID, "publish")
	f.wantEvents("a change sent, reviewed and published",
		line(model.EventReviewRequested, n.editor), line(model.EventReviewed, n.reviewer), line(model.EventPublished, n.admin))

	d := publishing.DraftOf(f.stored(a.ID))
	d.Body, d.Minor, d.MinorReason = "Sodium matters in the heat.\n", true, "Fixed a word"
	if _, err := f.svc.Save(f.ctx, n.editor, a.ID, d); err != nil {
		t.Fatal(err)
	}
	f.wantEvents("a minor change")
}

// Ensure scheduled articles and scheduled changes record their publication when the
// scheduler publishes them, by no one.
func TestEvents_ScheduledPublication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.create(n.author, "Scheduled")
	f.step(n.author, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	f.step(n.editor, a.ID, "schedule") // in an hour

	live := f.published(n, "Live")
	f.revise(n.author, live.ID, "A change for tomorrow.\n")
	f.review(n.reviewer, live.ID)
	f.step(n.editor, live.ID, "schedule")
	f.events()

	if got, err := f.svc.PublishDue(f.ctx, f.clock()); err != nil || got != 0 {
		t.Fatalf("PublishDue before the time = %d, %v", got, err)
	}
	f.wantEvents("nothing due")
	f.advance(2 * time.Hour)
	if got, err := f.svc.PublishDue(f.ctx, f.clock()); err != nil || got != 2 {
		t.Fatalf("PublishDue = %d, %v; want 2", got, err)
	}
	f.wantEvents("published by the scheduler",
		fmt.Sprintf("%s article %d writer %d by 0", model.EventPublished, a.ID, n.author.ID),
		fmt.Sprintf("%s article %d writer %d by 0", model.EventPublished, live.ID, n.author.ID))
}
