package moderation

import (
	"context"
	"errors"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrDuplicate means the same name already left the same reply in the same place.
var ErrDuplicate = errors.New("duplicate reply")

// duplicateOf lists the statuses of an earlier reply that make a new one with the same
// text and name, in the same place, a duplicate (whatever either's email: see
// store.SameReplyExists): every status but trash, as in
// WordPress, since a reply thrown away should not stop it being sent again.
var duplicateOf = []model.CommentStatus{model.CommentPending, model.CommentApproved, model.CommentSpam}

// checkDuplicate returns ErrDuplicate if c repeats an earlier reply. Run it in the
// transaction that saves c.
func checkDuplicate(ctx context.Context, tx *store.Store, c *model.Comment) error {
	dup, err := tx.SameReplyExists(ctx, c, duplicateOf)
	if err != nil {
		return err
	}
	if dup {
		return ErrDuplicate
	}
	return nil
}
