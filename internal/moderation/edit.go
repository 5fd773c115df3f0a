package moderation

import (
	"context"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ReplyEdit is what a moderator may change in a reply. The email is not part of it:
// it is the commenter's own, and an anonymised reply has none.
type ReplyEdit struct {
	Name    string
	Website string
	Text    string
}

// Edit saves a moderator's changes to the name, website and text of the reply id. A
// staff reply keeps its account's name and has no website, whatever e says: the
// Staff mark must never stand beside a name someone typed. Returns
// *model.ValidationError if a field is wrong (the rules of Comment.Validate, under
// its field names), and ErrReplyNotFound if there is no reply id.
func (s *Service) Edit(ctx context.Context, id int64, e ReplyEdit) error {
	c := &model.Comment{ID: id, AuthorName: e.Name, AuthorURL: e.Website, Body: strings.ReplaceAll(e.Text, "\r\n", "\n")}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		current, err := tx.Comment(ctx, id)
		if err != nil {
			return replyNotFound(err)
		}
		var v model.ValidationError
		if current.UserID != nil {
			c.AuthorName, c.AuthorURL = current.AuthorName, ""
		}
		if err := v.Merge(c.Validate()); err != nil {
			return err
		}
		delete(v.Fields, model.FieldEmail) // not edited, so not checked
		if err := v.Err(); err != nil {
			return err
		}
		return replyNotFound(tx.UpdateComment(ctx, c, s.now()))
	})
}
