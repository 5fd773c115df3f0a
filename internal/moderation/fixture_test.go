package moderation_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// fixture is the moderation service on a migrated database with the demo article and
// its three approved replies, the default policy (every reply held), a moderator's
// account and a clock the test moves.
type fixture struct {
	st      *store.Store
	db      *storetest.DB // a second connection, to read what was really saved
	svc     *moderation.Service
	article *model.Article
	keys    *secret.Keys
	staff   *model.User
	now     time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	path := storetest.Path(t)
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	if err := demo.Install(ctx, st); err != nil {
		t.Fatal(err)
	}
	a, err := st.PublishedArticle(ctx, demo.ArticleSlug)
	if err != nil {
		t.Fatal(err)
	}
	email := "mo@staff.example"
	staff := &model.User{Name: "Mo Moderator", Email: &email, Role: model.RoleModerator, PasswordHash: "$argon2id$not-checked-here"}
	if err := st.CreateUser(ctx, staff); err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, path)
	f := &fixture{st: st, db: db, article: a, keys: keys, staff: staff, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = moderation.New(st, []byte("client-key-for-tests-0123456789ab"))
	f.svc.SetClock(func() time.Time { return f.now })
	return f
}

// submit sends a reply from email and addr, a minute after the last, with a form
// shown long enough ago, and returns it as saved.
func (f *fixture) submit(t *testing.T, email, addr string, change func(*moderation.Submission)) *model.Comment {
	t.Helper()
	f.now = f.now.Add(time.Minute)
	sub := moderation.Submission{
		Body: "A reply sent at " + f.now.Format(time.DateTime), Name: "Sender", Email: email,
		ClientAddr: netip.MustParseAddr(addr), ShownAt: f.now.Add(-30 * time.Second),
	}
	if change != nil {
		change(&sub)
	}
	c, err := f.svc.Submit(context.Background(), f.article, sub)
	if err != nil {
		t.Fatalf("submit from %s at %s: %v", email, addr, err)
	}
	return c
}

func (f *fixture) ban(t *testing.T, b model.Ban) {
	t.Helper()
	b.CreatedAt = f.now
	if err := f.st.CreateBan(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
}

// add saves a reply to the demo article straight through the store, an hour before
// the fixture's clock, pending and from a reader unless c says otherwise, and returns
// its ID.
func (f *fixture) add(t *testing.T, c model.Comment) int64 {
	t.Helper()
	c.ArticleID = f.article.ID
	if c.AuthorName == "" {
		c.AuthorName = "Riley Reader"
	}
	if c.AuthorEmail == "" {
		c.AuthorEmail = "riley@example.com"
	}
	if c.Body == "" {
		c.Body = "A reply."
	}
	if c.Status == "" {
		c.Status = model.CommentPending
	}
	c.CreatedAt = f.now.Add(-time.Hour)
	if err := f.st.CreateComment(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// row is a reply as stored, in the columns moderators' actions change.
type row struct {
	Status, Previous string
	Parent           int64 // 0 for a reply to the article
	UpdatedAt        time.Time
}

// row returns the reply id as stored, and false if it does not exist.
func (f *fixture) row(t *testing.T, id int64) (row, bool) {
	t.Helper()
	var r row
	var parent sql.NullInt64
	err := f.db.QueryRow(`SELECT status, previous_status, parent_id, updated_at FROM comments WHERE id = ?`, id).
		Scan(&r.Status, &r.Previous, &parent, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	r.Parent, r.UpdatedAt = parent.Int64, r.UpdatedAt.UTC()
	return r, true
}

// snapshot returns every reply and ban as stored, to check that nothing changed.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, status, previous_status, COALESCE(parent_id, 0), author_name, author_url, body, updated_at FROM comments ORDER BY id`,
		`SELECT id, kind, value, reason, COALESCE(CAST(until AS TEXT), ''), COALESCE(comment_id, 0) FROM bans ORDER BY id`,
	} {
		rows, err := f.db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

// count runs a count query on the second connection.
func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}
