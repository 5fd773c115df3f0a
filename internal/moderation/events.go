package moderation

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// What moderation tells others about, by mail and webhook (see package mail): a reply
// held for moderation, and a reply readers can now see. Each event is recorded in the
// transaction that gives the reply its status, so a reply that is refused, or marked
// as spam, tells no one anything; nothing is sent before a reply is approved.

// recordArrival records the event of a new reply c, by its status: pending or approved.
// A reply marked as spam on arrival records nothing.
func recordArrival(ctx context.Context, tx *store.Store, c *model.Comment) error {
	var kind model.EventKind
	switch c.Status {
	case model.CommentPending:
		kind = model.EventReplyPending
	case model.CommentApproved:
		kind = model.EventReplyApproved
	default:
		return nil
	}
	var actor int64
	if c.UserID != nil {
		actor = *c.UserID
	}
	return tx.RecordEvent(ctx, model.Event{Kind: kind, ArticleID: c.ArticleID, CommentID: c.ID, ActorID: actor, CreatedAt: c.CreatedAt})
}

// recordApprovals records that moderator by approved the replies ids.
func recordApprovals(ctx context.Context, tx *store.Store, by *model.User, ids []int64, articleOf map[int64]int64, now time.Time) error {
	var actor int64
	if by != nil {
		actor = by.ID
	}
	for _, id := range ids {
		if err := tx.RecordEvent(ctx, model.Event{Kind: model.EventReplyApproved, ArticleID: articleOf[id], CommentID: id, ActorID: actor, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}
