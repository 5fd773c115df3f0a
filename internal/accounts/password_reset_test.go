package accounts_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// resetLinks returns the tokens of the password reset links written since the last
// call, by account, as the mail sender receives them.
func (f *fixture) resetLinks(t *testing.T) map[int64]string {
	t.Helper()
	events, err := f.st.WaitingEvents(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	links := map[int64]string{}
	for _, e := range events {
		if e.Kind != model.EventPasswordReset || e.Secret == "" {
			t.Errorf("event %+v", e)
		}
		links[e.UserID] = e.Secret
		if _, err := f.st.MarkDispatched(f.ctx, e.ID, f.now); err != nil {
			t.Fatal(err)
		}
	}
	return links
}

// request asks for a reset link for email from client, failing the test on an error.
func (f *fixture) request(t *testing.T, email, client string) {
	t.Helper()
	if err := f.svc.RequestPasswordReset(f.ctx, email, client); err != nil {
		t.Fatalf("RequestPasswordReset(%q): %v", email, err)
	}
}

// Ensure asking for a link answers the same, and takes as long, for an address with
// an account, one without, a disabled account's and a person's who cannot sign in,
// and writes a link for the account alone: hashed, with its token in the event.
func TestRequestPasswordReset_SameAnswerForEveryAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ed := f.addAccount(t, "ed@example.org", realHash())
	off := f.addAccount(t, "off@example.org", realHash())
	f.exec(t, `UPDATE users SET disabled_at = ? WHERE id = ?`, f.now, off.ID)
	f.addAccount(t, "named@example.org", "")
	for _, email := range []string{" ED@example.org ", "nobody@example.org", "off@example.org", "named@example.org"} {
		start := time.Now()
		err := f.svc.RequestPasswordReset(f.ctx, email, "client-"+email)
		if took := time.Since(start); err != nil || took < accounts.ResetAnswerTime {
			t.Errorf("RequestPasswordReset(%q) = %v after %v, want nil after at least %v", email, err, took, accounts.ResetAnswerTime)
		}
	}
	links := f.resetLinks(t)
	if len(links) != 1 || links[ed.ID] == "" {
		t.Fatalf("links = %v, want one for the active account", links)
	}
	if n := f.count(t, `SELECT count(*) FROM link_tokens WHERE user_id = ? AND purpose = 'password_reset' AND token_hash != ?`, ed.ID, links[ed.ID]); n != 1 {
		t.Errorf("%d hashed tokens stored, want 1 (and never the token itself)", n)
	}
	if n := f.count(t, `SELECT count(*) FROM link_tokens`); n != 1 {
		t.Errorf("%d tokens in all, want 1", n)
	}
	wantFields(t, f.svc.RequestPasswordReset(f.ctx, "not an address", ""),
		map[string]string{"email": "Enter the email address you sign in with, like name@example.com."})
}

