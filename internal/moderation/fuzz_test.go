package moderation_test

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure no reply, however hostile its fields, user agent, address or parent, makes
// Submit panic or fail with anything but a validation error or a duplicate; that the
// fields it refuses are exactly those Comment.Validate refuses (plus a parent that
// cannot be answered); and that a saved reply reads back as it was sent, with the user
// agent cut to valid UTF-8, the address only as a hash and a network, and the email
// not stored in clear.
func FuzzSubmit(f *testing.F) {
	type seed struct {
		body, name, email, website, userAgent, honeypot string
		addr                                            []byte
		parent                                          int64
	}
	v4 := []byte{203, 0, 113, 9}
	v6 := netip.MustParseAddr("2001:db8::1").AsSlice()
	seeds := []seed{
		{"Magnesium helped.\r\nThanks.", "Reader", "reader@example.com", "https://reader.example.org/", "Mozilla/5.0", "", v4, 0},
		{"A reply to a reply.", "Reader", "reader@example.com", "", "", "", v6, 1},
		{"Robot.", "Bot", "bot@example.com", "", "curl/8", "http://spam.example", nil, 0},
		{"Parent from elsewhere.", "Reader", "reader@example.com", "", "", "", v4, -1},
		{"Huge parent.", "Reader", "reader@example.com", "", "", "", v4, 1 << 62},
		{"viagra", "Spammer", "s@example.com", "", strings.Repeat("\xff", 600), "", []byte{1, 2, 3}, 0},
		{"casino https://a.example https://b.example", "Holder", "h@example.com", "", strings.Repeat("é", 300), "", v4, 0},
		{"", "", "", "", "", "", nil, 0},
	}
	for _, s := range seeds {
		f.Add(s.body, s.name, s.email, s.website, s.userAgent, s.honeypot, s.addr, s.parent)
	}
	for _, s := range hostile.Corpus(f) {
		f.Add(s, "Reader", "reader@example.com", "", s, "", v4, int64(0))
	}
	for _, s := range hostile.Own() {
		f.Add("Fine.", s, s, s, s, s, []byte(s), int64(len(s)))
	}

	fx := newSubmitFixture(f)
	f.Fuzz(func(t *testing.T, body, name, email, website, userAgent, honeypot string, addr []byte, parent int64) {
		ctx := context.Background()
		fx.now = fx.now.Add(time.Minute) // past the flood interval and the burst limit
		client, _ := netip.AddrFromSlice(addr)
		sub := moderation.Submission{
			Body: body, Name: name, Email: email, Website: website, UserAgent: userAgent,
			ClientAddr: client, Honeypot: honeypot, ParentID: parent, ShownAt: fx.now.Add(-30 * time.Second),
		}
		wantBody := strings.ReplaceAll(body, "\r\n", "\n")
		wantFields := map[string]bool{}
		candidate := model.Comment{Body: wantBody, AuthorName: name, AuthorEmail: email, AuthorURL: website}
		if err := candidate.Validate(); err != nil {
			for field := range err.(*model.ValidationError).Fields {
				wantFields[field] = true
			}
		}
		if parent != 0 {
			p, err := fx.st.Comment(ctx, parent)
			if err != nil && !errors.Is(err, model.ErrNotFound) {
				t.Fatal(err)
			}
			if p == nil || p.ArticleID != fx.article.ID || p.Status != model.CommentApproved {
				wantFields[model.FieldParent] = true
			}
		}

		c, err := fx.svc.Submit(ctx, fx.article, sub)
		var invalid *model.ValidationError
		switch {
		case errors.As(err, &invalid):
			got := map[string]bool{}
			for field := range invalid.Fields {
				got[field] = true
			}
			if !maps.Equal(got, wantFields) {
				t.Fatalf("Submit refused %v, want %v", got, wantFields)
			}
			return
		case len(wantFields) > 0:
			t.Fatalf("Submit returned %v (%+v), want a validation error for %v", err, c, wantFields)
		case errors.Is(err, moderation.ErrDuplicate):
			return // the fuzzer sent the same reply twice
		case err != nil:
			t.Fatalf("Submit(%+v): %v", sub, err)
		}

		saved, err := fx.st.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Body != wantBody || saved.AuthorName != name || saved.AuthorEmail != email || saved.AuthorURL != website {
			t.Errorf("saved %q, %q, %q, %q; sent %q, %q, %q, %q",
				saved.Body, saved.AuthorName, saved.AuthorEmail, saved.AuthorURL, wantBody, name, email, website)
		}
		if saved.ArticleID != fx.article.ID || (parent == 0) != (saved.ParentID == nil) || saved.ParentID != nil && *saved.ParentID != parent {
			t.Errorf("saved under article %d, parent %v; sent to %d, parent %d", saved.ArticleID, saved.ParentID, fx.article.ID, parent)
		}
		if !saved.Status.Valid() || honeypot != "" && saved.Status != model.CommentSpam {
			t.Errorf("status %q with honeypot %q", saved.Status, honeypot)
		}
		cleanAgent := strings.ToValidUTF8(userAgent, "")
		// Kept whole when it fits, else cut at the last whole character before the limit.
		wantLen := min(len(cleanAgent), moderation.MaxUserAgent)
		if ua := saved.UserAgent; !utf8.ValidString(ua) || !strings.HasPrefix(cleanAgent, ua) || len(ua) > wantLen || len(ua) <= wantLen-utf8.UTFMax {
			t.Errorf("user agent %q saved as %q", userAgent, ua)
		}
		if saved.ClientHash != fx.svc.ClientHash(client) || saved.ClientPrefix != moderation.AnonymisedPrefix(client) {
			t.Errorf("client %v saved as hash %q, prefix %q", client, saved.ClientHash, saved.ClientPrefix)
		}
		if client.IsValid() {
			// Only the /24 or /48 network that holds the address, and a hash of 64 hex digits.
			bits := 48
			if client.Unmap().Is4() {
				bits = 24
			}
			p, err := netip.ParsePrefix(saved.ClientPrefix)
			if err != nil || p.Bits() != bits || p != p.Masked() || !p.Contains(client.Unmap().WithZone("")) || len(saved.ClientHash) != 64 {
				t.Errorf("client %v saved as hash %q, prefix %q", client, saved.ClientHash, saved.ClientPrefix)
			}
		}
		var clear int
		if err := fx.db.QueryRow(`SELECT count(*) FROM comments WHERE id = ? AND (author_email != '' OR instr(author_email_enc, ?) > 0)`, c.ID, email).Scan(&clear); err != nil {
			t.Fatal(err)
		}
		if clear != 0 {
			t.Errorf("the email %q of reply %d is stored in clear", email, c.ID)
		}
	})
}

// submitFixture is the moderation service on a migrated database with the demo
// article and a policy that uses every rule, with a clock the fuzz function moves.
type submitFixture struct {
	st      *store.Store
	db      *sql.DB // a second connection, to read the columns as stored
	svc     *moderation.Service
	article *model.Article
	now     time.Time
}

func newSubmitFixture(tb testing.TB) *submitFixture {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "fascicle.db")
	st, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := st.UseKeys(ctx, keys); err != nil {
		tb.Fatal(err)
	}
	if err := demo.Install(ctx, st); err != nil {
		tb.Fatal(err)
	}
	policy := model.DefaultPolicy()
	policy.HoldAll, policy.AutoApproveKnown = false, true
	policy.SpamWords, policy.HoldWords = []string{"viagra"}, []string{"casino"}
	if err := st.SavePolicy(ctx, policy); err != nil {
		tb.Fatal(err)
	}
	a, err := st.PublishedArticle(ctx, demo.ArticleSlug)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	fx := &submitFixture{st: st, db: db, article: a, now: time.Now().UTC()}
	fx.svc = moderation.New(st, []byte("client-key-for-tests-0123456789ab"))
	fx.svc.SetClock(func() time.Time { return fx.now })
	return fx
}
