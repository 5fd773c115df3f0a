package mail

import (
	"context"
	"time"
)

// How long the outbox keeps what it no longer needs.
const (
	// KeepFinished is how long a sent, failed or cancelled message stays listed in the
	// outbox (with no address or text: those go once it is finished).
	KeepFinished = 90 * 24 * time.Hour
	// KeepDispatched is how long a dispatched event is kept.
	KeepDispatched = 30 * 24 * time.Hour
)

// TidyResult counts what Tidy removed.
type TidyResult struct {
	Messages, Events, Tokens int
}

// Tidy removes finished messages, dispatched events and expired link tokens that are
// old enough (see KeepFinished, KeepDispatched), as of now.
func (s *Service) Tidy(ctx context.Context, now time.Time) (TidyResult, error) {
	var r TidyResult
	var err error
	if r.Messages, err = s.store.DeleteFinishedMessages(ctx, now.Add(-KeepFinished)); err != nil {
		return r, err
	}
	if r.Events, err = s.store.DeleteDispatchedEvents(ctx, now.Add(-KeepDispatched)); err != nil {
		return r, err
	}
	r.Tokens, err = s.store.DeleteExpiredLinkTokens(ctx, now)
	return r, err
}
