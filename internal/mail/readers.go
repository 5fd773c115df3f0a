package mail

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// planReaders mails readers who subscribed to answers to their replies.
func (s *Service) planReaders(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	return nil, nil
}
