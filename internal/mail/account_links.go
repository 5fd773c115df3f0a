package mail

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// planAccountLinks mails staff their password reset and invitation links.
func (s *Service) planAccountLinks(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	return nil, nil
}
