package moderation

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// A reader who ticks "Email me when someone replies to my comment" subscribes to the
// answers to that reply. Submit only records the wish, beside the reply, and sends
// nothing: package mail asks the address to confirm once the reply is approved, and
// mails answers only to a confirmed address.

// MaxSubscriptionsPerDay is how many subscriptions one address may make in a day
// (24 hours); more are ignored. Nobody confirms anything by typing an address, so a
// robot could tie a stranger's address to any number of replies: the cap bounds what
// it stores, and the number of threads whose answers a confirmed address could be sent.
// It counts confirmed addresses too, as anyone can type one.
const MaxSubscriptionsPerDay = 10

// subscribe records the subscription of new reply c, sent at now with Subscribe
// ticked, unless it is marked as spam, has no address (staff replies) or its address
// made MaxSubscriptionsPerDay subscriptions in the last day already.
func subscribe(ctx context.Context, tx *store.Store, c *model.Comment, now time.Time) error {
	if c.EmailIndex == "" || (c.Status != model.CommentPending && c.Status != model.CommentApproved) {
		return nil
	}
	n, err := tx.CountSubscriptionsSince(ctx, c.EmailIndex, now.Add(-24*time.Hour))
	if err != nil || n >= MaxSubscriptionsPerDay {
		return err
	}
	return tx.AddSubscription(ctx, c.ID, c.EmailIndex, now)
}
