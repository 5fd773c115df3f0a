package publishing_test

import (
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// Ensure a review records the reviewer's name and credentials, today, and the next
// review a year later, with a revision.
func TestReview_RecordsReviewer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.create(f.user(model.RoleAuthor, "Ada"), "To review")
	reviewer := f.user(model.RoleReviewer, "Dr. Lena Ortiz")
	if _, err := f.svc.Review(f.ctx, reviewer, a.ID, 1, publishing.Decision{}); err != nil {
		t.Fatal(err)
	}
	got := f.stored(a.ID)
	if got.ReviewerName != "Dr. Lena Ortiz" || got.ReviewerCredentials != "MD" || got.ReviewerID == nil || *got.ReviewerID != reviewer.ID ||
		got.ReviewedAt == nil || !got.ReviewedAt.Equal(f.clock()) ||
		got.NextReviewAt == nil || !got.NextReviewAt.Equal(f.clock().AddDate(1, 0, 0)) || got.Version != 2 {
		t.Errorf("after review: %+v", got)
	}
	if revs, _ := f.st.Revisions(f.ctx, a.ID); len(revs) != 2 || revs[0].Note != "Medically reviewed by Dr. Lena Ortiz" {
		t.Errorf("revisions = %+v", revs)
	}
}

// Ensure only reviewers and admins review, never an archived article, and never a
// version other than the one they read.
func TestReview_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.allowUnreviewed()
	editor, reviewer := f.user(model.RoleEditor, "Ed"), f.user(model.RoleReviewer, "Rev")
	a := f.create(editor, "Under review")
	for _, u := range []*model.User{editor, f.user(model.RoleAuthor, "Ada"), f.user(model.RoleModerator, "Mod")} {
		_, err := f.svc.Review(f.ctx, u, a.ID, 1, publishing.Decision{})
		wantErr(t, err, model.ErrForbidden)
	}
	f.advance(time.Hour)
	d := draft("Under review, changed")
	d.Version = 1
	if _, err := f.svc.Save(f.ctx, editor, a.ID, d); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Review(f.ctx, reviewer, a.ID, 1, publishing.Decision{})
	wantErr(t, err, model.ErrStaleVersion)
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 2, "publish", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 3, "archive", time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Review(f.ctx, reviewer, a.ID, 4, publishing.Decision{})
	wantErr(t, err, model.ErrForbidden)
	if got := f.stored(a.ID); got.Reviewed() {
		t.Errorf("a refused review was recorded: %q", got.ReviewerName)
	}
}
