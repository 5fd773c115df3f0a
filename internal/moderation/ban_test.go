package moderation_test

import (
	"context"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
)

// banFixture is the moderation service on a migrated database with the demo article,
// the default policy (every reply held) and a clock the test moves.
type banFixture struct {
	st      *store.Store
	svc     *moderation.Service
	article *model.Article
	keys    *secret.Keys
	now     time.Time
}

func newBanFixture(t testing.TB) *banFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fascicle.db"))
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
	if err := demo.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	a, err := st.PublishedArticle(ctx, demo.ArticleSlug)
	if err != nil {
		t.Fatal(err)
	}
	f := &banFixture{st: st, article: a, keys: keys, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = moderation.New(st, []byte("client-key-for-tests-0123456789ab"))
	f.svc.SetClock(func() time.Time { return f.now })
	return f
}

// submit sends a reply from email and addr, a minute after the last, with a form
// shown long enough ago, and returns it as saved.
func (f *banFixture) submit(t *testing.T, email, addr string, change func(*moderation.Submission)) *model.Comment {
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

func (f *banFixture) ban(t *testing.T, b model.Ban) {
	t.Helper()
	b.CreatedAt = f.now
	if err := f.st.CreateBan(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
}

// Ensure a banned email's or address's new reply goes to spam with the ban's reason,
// before any other rule, while other people's replies follow the policy as before,
// and that a ban that has ended no longer applies.
func TestSubmit_Banned(t *testing.T) {
	t.Parallel()
	f := newBanFixture(t)
	const banned, bannedAddr = "banned@example.com", "203.0.113.9"
	until := f.now.Add(24 * time.Hour)
	f.ban(t, model.Ban{Kind: model.BanEmail, Value: f.keys.EmailIndex(banned), Reason: "selling pills", Until: &until})
	f.ban(t, model.Ban{Kind: model.BanClient, Value: f.svc.ClientHash(netip.MustParseAddr(bannedAddr)), Reason: "abuse"})

	tests := []struct {
		Name       string
		Email      string
		Addr       string
		Change     func(*moderation.Submission)
		WantStatus model.CommentStatus
		WantReason string
	}{
		{Name: "BannedEmail", Email: banned, Addr: "198.51.100.1", WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
		{Name: "BannedEmailOtherCase", Email: "Banned@Example.com", Addr: "198.51.100.1", WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
		{Name: "BannedAddress", Email: "someone.else@example.com", Addr: bannedAddr, WantStatus: model.CommentSpam, WantReason: "banned: abuse"},
		{Name: "BannedAddressAsIPv4InIPv6", Email: "third@example.com", Addr: "::ffff:" + bannedAddr, WantStatus: model.CommentSpam, WantReason: "banned: abuse"},
		{Name: "NeighbourAddress", Email: "neighbour@example.com", Addr: "203.0.113.10", WantStatus: model.CommentPending, WantReason: "every reply is held (manual moderation)"},
		{Name: "OtherPerson", Email: "reader@example.com", Addr: "198.51.100.2", WantStatus: model.CommentPending, WantReason: "every reply is held (manual moderation)"},
		// The ban is checked first, so its reason is the one recorded.
		{Name: "BannedAndHoneypot", Email: banned, Addr: "198.51.100.3",
			Change: func(s *moderation.Submission) { s.Honeypot = "filled" }, WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
		{Name: "BannedAndTooFast", Email: banned, Addr: "198.51.100.4",
			Change: func(s *moderation.Submission) { s.ShownAt = time.Time{} }, WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
	}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			c := f.submit(t, tc.Email, tc.Addr, tc.Change)
			if c.Status != tc.WantStatus || c.HeldReason != tc.WantReason {
				t.Errorf("status %q, reason %q; want %q, %q", c.Status, c.HeldReason, tc.WantStatus, tc.WantReason)
			}
			saved, err := f.st.Comment(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Status != tc.WantStatus || saved.HeldReason != tc.WantReason {
				t.Errorf("saved as %q, %q; want %q, %q", saved.Status, saved.HeldReason, tc.WantStatus, tc.WantReason)
			}
		})
	}

	t.Run("AfterTheEmailBanEnds", func(t *testing.T) {
		f.now = until // the ban ends at until; submit moves the clock a minute on
		c := f.submit(t, banned, "198.51.100.5", nil)
		if c.Status != model.CommentPending || c.HeldReason != "every reply is held (manual moderation)" {
			t.Errorf("status %q, reason %q; want pending as anyone's", c.Status, c.HeldReason)
		}
		// The permanent address ban still holds.
		if c := f.submit(t, "fourth@example.com", bannedAddr, nil); c.Status != model.CommentSpam {
			t.Errorf("from the banned address after a day: %q, want spam", c.Status)
		}
	})
}

// Ensure staff signed in are never caught by a ban: a moderator's reply is approved
// and an author's follows the policy, even from a banned email and address.
func TestSubmit_StaffNotBanned(t *testing.T) {
	t.Parallel()
	f := newBanFixture(t)
	const addr = "203.0.113.50"
	for _, role := range []model.Role{model.RoleModerator, model.RoleAuthor} {
		email := string(role) + "@staff.example"
		f.ban(t, model.Ban{Kind: model.BanEmail, Value: f.keys.EmailIndex(email), Reason: "mistake"})
		f.ban(t, model.Ban{Kind: model.BanClient, Value: f.svc.ClientHash(netip.MustParseAddr(addr)), Reason: "office"})
		u := &model.User{ID: 1, Name: "Staff", Email: &email, Role: role}
		c := f.submit(t, email, addr, func(s *moderation.Submission) { s.Staff = u })
		want := map[model.Role]model.CommentStatus{model.RoleModerator: model.CommentApproved, model.RoleAuthor: model.CommentPending}[role]
		if c.Status != want || c.HeldReason == "banned: mistake" || c.HeldReason == "banned: office" {
			t.Errorf("%s: status %q, reason %q; want %q and no ban", role, c.Status, c.HeldReason, want)
		}
	}
}
