package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

func validComment() model.Comment {
	return model.Comment{Body: "Thanks.", AuthorName: "Ann", AuthorEmail: "ann@example.com", AuthorURL: "https://ann.example.org"}
}

// Ensure Validate accepts a normal reply, including one at every maximum length, and
// names the field of each problem.
func TestCommentValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name      string
		Change    func(c *model.Comment)
		WantField string
	}{
		{"Valid", func(c *model.Comment) {}, ""},
		{"ValidNoWebsite", func(c *model.Comment) { c.AuthorURL = "" }, ""},
		{"ValidAtMaxLengths", func(c *model.Comment) {
			c.Body = strings.Repeat("b", model.MaxCommentBody)
			c.AuthorName = strings.Repeat("n", model.MaxCommentName)
			c.AuthorEmail = strings.Repeat("e", model.MaxCommentEmail-12) + "@example.com"
			c.AuthorURL = "https://x.org/" + strings.Repeat("p", model.MaxCommentURL-14)
		}, ""},
		{"ValidUnicodeName", func(c *model.Comment) { c.AuthorName = "Zoë Ngữ 王" }, ""},
		{"ErrBodyRequired", func(c *model.Comment) { c.Body = "\n \t" }, model.FieldBody},
		{"ErrBodyTooLong", func(c *model.Comment) { c.Body = strings.Repeat("b", model.MaxCommentBody+1) }, model.FieldBody},
		{"ErrNameRequired", func(c *model.Comment) { c.AuthorName = "" }, model.FieldName},
		{"ErrNameNUL", func(c *model.Comment) { c.AuthorName = "A\x00" }, model.FieldName},
		{"ErrEmailRequired", func(c *model.Comment) { c.AuthorEmail = "" }, model.FieldEmail},
		{"ErrEmailNoAt", func(c *model.Comment) { c.AuthorEmail = "ann.example.com" }, model.FieldEmail},
		{"ErrEmailTrailingDot", func(c *model.Comment) { c.AuthorEmail = "ann@example." }, model.FieldEmail},
		{"ErrEmailSpaces", func(c *model.Comment) { c.AuthorEmail = " ann@example.com" }, model.FieldEmail},
		{"ErrURLScheme", func(c *model.Comment) { c.AuthorURL = "javascript://example.com/%0aalert(1)" }, model.FieldURL},
		{"ErrURLNoHost", func(c *model.Comment) { c.AuthorURL = "https://" }, model.FieldURL},
		{"ErrURLCredentials", func(c *model.Comment) { c.AuthorURL = "https://user:pw@example.com" }, model.FieldURL},
		{"ErrURLInvalidUTF8", func(c *model.Comment) { c.AuthorURL = "https://example.com/\xff" }, model.FieldURL},
		{"ErrURLSpace", func(c *model.Comment) { c.AuthorURL = "https://example.com/a b" }, model.FieldURL},
		{"ErrURLControlInFragment", func(c *model.Comment) { c.AuthorURL = "http://example.com#\x10" }, model.FieldURL},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			c := validComment()
			tt.Change(&c)
			err := c.Validate()
			if tt.WantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var verr *model.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate() = %v, want a ValidationError", err)
			}
			if _, ok := verr.Fields[tt.WantField]; !ok || len(verr.Fields) != 1 {
				t.Errorf("problems = %v, want one for %q", verr.Fields, tt.WantField)
			}
		})
	}
}

// Ensure every comment status has its own label for people, and an unknown one shows
// as it is rather than as an empty tab.
func TestCommentStatusLabel(t *testing.T) {
	t.Parallel()
	want := map[model.CommentStatus]string{
		model.CommentPending: "Pending", model.CommentApproved: "Approved", model.CommentSpam: "Spam", model.CommentTrash: "Trash",
	}
	for _, s := range model.CommentStatuses {
		if got := s.Label(); got != want[s] {
			t.Errorf("%q.Label() = %q, want %q", s, got, want[s])
		}
	}
	if len(want) != len(model.CommentStatuses) {
		t.Errorf("%d statuses, %d labels expected", len(model.CommentStatuses), len(want))
	}
	if got := model.CommentStatus("deleted").Label(); got != "deleted" {
		t.Errorf(`CommentStatus("deleted").Label() = %q, want "deleted"`, got)
	}
}
