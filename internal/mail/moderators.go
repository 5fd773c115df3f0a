package mail

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// planModerators mails the staff who moderate about replies waiting.
func (s *Service) planModerators(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	return nil, nil
}
