package moderation

import (
	"context"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// StaffReply saves a staff member's answer to the reply parentID, approved at once and
// marked as theirs. Answering a held reply approves it too, as a moderator answering
// it has read it; spam and trash cannot be answered. Returns *model.ValidationError
// for an empty or wrong text (model.FieldBody) or a parent in spam or trash
// (model.FieldParent), and ErrReplyNotFound if there is no reply parentID.
func (s *Service) StaffReply(ctx context.Context, staff *model.User, parentID int64, body string) (*model.Comment, error) {
	now := s.now().UTC()
	c := &model.Comment{
		ParentID:    &parentID,
		AuthorName:  staff.Name,
		AuthorEmail: staff.EmailAddress(),
		Body:        strings.ReplaceAll(body, "\r\n", "\n"),
		Status:      model.CommentApproved,
		UserID:      &staff.ID,
		CreatedAt:   now,
	}
	var v model.ValidationError
	if err := v.Merge(c.Validate()); err != nil {
		return nil, err
	}
	for field := range v.Fields {
		if field != model.FieldBody {
			delete(v.Fields, field) // the account's name and email are not the form's
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		parent, err := tx.Comment(ctx, parentID)
		if err != nil {
			return replyNotFound(err)
		}
		switch parent.Status {
		case model.CommentPending:
			if _, err := apply(ctx, tx, ActionApprove, []store.CommentState{{ID: parent.ID, Status: parent.Status, PreviousStatus: parent.PreviousStatus}}, now); err != nil {
				return err
			}
		case model.CommentApproved:
		default:
			v.Add(model.FieldParent, "Only pending or approved replies can be answered.")
			return v.Err()
		}
		c.ArticleID = parent.ArticleID
		return tx.CreateComment(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
