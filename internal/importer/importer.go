// Package importer brings another site's content into Fascicle: articles, pages,
// authors, tags and replies, in one transaction, and only once.
package importer

import (
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrNoPublishChoice means the import was not told whether published posts stay
// published or come in as drafts; it never guesses.
var ErrNoPublishChoice = errors.New("importer: choose whether published posts stay published (keep published) or come in as drafts (as drafts)")

// Publish is what becomes of posts that are published on the old site.
type Publish int

const (
	// PublishUnset is no choice: an import refuses to run with it.
	PublishUnset Publish = iota
	// KeepPublished keeps published posts published here.
	KeepPublished
	// AsDrafts brings published posts in as drafts, to be published again here.
	AsDrafts
)

// Options are the choices of one import.
type Options struct {
	Publish Publish
	// AuthorMap maps a login of the old site to the email of an account here, whose
	// articles and replies that author's become. The accounts must exist.
	AuthorMap map[string]string
	// Progress, when set, is told how far the import has read now and then.
	Progress func(Progress)
}

// Result counts what an import brought in and what it left out.
type Result struct {
	Articles int
	Pages    int
	Authors  int // accounts created; authors matched to existing accounts are not counted
	Tags     int // tags created
	// Comments counts the replies brought in, by status.
	Comments map[model.CommentStatus]int
	// Skipped counts what was left out, by kind: a post type ("attachment",
	// "nav_menu_item", "revision", …), "trash" for trashed posts and pages, or a
	// reply type ("pingback", "trackback", …).
	Skipped map[string]int
	// AlreadyImported counts posts and replies an earlier import brought in already.
	AlreadyImported int
	// Redirects counts the old addresses kept, each answering 301 to its article here.
	Redirects int
	Warnings  []string
}

// Service imports content into a store.
type Service struct {
	st     *store.Store
	client *moderation.ClientHasher
	now    func() time.Time
}

// New returns an import service on st. client hashes the addresses of imported
// replies like those of live ones, keeping the hash and the network only; with nil,
// imported replies keep no trace of their address at all.
func New(st *store.Store, client *moderation.ClientHasher) *Service {
	return &Service{st: st, client: client, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