// Ensure the link opens for its account, sets a strong password once, ends every
// session of the account, lets it sign in with the new password, and is written to
// the audit log; a weak password leaves the link usable.
func TestResetPassword_LinkSetsThePasswordOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ed := f.addAccount(t, "ed@example.org", realHash())
	session, err := f.svc.StartSession(f.ctx, ed, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	f.request(t, "ed@example.org", "c")
	token := f.resetLinks(t)[ed.ID]
	if u, err := f.svc.CheckPasswordReset(f.ctx, token); err != nil || u.ID != ed.ID {
		t.Fatalf("CheckPasswordReset = %v, %v", u, err)
	}
	_, err = f.svc.ResetPassword(f.ctx, token, "password1")
	wantFields(t, err, map[string]string{"password": "This is a very common password. Add another word or two. Uncommon words are better."})

	const fresh = "harbour finch umbrella"
	if _, err := f.svc.ResetPassword(f.ctx, token, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionUser(f.ctx, session); err == nil {
		t.Error("a session opened before the reset still works")
	}
	if _, err := f.svc.SignIn(f.ctx, "ed@example.org", password, ""); !errors.Is(err, accounts.ErrWrongCredentials) {
		t.Errorf("the old password: %v, want ErrWrongCredentials", err)
	}
	if _, err := f.svc.SignIn(f.ctx, "ed@example.org", fresh, ""); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if _, err := f.svc.ResetPassword(f.ctx, token, "another harbour finch"); !errors.Is(err, accounts.ErrResetLinkInvalid) {
		t.Errorf("the link used again: %v, want ErrResetLinkInvalid", err)
	}
	audit, err := f.svc.Audit(f.ctx, nil, ed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 || audit[0].Action != accounts.AuditPasswordReset || audit[0].Actor != ed.Name ||
		audit[0].Detail != "with a link sent by email; 1 session ended" {
		t.Errorf("audit = %+v", audit)
	}
}

// Ensure a link stops working after an hour, when a newer one replaces it, and when
// its account is disabled.
func TestResetPassword_LinkThatNoLongerWorks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ed := f.addAccount(t, "ed@example.org", realHash())
	f.request(t, "ed@example.org", "")
	old := f.resetLinks(t)[ed.ID]
	f.advance(time.Minute)
	f.request(t, "ed@example.org", "")
	newer := f.resetLinks(t)[ed.ID]
	if _, err := f.svc.CheckPasswordReset(f.ctx, old); !errors.Is(err, accounts.ErrResetLinkInvalid) {
		t.Errorf("a replaced link: %v", err)
	}
	if _, err := f.svc.CheckPasswordReset(f.ctx, newer); err != nil {
		t.Errorf("the newer link: %v", err)
	}
	f.advance(accounts.ResetLinkLifetime)
	if _, err := f.svc.ResetPassword(f.ctx, newer, "harbour finch umbrella"); !errors.Is(err, accounts.ErrResetLinkInvalid) {
		t.Errorf("a link an hour old: %v", err)
	}
	f.request(t, "ed@example.org", "")
	latest := f.resetLinks(t)[ed.ID]
	f.exec(t, `UPDATE users SET disabled_at = ? WHERE id = ?`, f.now, ed.ID)
	if _, err := f.svc.ResetPassword(f.ctx, latest, "harbour finch umbrella"); !errors.Is(err, accounts.ErrResetLinkInvalid) {
		t.Errorf("a disabled account's link: %v", err)
	}
	if _, err := f.svc.CheckPasswordReset(f.ctx, ""); !errors.Is(err, accounts.ErrResetLinkInvalid) {
		t.Errorf("no token: %v", err)
	}
}

// Ensure an account is sent at most MaxResetLinks links an hour, further requests
// answered alike, and a client may ask MaxResetRequests times in the sign-in window,
// whatever the addresses, before it is refused.
func TestRequestPasswordReset_Limits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", realHash())
	for i := range accounts.MaxResetLinks + 1 {
		f.request(t, "ed@example.org", "client-"+string(rune('a'+i)))
	}
	if n := f.count(t, `SELECT count(*) FROM events WHERE kind = 'account.password_reset'`); n != accounts.MaxResetLinks {
		t.Errorf("%d links sent, want %d", n, accounts.MaxResetLinks)
	}
	f.advance(accounts.ResetWindow)
	f.request(t, "ed@example.org", "client-z")
	if n := f.count(t, `SELECT count(*) FROM events WHERE kind = 'account.password_reset'`); n != accounts.MaxResetLinks+1 {
		t.Errorf("%d links sent an hour later, want %d", n, accounts.MaxResetLinks+1)
	}

	for i := range accounts.MaxResetRequests {
		f.request(t, "someone"+string(rune('a'+i))+"@example.org", "busy")
	}
	if err := f.svc.RequestPasswordReset(f.ctx, "ed@example.org", "busy"); !errors.Is(err, accounts.ErrTooManyResets) {
		t.Errorf("one request too many: %v, want ErrTooManyResets", err)
	}
	f.request(t, "nobody@example.org", "another")
	f.advance(accounts.SignInWindow)
	f.request(t, "nobody@example.org", "busy")
}
