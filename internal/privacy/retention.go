package privacy

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/store"
)

// ApplyRetention removes what the site's retention settings keep no longer at now:
// old spam and trash, pending replies nobody handled, and the browser and address
// data of old replies (see store.ApplyRetention), and says how much it removed.
func (s *Service) ApplyRetention(ctx context.Context, now time.Time) (store.RetentionResult, error) {
	p, err := s.store.Policy(ctx)
	if err != nil {
		return store.RetentionResult{}, err
	}
	return s.store.ApplyRetention(ctx, p, now)
}
