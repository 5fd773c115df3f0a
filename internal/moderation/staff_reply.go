package moderation

import (
	"context"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// StaffReply saves a staff member's answer to the reply parentID, approved at once and
// marked as theirs (see signAsStaff). Answering a held reply approves it too, as a moderator answering
// it has read it; spam and trash cannot be answered. Returns *model.ValidationError
// for an empty or wrong text (model.FieldBody) or a parent in spam or trash
// (model.FieldParent), and ErrReplyNotFound if there is no reply parentID.
func (s *Service) StaffReply(ctx context.Context, staff *model.User, parentID int64, body string) (*model.Comment, error) {
	now := s.now().UTC()
	c := &model.Comment{
		ParentID:  &parentID,
		Body:      strings.ReplaceAll(body, "\r\n", "\n"),
		Status:    model.CommentApproved,
		CreatedAt: now,
	}
	signAsStaff(c, staff)
	var v model.ValidationError
	if err := validateStaff(c, &v); err != nil {
		return nil, err
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
			if _, err := apply(ctx, tx, staff, ActionApprove, []store.CommentState{{ID: parent.ID, Status: parent.Status, PreviousStatus: parent.PreviousStatus}}, now); err != nil {
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
