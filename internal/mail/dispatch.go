package mail

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// dispatchBatch is how many events one pass of the dispatcher takes.
const dispatchBatch = 100

// outgoing is one message or webhook delivery that an event causes.
type outgoing struct {
	name string // the message's template, or the event kind for a webhook
	// dedupe makes the message once per cause and recipient (see the outbox table).
	dedupe    string
	to        string // address, for mail
	toIndex   string // the address's blind index, when it is a commenter's
	webhookID int64
	commentID int64
	wants     model.CommentStatus // the status the reply must still have (see stillWanted)
	subject   string
	body      []byte
}

// planner returns what event e causes for one audience (readers, moderators, the
// newsroom, staff links, webhooks), reading what it needs through tx.
type planner func(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error)

// Dispatch turns the events waiting into outbox messages and returns how many events
// it dispatched. Each event's messages are written in one transaction with the mark
// that the event is done, so an event is dispatched once, even when two processes
// try at the same time or one stops half-way.
func (s *Service) Dispatch(ctx context.Context) (int, error) {
	events, err := s.store.WaitingEvents(ctx, dispatchBatch)
	if err != nil {
		return 0, err
	}
	planners := []planner{s.planReaders, s.planModerators, s.planNewsroom, s.planAccountLinks, s.planWebhooks}
	n := 0
	for _, e := range events {
		now := s.now().UTC()
		err := s.store.Tx(ctx, func(tx *store.Store) error {
			if first, err := tx.MarkDispatched(ctx, e.ID, now); err != nil || !first {
				return err
			}
			for _, plan := range planners {
				out, err := plan(ctx, tx, e, now)
				if err != nil {
					return err
				}
				for _, o := range out {
					if _, err := tx.QueueMessage(ctx, model.OutboxMessage{
						EventID: e.ID, Kind: o.name, DedupeKey: o.dedupe, WebhookID: o.webhookID,
						Recipient: o.to, RecipientIndex: o.toIndex, CommentID: o.commentID, WantsStatus: o.wants,
						Subject: o.subject, Body: o.body, NextAttemptAt: now, CreatedAt: now,
					}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// mailTo renders message name for address to, to be queued once per dedupe.
func (s *Service) mailTo(name, to, dedupe string, data any) (outgoing, error) {
	m, err := s.render(name, data)
	if err != nil {
		return outgoing{}, err
	}
	return outgoing{name: name, dedupe: dedupe, to: to, subject: m.Subject, body: m.encode()}, nil
}
