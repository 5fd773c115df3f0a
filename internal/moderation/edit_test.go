package moderation_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure an edit saves the name, website and text (with the browser's CRLF as LF) and
// nothing else: the email, status, article and parent stay as they were.
func TestEdit_SavesNameWebsiteAndText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	before, err := f.st.Comment(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Minute)
	edit := moderation.ReplyEdit{Name: "Tom W.", Website: "https://tom.example/", Text: "Edited.\r\nSecond line"}
	if err := f.svc.Edit(ctx, 2, edit); err != nil {
		t.Fatal(err)
	}
	after, err := f.st.Comment(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := *before
	want.AuthorName, want.AuthorURL, want.Body, want.UpdatedAt = "Tom W.", "https://tom.example/", "Edited.\nSecond line", f.now
	if after.AuthorName != want.AuthorName || after.AuthorURL != want.AuthorURL || after.Body != want.Body || !after.UpdatedAt.Equal(want.UpdatedAt) ||
		after.AuthorEmail != before.AuthorEmail || after.Status != before.Status || after.ArticleID != before.ArticleID || *after.ParentID != *before.ParentID {
		t.Errorf("after the edit: %+v\nwant %+v", *after, want)
	}
}

// Ensure a wrong name, website or text is refused with the field and message of
// Comment.Validate, and nothing is saved; the email is not checked, since it is not
// edited.
func TestEdit_InvalidFieldsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	valid := moderation.ReplyEdit{Name: "Tom", Website: "", Text: "Fine."}
	tests := []struct {
		Name   string
		Change func(*moderation.ReplyEdit)
		Want   map[string]string
	}{
		{"ErrNameEmpty", func(e *moderation.ReplyEdit) { e.Name = " " }, map[string]string{model.FieldName: "Name is required."}},
		{"ErrTextBlank", func(e *moderation.ReplyEdit) { e.Text = " \r\n " }, map[string]string{model.FieldBody: "Comment is required."}},
		{"ErrWebsiteJavascript", func(e *moderation.ReplyEdit) { e.Website = "javascript:alert(1)" },
			map[string]string{model.FieldURL: "Enter a web address that starts with http:// or https://, or leave it empty."}},
		{"ErrNameTwoLines", func(e *moderation.ReplyEdit) { e.Name = "Tom\nW" }, map[string]string{model.FieldName: "Name must be on one line."}},
		{"ErrTextTooLong", func(e *moderation.ReplyEdit) { e.Text = strings.Repeat("x", model.MaxCommentBody+1) },
			map[string]string{model.FieldBody: "Comment is too long: at most 65525 bytes, and this has 65526."}},
		{"ErrSeveral", func(e *moderation.ReplyEdit) { e.Name, e.Text = "", "" },
			map[string]string{model.FieldName: "Name is required.", model.FieldBody: "Comment is required."}},
	}
	before := f.snapshot(t)
	for _, tt := range tests {
		e := valid
		tt.Change(&e)
		err := f.svc.Edit(ctx, 2, e)
		var invalid *model.ValidationError
		if !errors.As(err, &invalid) || !maps.Equal(invalid.Fields, tt.Want) {
			t.Errorf("%s: Edit = %v (%+v), want the fields %v", tt.Name, err, invalid, tt.Want)
		}
	}
	if f.snapshot(t) != before {
		t.Error("a refused edit changed the replies")
	}
}

// Ensure a reply whose email was erased (anonymised) can still be edited.
func TestEdit_ReplyWithoutEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Exec(`UPDATE comments SET author_email = '', author_email_enc = NULL, author_email_index = '' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Edit(ctx, 3, moderation.ReplyEdit{Name: "Anonymous", Text: "[removed at the author's request]"}); err != nil {
		t.Fatalf("editing an anonymised reply: %v", err)
	}
	c, err := f.st.Comment(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthorName != "Anonymous" || c.Body != "[removed at the author's request]" || c.AuthorEmail != "" {
		t.Errorf("saved %q, %q, email %q", c.AuthorName, c.Body, c.AuthorEmail)
	}
}

// Ensure editing a reply that does not exist is ErrReplyNotFound and creates nothing.
func TestEdit_UnknownReplyNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.snapshot(t)
	err := f.svc.Edit(context.Background(), 9999, moderation.ReplyEdit{Name: "X", Text: "Y"})
	if !errors.Is(err, moderation.ErrReplyNotFound) || !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Edit(9999) = %v, want ErrReplyNotFound", err)
	}
	if f.snapshot(t) != before {
		t.Error("editing a missing reply changed the replies")
	}
}

// Ensure an edit of a staff reply changes its text only: it keeps its account's name
// and has no website, so the Staff mark never stands beside a typed name.
func TestEdit_StaffReplyKeepsTheAccountsName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.svc.StaffReply(ctx, f.staff, 1, "Thanks for this.")
	if err != nil {
		t.Fatal(err)
	}
	edit := moderation.ReplyEdit{Name: "Reader 45", Website: "https://reader45.example/", Text: "Thanks for this, Priya."}
	if err := f.svc.Edit(ctx, c.ID, edit); err != nil {
		t.Fatal(err)
	}
	after, err := f.st.Comment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.AuthorName != "Mo Moderator" || after.AuthorURL != "" || after.Body != "Thanks for this, Priya." || after.UserID == nil {
		t.Errorf("after the edit: name %q, website %q, text %q, account %v; want the account's name, no website, the new text",
			after.AuthorName, after.AuthorURL, after.Body, after.UserID)
	}
}
