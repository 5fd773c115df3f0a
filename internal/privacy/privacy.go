// Package privacy answers people's requests about their personal data, and keeps no
// more of it than the site's settings allow. A request names the email a person sent
// their replies with: requests.go finds those replies, exports a copy of them or
// erases them; every copy and erasure leaves a line in the audit log (audit.go), in
// the transaction that makes it. retention.go applies the retention settings. The
// store below only reads and writes; the web layer above only translates HTTP.
package privacy

import (
	"time"

	"github.com/fascicle/fascicle/internal/store"
)

// Service handles personal-data requests and retention on a store.
type Service struct {
	store     *store.Store
	publicURL string
	now       func() time.Time
}

// New returns a Service on st for the site at publicURL (e.g.
// https://health.example.org, no final slash), which exports name as their site and
// link their replies' articles under.
func New(st *store.Store, publicURL string) *Service {
	return &Service{store: st, publicURL: publicURL, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) {
	s.now = now
}
