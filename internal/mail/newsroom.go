package mail

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// planNewsroom mails reviewers, authors and editors about articles waiting for them.
func (s *Service) planNewsroom(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	return nil, nil
}
