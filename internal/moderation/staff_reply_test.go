package moderation_test

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure a staff answer to a held reply is saved approved, under it, on its article,
// in the staff member's name and account without their email, and approves the held
// reply with it.
func TestStaffReply_ApprovesHeldParent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	held := f.add(t, model.Comment{Body: "Is magnesium safe?"})
	c, err := f.svc.StaffReply(ctx, f.staff, held, "Usually.\r\nAsk your doctor.")
	if err != nil {
		t.Fatal(err)
	}
	saved, err := f.st.Comment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != model.CommentApproved || saved.ParentID == nil || *saved.ParentID != held || saved.ArticleID != f.article.ID ||
		saved.UserID == nil || *saved.UserID != f.staff.ID || saved.AuthorName != "Mo Moderator" ||
		saved.AuthorEmail != "" || saved.EmailIndex != "" || saved.Body != "Usually.\nAsk your doctor." || !saved.CreatedAt.Equal(f.now) {
		t.Errorf("staff reply saved as %+v", *saved)
	}
	if r, _ := f.row(t, held); r.Status != "approved" || !r.UpdatedAt.Equal(f.now) {
		t.Errorf("the held reply is %q (updated %v), want approved at %v", r.Status, r.UpdatedAt, f.now)
	}
}

// Ensure an answer to an approved reply leaves that reply as it was.
func TestStaffReply_ApprovedParentUntouched(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before, _ := f.row(t, 1)
	if _, err := f.svc.StaffReply(context.Background(), f.staff, 1, "Thanks."); err != nil {
		t.Fatal(err)
	}
	if after, _ := f.row(t, 1); after != before {
		t.Errorf("the approved reply changed from %+v to %+v", before, after)
	}
}

// Ensure replies in spam or trash cannot be answered: a validation error on the
// parent, no answer saved and the reply left where it was.
func TestStaffReply_SpamOrTrashRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, status := range []model.CommentStatus{model.CommentSpam, model.CommentTrash} {
		id := f.add(t, model.Comment{Status: status})
		before := f.snapshot(t)
		c, err := f.svc.StaffReply(ctx, f.staff, id, "An answer")
		var invalid *model.ValidationError
		if !errors.As(err, &invalid) || c != nil ||
			!maps.Equal(invalid.Fields, map[string]string{model.FieldParent: "Only pending or approved replies can be answered."}) {
			t.Errorf("answering a %s reply = %+v, %v (%+v); want a validation error on the parent", status, c, err, invalid)
		}
		if f.snapshot(t) != before {
			t.Errorf("answering a %s reply changed the replies", status)
		}
	}
}

// Ensure an empty answer is refused on its text alone, even from an account without
// an email, and neither saves it nor approves the reply it answers.
func TestStaffReply_EmptyTextRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	held := f.add(t, model.Comment{})
	noEmail := &model.User{ID: f.staff.ID, Name: f.staff.Name, Role: model.RoleModerator}
	before := f.snapshot(t)
	for _, text := range []string{"", " \r\n\t "} {
		_, err := f.svc.StaffReply(ctx, noEmail, held, text)
		var invalid *model.ValidationError
		if !errors.As(err, &invalid) || !maps.Equal(invalid.Fields, map[string]string{model.FieldBody: "Comment is required."}) {
			t.Errorf("StaffReply(%q) = %v (%+v), want only Comment is required.", text, err, invalid)
		}
	}
	if f.snapshot(t) != before {
		t.Error("a refused staff reply changed the replies")
	}
}

// Ensure answering a reply that does not exist is ErrReplyNotFound and saves nothing.
func TestStaffReply_UnknownParentNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.snapshot(t)
	c, err := f.svc.StaffReply(context.Background(), f.staff, 9999, "Hello")
	if !errors.Is(err, moderation.ErrReplyNotFound) || c != nil {
		t.Errorf("StaffReply(9999) = %+v, %v; want ErrReplyNotFound", c, err)
	}
	if f.snapshot(t) != before {
		t.Error("answering a missing reply changed the replies")
	}
}
