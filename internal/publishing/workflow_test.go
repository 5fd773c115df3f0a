package publishing_test

import (
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// Ensure an article without a medical review cannot be published or scheduled, and
// stays as it was.
func TestPublish_RefusedWithoutReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Unreviewed")
	_, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "publish", time.Time{})
	wantErr(t, err, publishing.ErrReviewNeeded)
	_, err = f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "schedule", f.clock().Add(time.Hour))
	wantErr(t, err, publishing.ErrReviewNeeded)
	if got := f.stored(a.ID); got.Status != model.ArticleDraft || got.Version != 1 || got.PublishedAt != nil {
		t.Errorf("a refused publication changed the article: %q version %d", got.Status, got.Version)
	}
	// Steps that do not publish need no review.
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "submit", time.Time{}); err != nil {
		t.Errorf("send for review: %v", err)
	}
}

// Ensure a reviewed article is published, with its publication date.
func TestPublish_AfterReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor, reviewer := f.user(model.RoleEditor, "Ed"), f.user(model.RoleReviewer, "Dr. Rev")
	a := f.create(editor, "Reviewed")
	if _, err := f.svc.Review(f.ctx, reviewer, a.ID, 1, publishing.Decision{}); err != nil {
		t.Fatal(err)
	}
	published, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 2, "publish", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if published.Status != model.ArticlePublished || published.PublishedAt == nil || !published.PublishedAt.Equal(f.clock()) || published.Version != 3 {
		t.Errorf("published: %q at %v version %d", published.Status, published.PublishedAt, published.Version)
	}
}

// Ensure the administrator's setting lets unreviewed articles out.
func TestPublish_AllowedWithoutReviewBySetting(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.allowUnreviewed()
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Quick note")
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "publish", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(a.ID); got.Status != model.ArticlePublished {
		t.Errorf("status = %q", got.Status)
	}
}

// Ensure a step the workflow does not offer from the article's status is refused.
func TestChangeStatus_RefusedWhenNotInWorkflow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Draft")
	for _, action := range []string{"archive", "withdraw", "no-such-step", ""} {
		_, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, action, time.Time{})
		wantErr(t, err, model.ErrTransition)
	}
	if got := f.stored(a.ID); got.Status != model.ArticleDraft || got.Version != 1 {
		t.Errorf("status %q version %d", got.Status, got.Version)
	}
}

// Ensure only those who may edit an article move it, and a move made from an older
// version is refused.
func TestChangeStatus_RefusedForOthersAndWhenStale(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user(model.RoleAuthor, "Owner")
	a := f.create(owner, "Mine")
	for _, u := range []*model.User{f.user(model.RoleAuthor, "Other"), f.user(model.RoleReviewer, "Rev"), f.user(model.RoleModerator, "Mod")} {
		_, err := f.svc.ChangeStatus(f.ctx, u, a.ID, 1, "submit", time.Time{})
		wantErr(t, err, model.ErrForbidden)
	}
	if _, err := f.svc.ChangeStatus(f.ctx, owner, a.ID, 1, "submit", time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.ChangeStatus(f.ctx, owner, a.ID, 1, "withdraw", time.Time{})
	wantErr(t, err, model.ErrStaleVersion)
	_, err = f.svc.ChangeStatus(f.ctx, owner, 999, 1, "submit", time.Time{})
	wantErr(t, err, model.ErrNotFound)
	if got := f.stored(a.ID); got.Status != model.ArticleInReview || got.Version != 2 {
		t.Errorf("status %q version %d", got.Status, got.Version)
	}
}

// Ensure an article is scheduled only for a time in the future, and the time is kept.
func TestSchedule_RefusedUnlessInFuture(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.allowUnreviewed()
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Later")
	for _, at := range []time.Time{{}, f.clock(), f.clock().Add(-time.Minute)} {
		_, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "schedule", at)
		wantErr(t, err, publishing.ErrScheduleInPast)
	}
	at := f.clock().Add(time.Minute)
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "schedule", at); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(a.ID); got.Status != model.ArticleScheduled || got.ScheduledAt == nil || !got.ScheduledAt.Equal(at) {
		t.Errorf("status %q at %v, want scheduled at %v", got.Status, got.ScheduledAt, at)
	}
}

// Ensure scheduled articles go out when their time comes, not before.
func TestPublishDue_PublishesAtTheirTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.allowUnreviewed()
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Scheduled piece")
	at := f.clock().Add(3 * time.Hour)
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 1, "schedule", at); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.PublishDue(f.ctx, at.Add(-time.Second)); err != nil || n != 0 {
		t.Fatalf("before its time: published %d, %v", n, err)
	}
	if n, err := f.svc.PublishDue(f.ctx, at); err != nil || n != 1 {
		t.Fatalf("at its time: published %d, %v", n, err)
	}
	if got := f.stored(a.ID); got.Status != model.ArticlePublished || got.PublishedAt == nil || !got.PublishedAt.Equal(at) {
		t.Errorf("status %q published %v, want %v", got.Status, got.PublishedAt, at)
	}
}

// Ensure the actions offered match what the service allows: the review gate closed
// until a review, the workflow steps only for those who may edit.
func TestActions_FollowTheRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor, reviewer := f.user(model.RoleEditor, "Ed"), f.user(model.RoleReviewer, "Rev")
	a := f.create(editor, "Offered")
	act, err := f.svc.Actions(f.ctx, editor, a)
	if err != nil || !act.Edit || act.Review || !act.ReviewNeeded || len(act.Transitions) != 3 {
		t.Errorf("editor, before review: %+v, %v", act, err)
	}
	act, err = f.svc.Actions(f.ctx, reviewer, a)
	if err != nil || act.Edit || !act.Review || len(act.Transitions) != 0 {
		t.Errorf("reviewer: %+v, %v", act, err)
	}
	reviewed, err := f.svc.Review(f.ctx, reviewer, a.ID, 1, publishing.Decision{})
	if err != nil {
		t.Fatal(err)
	}
	if act, err = f.svc.Actions(f.ctx, editor, reviewed); err != nil || act.ReviewNeeded {
		t.Errorf("editor, after review: %+v, %v", act, err)
	}
}
