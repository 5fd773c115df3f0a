package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// count runs a counting query on the fixture's database file directly.
func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	db := storetest.Open(t, f.path)
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Ensure a password reset's link reaches the account's address on the site's
// address, and that neither the event nor the outbox keeps the token once it is
// sent; an account disabled meanwhile is sent nothing.
func TestAccountLinks_PasswordReset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	gone := f.addStaff(t, "Gus Gone", "gus@staff.example", model.RoleEditor)
	for _, e := range []model.Event{
		{Kind: model.EventPasswordReset, UserID: f.moderator.ID, Secret: "tok-for-mo_1", CreatedAt: f.clock()},
		{Kind: model.EventPasswordReset, UserID: gone.ID, Secret: "tok-for-gus", CreatedAt: f.clock()},
	} {
		if err := f.st.RecordEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	gone.DisabledAt = new(f.clock())
	if err := f.st.UpdateAccount(ctx, gone, f.clock()); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	got := f.smtp.Messages()
	if len(got) != 1 || len(f.smtp.To(f.moderator.EmailAddress())) != 1 {
		t.Fatalf("%d messages, want the moderator's alone", len(got))
	}
	m := got[0]
	link := siteURL + "/admin/password-reset/confirm?token=tok-for-mo_1"
	if m.Subject() != "Set a new password for Health News" || !strings.Contains(m.Text(), link) ||
		!strings.Contains(m.Part("text/html"), `href="`+link+`"`) || !strings.Contains(m.Text(), "The link works once, within an hour.") {
		t.Errorf("message %q:\n%s\n%s", m.Subject(), m.Text(), m.Part("text/html"))
	}
	if h := m.Header(); h.Get("Auto-Submitted") != "auto-generated" || h.Get("Message-Id") == "" || h.Get("Date") == "" {
		t.Errorf("headers: %v", h)
	}
	if n := f.count(t, `SELECT count(*) FROM events WHERE secret IS NOT NULL`); n != 0 {
		t.Errorf("%d events keep their token after dispatch", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE body IS NOT NULL OR recipient IS NOT NULL`); n != 0 {
		t.Errorf("%d outbox rows keep a message or an address after sending", n)
	}
}
