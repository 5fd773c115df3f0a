package moderation

import (
	"context"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
)

// ReplyEdit is what a moderator may change in a reply. The email is not part of it:
// it is the commenter's own, and an anonymised reply has none.
type ReplyEdit struct {
	Name    string
	Website string
	Text    string
}

// Edit saves a moderator's changes to the name, website and text of the reply id.
// Returns *model.ValidationError if a field is wrong (the rules of Comment.Validate,
// under its field names), and ErrReplyNotFound if there is no reply id.
func (s *Service) Edit(ctx context.Context, id int64, e ReplyEdit) error {
	c := &model.Comment{ID: id, AuthorName: e.Name, AuthorURL: e.Website, Body: strings.ReplaceAll(e.Text, "\r\n", "\n")}
	var v model.ValidationError
	if err := v.Merge(c.Validate()); err != nil {
		return err
	}
	delete(v.Fields, model.FieldEmail) // not edited, so not checked
	if err := v.Err(); err != nil {
		return err
	}
	// One statement, which fails when the reply is gone: no transaction needed.
	return replyNotFound(s.store.UpdateComment(ctx, c, s.now()))
}
