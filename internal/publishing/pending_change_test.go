package publishing_test

import (
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// newsroom is one person of each role that works on articles.
type newsroom struct {
	author, reviewer, editor, admin *model.User
}

func (f *fixture) newsroom() newsroom {
	return newsroom{
		author:   f.user(model.RoleAuthor, "Ana Author"),
		reviewer: f.user(model.RoleReviewer, "Dr. Rui Reviewer"),
		editor:   f.user(model.RoleEditor, "Eva Editor"),
		admin:    f.user(model.RoleAdmin, "Ada Admin"),
	}
}

// step takes workflow action on article id as u, failing the test if it is refused.
func (f *fixture) step(u *model.User, id int64, action string) *model.Article {
	f.t.Helper()
	a, err := f.svc.ChangeStatus(f.ctx, u, id, f.stored(id).Version, action, f.clock().Add(time.Hour))
	if err != nil {
		f.t.Fatalf("%s by %s: %v", action, u.Name, err)
	}
	return a
}

// review records u's review of article id, failing the test if it is refused.
func (f *fixture) review(u *model.User, id int64) {
	f.t.Helper()
	if _, err := f.svc.Review(f.ctx, u, id, f.stored(id).Version, publishing.Decision{}); err != nil {
		f.t.Fatalf("review by %s: %v", u.Name, err)
	}
}

// published writes, reviews and publishes an article by the newsroom's author.
func (f *fixture) published(n newsroom, title string) *model.Article {
	f.t.Helper()
	a := f.create(n.author, title)
	f.step(n.author, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	return f.step(n.editor, a.ID, "publish")
}

// readerText is the body readers are served for article a.
func (f *fixture) readerText(a *model.Article) string {
	f.t.Helper()
	live, err := f.st.PublishedArticle(f.ctx, a.Slug)
	if err != nil {
		f.t.Fatal(err)
	}
	return live.BodyMarkdown
}

// Ensure an edit of a published article never reaches readers before it is reviewed
// and published: it waits as a pending change through the same steps as a new
// article, while readers keep the reviewed text, and publishing it brings its own
// review to the page.
func TestPendingChange_ReadersKeepReviewedTextUntilPublished(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.published(n, "Sodium and cramps")
	reviewedBody := a.BodyMarkdown
	f.advance(24 * time.Hour)
	f.revise(n.author, a.ID, "Take 500 mg of sodium every 10 minutes.\n")

	got := f.stored(a.ID)
	if got.Status != model.ArticlePublished || got.BodyMarkdown != reviewedBody || !got.Reviewed() {
		t.Fatalf("live article after the edit: status %q, reviewed %v, body %q", got.Status, got.Reviewed(), got.BodyMarkdown)
	}
	if got.Pending == nil || got.Pending.Status != model.ArticleDraft || got.Pending.Reviewed() ||
		got.Pending.BodyMarkdown != "Take 500 mg of sodium every 10 minutes.\n" {
		t.Fatalf("pending change: %+v", got.Pending)
	}
	if body := f.readerText(a); body != reviewedBody {
		t.Fatalf("readers are served %q", body)
	}

	// Publishing before a review is refused, for the editor too.
	_, err := f.svc.ChangeStatus(f.ctx, n.editor, a.ID, got.Version, "publish", time.Time{})
	wantErr(t, err, publishing.ErrReviewNeeded)
	// The author cannot publish it, even once it is reviewed.
	f.step(n.author, a.ID, "submit")
	if got := f.stored(a.ID); got.Pending.Status != model.ArticleInReview || got.Status != model.ArticlePublished {
		t.Fatalf("after submit: live %q, change %q", got.Status, got.Pending.Status)
	}
	f.advance(time.Hour)
	f.review(n.reviewer, a.ID)
	_, err = f.svc.ChangeStatus(f.ctx, n.author, a.ID, f.stored(a.ID).Version, "publish", time.Time{})
	wantErr(t, err, publishing.ErrNotPublisher)
	if body := f.readerText(a); body != reviewedBody {
		t.Fatalf("readers are served %q before publication", body)
	}

	f.step(n.editor, a.ID, "publish")
	got = f.stored(a.ID)
	if got.Pending != nil || got.BodyMarkdown != "Take 500 mg of sodium every 10 minutes.\n" || got.Status != model.ArticlePublished {
		t.Fatalf("after publishing the change: pending %v, body %q", got.Pending, got.BodyMarkdown)
	}
	if got.ReviewerName != n.reviewer.Name || !got.ReviewedAt.Equal(f.clock()) || !got.PublishedAt.Equal(*a.PublishedAt) {
		t.Errorf("review %q at %v, first published %v; want the change's review now and the first publication kept", got.ReviewerName, got.ReviewedAt, got.PublishedAt)
	}
	if body := f.readerText(a); body != got.BodyMarkdown {
		t.Errorf("readers are served %q after publication", body)
	}
	revs, _ := f.st.Revisions(f.ctx, a.ID)
	if revs[0].Note != "Published the pending change" || revs[0].Status != model.ArticlePublished {
		t.Errorf("newest revision: %q (%s)", revs[0].Note, revs[0].Status)
	}
}

// Ensure only editors and administrators publish, schedule, archive or take back an
// article or its change, while authors send for review and take back from review.
func TestWorkflow_OnlyPublishersPublish(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.create(n.author, "Reviewed draft")
	f.step(n.author, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	for _, action := range []string{"publish", "schedule"} {
		_, err := f.svc.ChangeStatus(f.ctx, n.author, a.ID, f.stored(a.ID).Version, action, f.clock().Add(time.Hour))
		wantErr(t, err, publishing.ErrNotPublisher)
	}
	f.step(n.author, a.ID, "withdraw") // from review, back to their draft
	f.step(n.author, a.ID, "submit")
	f.step(n.admin, a.ID, "publish")
	for _, action := range []string{"archive", "withdraw"} {
		_, err := f.svc.ChangeStatus(f.ctx, n.author, a.ID, f.stored(a.ID).Version, action, time.Time{})
		wantErr(t, err, publishing.ErrNotPublisher)
	}
	if got := f.stored(a.ID); got.Status != model.ArticlePublished {
		t.Fatalf("status %q after refused steps", got.Status)
	}
	// A pending change blocks taking the live text off the site.
	f.revise(n.author, a.ID, "A pending edit.\n")
	_, err := f.svc.ChangeStatus(f.ctx, n.editor, a.ID, f.stored(a.ID).Version, "archive", time.Time{})
	wantErr(t, err, publishing.ErrPendingChange)
	f.step(n.author, a.ID, "discard")
	if got := f.stored(a.ID); got.Pending != nil || got.Status != model.ArticlePublished {
		t.Fatalf("after discard: pending %v, status %q", got.Pending, got.Status)
	}
	f.step(n.editor, a.ID, "archive")
}

// Ensure an editor's minor change goes live at once and keeps the review, with its
// reason in the history, and that it is refused to authors, without a reason, and
// while a change waits for review.
func TestMinorChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.published(n, "Typos happen")
	reviewedAt := *f.stored(a.ID).ReviewedAt
	minor := func(u *model.User, reason string) error {
		d := publishing.DraftOf(f.stored(a.ID).Working())
		d.Body = "## Causes\n\nCaffeine can trigger twitches [1]. Fixed a typo.\n"
		d.Minor, d.MinorReason = true, reason
		f.advance(time.Minute)
		_, err := f.svc.Save(f.ctx, u, a.ID, d)
		return err
	}
	wantFields(t, minor(n.author, "Typo"), "minor")
	wantFields(t, minor(n.editor, "  "), "minor_reason")
	if err := minor(n.editor, "Fixed a typo"); err != nil {
		t.Fatal(err)
	}
	got := f.stored(a.ID)
	if got.Pending != nil || !got.Reviewed() || !got.ReviewedAt.Equal(reviewedAt) || f.readerText(a) != got.BodyMarkdown {
		t.Fatalf("after a minor change: pending %v, reviewed %v at %v", got.Pending, got.Reviewed(), got.ReviewedAt)
	}
	revs, _ := f.st.Revisions(f.ctx, a.ID)
	if revs[0].Note != "Minor change, not medically reviewed: Fixed a typo" {
		t.Errorf("history note %q", revs[0].Note)
	}
	f.revise(n.author, a.ID, "A medical edit.\n")
	wantFields(t, minor(n.editor, "Another typo"), "minor")
}

// Ensure a change of text drops the review the old text had, and takes a scheduled
// text off the schedule, while a save that changes no text keeps them.
func TestSave_TextChangeDropsReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.create(n.author, "Scheduled then edited")
	f.step(n.author, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	f.step(n.editor, a.ID, "schedule")
	same := publishing.DraftOf(f.stored(a.ID))
	same.NextReview = "2027-06-01"
	if _, err := f.svc.Save(f.ctx, n.editor, a.ID, same); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(a.ID); !got.Reviewed() || got.Status != model.ArticleScheduled {
		t.Fatalf("after a save without a change of text: reviewed %v, status %q", got.Reviewed(), got.Status)
	}
	f.revise(n.author, a.ID, "New medical claims.\n")
	got := f.stored(a.ID)
	if got.Reviewed() || got.Status != model.ArticleDraft || got.ScheduledAt != nil {
		t.Fatalf("after a change of text: reviewed %v, status %q, scheduled %v", got.Reviewed(), got.Status, got.ScheduledAt)
	}
	if n, err := f.svc.PublishDue(f.ctx, f.clock().Add(48*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PublishDue = %d, %v; the edited text must not go out", n, err)
	}
}

// Ensure a reviewer can ask for changes with notes (required), which sends the text
// back to draft and shows the notes until it is sent for review again; and that the
// decision is kept in the history.
func TestReview_ChangesRequested(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.create(n.author, "Needs work")
	f.step(n.author, a.ID, "submit")
	ask := func(notes string) error {
		_, err := f.svc.Review(f.ctx, n.reviewer, a.ID, f.stored(a.ID).Version, publishing.Decision{ChangesNeeded: true, Notes: notes})
		return err
	}
	wantFields(t, ask(" \n "), "notes")
	if err := ask("Cite the 2019 trial for the dose.\nSoften the claim in the summary."); err != nil {
		t.Fatal(err)
	}
	got := f.stored(a.ID)
	if got.Status != model.ArticleDraft || got.ChangesRequested == nil ||
		got.ChangesRequested.Notes != "Cite the 2019 trial for the dose.\nSoften the claim in the summary." ||
		got.ChangesRequested.UserName != n.reviewer.Name {
		t.Fatalf("after the request: status %q, request %+v", got.Status, got.ChangesRequested)
	}
	revs, _ := f.st.Revisions(f.ctx, a.ID)
	if revs[0].Note != "Changes requested by Dr. Rui Reviewer: Cite the 2019 trial for the dose.\nSoften the claim in the summary." {
		t.Errorf("history note %q", revs[0].Note)
	}
	f.revise(n.author, a.ID, "Fixed, with the trial cited [1].\n")
	if f.stored(a.ID).ChangesRequested == nil {
		t.Error("the notes went before the text was sent for review again")
	}
	f.step(n.author, a.ID, "submit")
	if got := f.stored(a.ID); got.ChangesRequested != nil || got.Status != model.ArticleInReview {
		t.Errorf("after submit: request %+v, status %q", got.ChangesRequested, got.Status)
	}

	// On a pending change, the live text stays.
	live := f.published(n, "Live while changed")
	f.revise(n.author, live.ID, "An edit.\n")
	f.step(n.author, live.ID, "submit")
	if _, err := f.svc.Review(f.ctx, n.reviewer, live.ID, f.stored(live.ID).Version, publishing.Decision{ChangesNeeded: true, Notes: "No."}); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(live.ID); got.Status != model.ArticlePublished || got.Pending.Status != model.ArticleDraft || got.ChangesRequested == nil {
		t.Errorf("change after the request: live %q, change %q, request %v", got.Status, got.Pending.Status, got.ChangesRequested)
	}
}

// Ensure nobody reviews their own writing: the article's author, or the last person
// who changed its pending change.
func TestReview_NotOwnWriting(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	own := f.create(n.admin, "The administrator's own")
	_, err := f.svc.Review(f.ctx, n.admin, own.ID, own.Version, publishing.Decision{})
	wantErr(t, err, publishing.ErrOwnWriting)
	a := f.published(n, "Edited by the administrator")
	f.revise(n.admin, a.ID, "The administrator's edit.\n")
	_, err = f.svc.Review(f.ctx, n.admin, a.ID, f.stored(a.ID).Version, publishing.Decision{})
	wantErr(t, err, publishing.ErrOwnWriting)
	f.review(n.reviewer, a.ID)
	act, err := f.svc.Actions(f.ctx, n.admin, f.stored(a.ID))
	if err != nil || act.Review || !act.OwnWriting {
		t.Errorf("Actions for the change's writer = %+v, %v", act, err)
	}
}

// Ensure a reviewed pending change can be scheduled, goes out when due and not
// before, and that scheduling it needs its review.
func TestPendingChange_Scheduled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.published(n, "Scheduled change")
	f.revise(n.author, a.ID, "The scheduled text.\n")
	_, err := f.svc.ChangeStatus(f.ctx, n.editor, a.ID, f.stored(a.ID).Version, "schedule", f.clock().Add(time.Hour))
	wantErr(t, err, publishing.ErrReviewNeeded)
	f.step(n.author, a.ID, "submit")
	f.review(n.reviewer, a.ID)
	f.step(n.editor, a.ID, "schedule") // an hour from now
	if c, err := f.svc.PublishDue(f.ctx, f.clock().Add(30*time.Minute)); err != nil || c != 0 || f.readerText(a) == "The scheduled text.\n" {
		t.Fatalf("PublishDue before the time = %d, %v", c, err)
	}
	if c, err := f.svc.PublishDue(f.ctx, f.clock().Add(2*time.Hour)); err != nil || c != 1 {
		t.Fatalf("PublishDue after the time = %d, %v", c, err)
	}
	if got := f.stored(a.ID); got.Pending != nil || got.BodyMarkdown != "The scheduled text.\n" || f.readerText(a) != got.BodyMarkdown {
		t.Errorf("after the scheduled time: pending %v, body %q", got.Pending, got.BodyMarkdown)
	}
}

// Ensure toggling replies on a published article applies at once without making a
// pending change, and a save that changes nothing saves nothing.
func TestPendingChange_RepliesSwitchIsNotText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	a := f.published(n, "Replies switch")
	d := publishing.DraftOf(f.stored(a.ID))
	if _, err := f.svc.Save(f.ctx, n.editor, a.ID, d); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(a.ID); got.Version != a.Version || got.Pending != nil {
		t.Fatalf("a save without a change: version %d → %d, pending %v", a.Version, got.Version, got.Pending)
	}
	d.CommentsOpen = false
	if _, err := f.svc.Save(f.ctx, n.editor, a.ID, d); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(a.ID); got.CommentsOpen || got.Pending != nil {
		t.Errorf("after closing replies: open %v, pending %v", got.CommentsOpen, got.Pending)
	}
}

// Ensure a published page's place in the footer changes at once, like the replies
// switch, while a change of its text waits for review.
func TestPendingChange_FooterPositionIsNotText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := f.newsroom()
	page, err := f.svc.Create(f.ctx, n.editor, publishing.Draft{Title: "Contact", Body: "Write to us.", Kind: model.KindPage, FooterPosition: "3"})
	if err != nil {
		t.Fatal(err)
	}
	f.step(n.editor, page.ID, "submit")
	f.review(n.reviewer, page.ID)
	f.step(n.editor, page.ID, "publish")
	d := publishing.DraftOf(f.stored(page.ID))
	d.FooterPosition, d.Body = "1", "Write to the editors."
	if _, err := f.svc.Save(f.ctx, n.editor, page.ID, d); err != nil {
		t.Fatal(err)
	}
	got := f.stored(page.ID)
	if got.FooterPosition == nil || *got.FooterPosition != 1 || got.BodyMarkdown != "Write to us." || got.Pending == nil {
		t.Errorf("live page: footer %v, body %q, pending %v", got.FooterPosition, got.BodyMarkdown, got.Pending != nil)
	}
}
