package moderation

import (
	"context"
	"errors"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrNotClinicianAnswer means a reply that is not a clinician's published answer was
// to be pinned: only an approved staff reply, signed with credentials, that answers
// another reply can be.
var ErrNotClinicianAnswer = errors.New("only a clinician's published answer to a reply can be pinned")

// Pin lists the clinician's answer id first under the reply it answers, before the
// other answers (clinicians' included), in place of any answer pinned there before.
// Returns ErrReplyNotFound if there is no reply id, and ErrNotClinicianAnswer.
func (s *Service) Pin(ctx context.Context, id int64) error {
	now := s.now().UTC()
	return s.store.Tx(ctx, func(tx *store.Store) error {
		c, err := tx.Comment(ctx, id)
		if err != nil {
			return replyNotFound(err)
		}
		if c.UserID == nil || c.ParentID == nil || c.Status != model.CommentApproved {
			return ErrNotClinicianAnswer
		}
		author, err := tx.User(ctx, *c.UserID)
		switch {
		case errors.Is(err, model.ErrNotFound):
			return ErrNotClinicianAnswer
		case err != nil:
			return err
		case author.Credentials == "":
			return ErrNotClinicianAnswer
		}
		return tx.PinAnswer(ctx, id, *c.ParentID, now)
	})
}

// Unpin puts the answer id back in its place among the others, and reports whether it
// was pinned. Returns ErrReplyNotFound if there is no reply id.
func (s *Service) Unpin(ctx context.Context, id int64) (bool, error) {
	var was bool
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.Comment(ctx, id); err != nil {
			return replyNotFound(err)
		}
		var err error
		was, err = tx.UnpinAnswer(ctx, id)
		return err
	})
	return was, err
}
