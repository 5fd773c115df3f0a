package publishing_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// fixture is the publishing service on a migrated database of its own, with a clock
// the test moves.
type fixture struct {
	t   *testing.T
	ctx context.Context
	st  *store.Store
	db  *storetest.DB // a second connection, to set up what the service would refuse to
	svc *publishing.Service

	mu  sync.Mutex
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	path := storetest.Path(t)
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, path)
	f := &fixture{t: t, ctx: ctx, st: st, db: db, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = publishing.New(st)
	f.svc.SetClock(f.clock)
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// exec runs a statement on the database directly.
func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(query, args...); err != nil {
		f.t.Fatal(err)
	}
}

// user adds a staff account with role.
func (f *fixture) user(role model.Role, name string) *model.User {
	f.t.Helper()
	u := &model.User{Name: name, Role: role, Credentials: "MD"}
	if err := f.st.CreateUser(f.ctx, u); err != nil {
		f.t.Fatal(err)
	}
	return u
}

// draft is a valid editor submission titled title.
func draft(title string) publishing.Draft {
	return publishing.Draft{
		Title: title, Summary: "A short summary.", Body: "## Causes\n\nCaffeine can trigger twitches [1].\n",
		Tags: "Neurology, Sleep", CommentsOpen: true,
		References: []model.Reference{{Title: "Sleep and muscle health", URL: "https://example.org/sleep"}},
	}
}

// create saves a new article titled title as u, failing the test if it is refused.
func (f *fixture) create(u *model.User, title string) *model.Article {
	f.t.Helper()
	a, err := f.svc.Create(f.ctx, u, draft(title))
	if err != nil {
		f.t.Fatalf("create %q: %v", title, err)
	}
	return a
}

// stored reads article id as it is in the database.
func (f *fixture) stored(id int64) *model.Article {
	f.t.Helper()
	a, err := f.st.Article(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// allowUnreviewed sets the site's policy to publish without a medical review.
func (f *fixture) allowUnreviewed() {
	f.t.Helper()
	p := model.DefaultPolicy()
	p.PublishWithoutReview = true
	if err := f.st.SavePolicy(f.ctx, p); err != nil {
		f.t.Fatal(err)
	}
}

// wantErr fails the test unless err is want.
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

// wantFields fails the test unless err is a *model.ValidationError naming exactly fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var v *model.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error = %v, want a validation error", err)
	}
	if len(v.Fields) != len(fields) {
		t.Fatalf("fields = %v, want exactly %v", v.Fields, fields)
	}
	for _, name := range fields {
		if v.Fields[name] == "" {
			t.Fatalf("fields = %v, want %q among them", v.Fields, name)
		}
	}
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}
