package mail_test

import (
	"context"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// fixture is the mail service on a migrated database with the demo content, sending
// through a real SMTP server on a loopback port, with the services that record events
// and a clock the test moves.
type fixture struct {
	path       string // the database file
	keys       *secret.Keys
	st         *store.Store
	smtp       *mailtest.Server
	svc        *mail.Service
	moderation *moderation.Service
	article    *model.Article
	moderator  *model.User

	mu  sync.Mutex
	now time.Time
}

const siteURL = "https://health.example.org"

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
	f := &fixture{path: path, keys: keys, st: st, article: a, smtp: mailtest.Start(t), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.moderator = f.addStaff(t, "Mo Moderator", "mo@staff.example", model.RoleModerator)
	f.svc = f.newService(t, st)
	f.moderation = moderation.New(st, []byte("client-key-for-tests-0123456789ab"))
	f.moderation.SetClock(f.clock)
	return f
}

// newService builds a mail service on st that sends through the fixture's SMTP
// server, on the fixture's clock.
func (f *fixture) newService(t testing.TB, st *store.Store) *mail.Service {
	t.Helper()
	smtpCfg, err := config.ParseSMTPURL(f.smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := mail.New(mail.Options{
		Store: st, SMTP: smtpCfg, From: "news@health.example.org", FromName: "Health News",
		PublicURL: siteURL, SiteName: "Health News", Now: f.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// advance moves the clock on by d.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fixture) addStaff(t testing.TB, name, email string, role model.Role) *model.User {
	t.Helper()
	u := &model.User{Name: name, Email: &email, Role: role, PasswordHash: "$argon2id$not-checked-here"}
	if err := f.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// submit sends a reply to the demo article (as a reply to parent, unless 0) and
// returns it as saved.
func (f *fixture) submit(t testing.TB, name, email string, parent int64, change func(*moderation.Submission)) *model.Comment {
	t.Helper()
	f.advance(time.Minute)
	sub := moderation.Submission{
		Body: "A reply from " + name + " sent at " + f.clock().Format(time.DateTime), Name: name, Email: email, ParentID: parent,
		ClientAddr: netip.MustParseAddr("198.51.100.7"), ShownAt: f.clock().Add(-30 * time.Second),
	}
	if change != nil {
		change(&sub)
	}
	c, err := f.moderation.Submit(context.Background(), f.article, sub)
	if err != nil {
		t.Fatalf("submit from %s: %v", name, err)
	}
	return c
}

// run dispatches the events waiting and sends what is due, as the sender's loop does.
func (f *fixture) run(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.svc.Dispatch(ctx); err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	if _, err := f.svc.SendDue(ctx); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// outbox returns every message in the outbox, newest first.
func (f *fixture) outbox(t testing.TB) []model.OutboxMessage {
	t.Helper()
	list, _, err := f.st.Outbox(context.Background(), store.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}
