package privacy_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// site is the public address the fixture's service exports under.
const site = "https://health.example.org"

// The person who asks for their data in these tests.
const (
	samEmail   = "sam.asks@example.com"
	samName    = "Sam Asks"
	samWebsite = "https://sam.example.org/"
)

// fixture is the privacy service on a migrated database with the demo article and its
// three approved replies, an administrator and a moderator, and a fixed clock.
type fixture struct {
	st        *store.Store
	db        *storetest.DB // a second connection, to read and break what is stored
	svc       *privacy.Service
	admin     *model.User
	moderator *model.User
	articleID int64
	now       time.Time
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
	f := &fixture{st: st, articleID: a.ID, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.admin = f.user(t, "Ada Admin", "ada@staff.example", model.RoleAdmin)
	f.moderator = f.user(t, "Mo Moderator", "mo@staff.example", model.RoleModerator)
	f.db = storetest.Open(t, path)
	f.svc = privacy.New(st, site)
	f.svc.SetClock(func() time.Time { return f.now })
	return f
}

func (f *fixture) user(t *testing.T, name, email string, role model.Role) *model.User {
	t.Helper()
	u := &model.User{Name: name, Email: &email, Role: role, PasswordHash: "$argon2id$not-checked-here"}
	if err := f.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// add saves a reply to the demo article, approved and written an hour before the
// fixture's clock unless c says otherwise, and returns its ID.
func (f *fixture) add(t *testing.T, c model.Comment) int64 {
	t.Helper()
	c.ArticleID = f.articleID
	if c.Status == "" {
		c.Status = model.CommentApproved
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = f.now.Add(-time.Hour)
	}
	if err := f.st.CreateComment(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// thread is Sam's replies among other people's: an answer to Priya's demo reply (1)
// that Tom answered, and a held reply to the article.
type thread struct {
	samAnswer, samHeld, tomToSam int64
}

func (f *fixture) addThread(t *testing.T) thread {
	t.Helper()
	sam := func(c model.Comment) int64 {
		c.AuthorName, c.AuthorEmail, c.AuthorURL = samName, samEmail, samWebsite
		c.UserAgent, c.ClientHash, c.ClientPrefix = "SamBrowser/1.0", "sam-address-hash", "203.0.113.0/24"
		return f.add(t, c)
	}
	var th thread
	parent := int64(1)
	th.samAnswer = sam(model.Comment{ParentID: &parent, Body: "Sam agrees with Priya about coffee.", CreatedAt: f.now.Add(-3 * time.Hour)})
	th.tomToSam = f.add(t, model.Comment{ParentID: &th.samAnswer, AuthorName: "Tom Whitaker", AuthorEmail: "tom.whitaker@example.net",
		Body: "Tom answers Sam: water helped me more.", CreatedAt: f.now.Add(-2 * time.Hour)})
	th.samHeld = sam(model.Comment{Body: "Sam's held reply with a link.", Status: model.CommentPending, CreatedAt: f.now.Add(-time.Hour)})
	return th
}

// Queries of everything stored in a table, for dump.
const (
	allReplies    = `SELECT * FROM comments ORDER BY id`
	allAuditLines = `SELECT * FROM privacy_audit ORDER BY id`
)

// snapshot returns every reply and every line of the audit log as stored, to check
// that nothing changed.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	return f.dump(t, allReplies, allAuditLines)
}

// dump returns every row the queries return, one line each.
func (f *fixture) dump(t *testing.T, queries ...string) string {
	t.Helper()
	var b strings.Builder
	for _, q := range queries {
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
		if err := rows.Err(); err != nil {
			t.Fatal(err)
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

// audit returns the whole audit log, newest first.
func (f *fixture) audit(t *testing.T) []store.PrivacyAuditEntry {
	t.Helper()
	list, err := f.svc.Audit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}
