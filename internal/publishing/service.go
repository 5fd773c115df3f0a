// Package publishing owns every rule about articles: who may see, write and change
// them, what a save must satisfy, the workflow, the medical-review gate, scheduling,
// reviews and revisions. The store below it only reads and writes; the web layer
// above it only translates HTTP to these calls.
package publishing

import (
	"errors"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Errors of the service besides the model's (ErrNotFound, ErrForbidden,
// ErrStaleVersion, ErrSlugTaken, ErrTransition) and *model.ValidationError.
var (
	// ErrReviewNeeded means the article must be medically reviewed before it is
	// published or scheduled, and the site does not allow otherwise.
	ErrReviewNeeded = errors.New("a medical review is needed first")
	// ErrScheduleInPast means a publication time was not in the future.
	ErrScheduleInPast = errors.New("the publication time is not in the future")
	// ErrNotPublisher means the step publishes, schedules, archives or takes back
	// published text, which only those with model.PermPublish do.
	ErrNotPublisher = fmt.Errorf("%w: only editors and administrators publish", model.ErrForbidden)
	// ErrPendingChange means the step would take the live article off the site while
	// a change to it waits: the change is published or discarded first.
	ErrPendingChange = errors.New("the article has a pending change")
	// ErrOwnWriting means a reviewer tried to review text they wrote.
	ErrOwnWriting = fmt.Errorf("%w: nobody reviews their own writing", model.ErrForbidden)
)

// Service applies the publishing rules and keeps articles in a store.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service that keeps articles in st.
func New(st *store.Store) *Service {
	return &Service{store: st, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) {
	s.now = now
}
