package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

const resetConfirmPath = "/admin/password-reset/confirm"

// Ensure a staff member who forgot their password asks for a link from the sign-in
// page, gets the same answer as for an address without an account, receives the link
// by mail, and sets a new password with it once: their other sessions end, they sign
// in with the new password, and the link then says plainly that it no longer works.
func TestPasswordReset_ThroughTheLink(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	u := s.addUser(t, model.RoleEditor)
	old := s.signIn(t, u)
	s.get(t, "/admin/login").wantStatus(http.StatusOK).wantContains(`<a href="/admin/password-reset">Forgot your password?</a>`)
	s.get(t, "/admin/password-reset").wantStatus(http.StatusOK).
		wantContains("Forgot your password?", `<form action="/admin/password-reset" method="post"`)

	known := s.postForm(t, "/admin/password-reset", url.Values{"email": {u.EmailAddress()}}, nil).wantStatus(http.StatusSeeOther)
	unknown := s.postForm(t, "/admin/password-reset", url.Values{"email": {"nobody@staff.example"}}, nil).wantStatus(http.StatusSeeOther)
	if known.Header.Get("Location") != unknown.Header.Get("Location") || known.Body != unknown.Body {
		t.Errorf("the answers differ: %q %q / %q %q", known.Header.Get("Location"), known.Body, unknown.Header.Get("Location"), unknown.Body)
	}
	s.get(t, known.Header.Get("Location")).wantStatus(http.StatusOK).
		wantContains("If an account uses this address, we have sent a link to it.").
		wantNotContains(u.EmailAddress())

	s.deliver(t)
	if got := s.smtp.Messages(); len(got) != 1 || len(s.smtp.To(u.EmailAddress())) != 1 {
		t.Fatalf("%d messages, want one to the account", len(got))
	}
	link := s.linkTo(t, u.EmailAddress(), resetConfirmPath)
	form := s.get(t, link).wantStatus(http.StatusOK).
		wantContains("Choose a new password", u.EmailAddress(), `name="token" value="`)
	if form.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy = %q on a page whose address carries a token", form.Header.Get("Referrer-Policy"))
	}
	token := strings.TrimPrefix(link, resetConfirmPath+"?token=")

	s.postForm(t, resetConfirmPath, url.Values{"token": {token}, "password": {"password1"}, "password_confirm": {"password1"}}, nil).
		wantStatus(http.StatusUnprocessableEntity).wantContains("This is a very common password.")
	s.postForm(t, resetConfirmPath, url.Values{"token": {token}, "password": {"harbour finch umbrella"}, "password_confirm": {"harbour finch umbrela"}}, nil).
		wantStatus(http.StatusUnprocessableEntity).wantContains("The two passwords are not the same.")
	res := s.postForm(t, resetConfirmPath, url.Values{"token": {token}, "password": {"harbour finch umbrella"}, "password_confirm": {"harbour finch umbrella"}}, nil).
		wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login?done=password-reset" {
		t.Errorf("Location = %q", loc)
	}
	s.get(t, "/admin/login?done=password-reset").wantContains("Your new password is set, and every sign-in of your account has ended.")
	s.wantSignedOut(t, old)
	s.postForm(t, "/admin/login", url.Values{"email": {u.EmailAddress()}, "password": {"harbour finch umbrella"}}, nil).wantStatus(http.StatusSeeOther)

	s.get(t, link).wantStatus(http.StatusGone).wantContains("This link does not work", `<a href="/admin/password-reset">Ask for a new link</a>`)
	s.postForm(t, resetConfirmPath, url.Values{"token": {token}, "password": {"lantern moss quietly"}, "password_confirm": {"lantern moss quietly"}}, nil).
		wantStatus(http.StatusGone)
}

// Ensure a link more than an hour old no longer works.
func TestPasswordReset_LinkExpiresAfterAnHour(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	u := s.addUser(t, model.RoleModerator)
	s.postForm(t, "/admin/password-reset", url.Values{"email": {u.EmailAddress()}}, nil).wantStatus(http.StatusSeeOther)
	s.deliver(t)
	link := s.linkTo(t, u.EmailAddress(), resetConfirmPath)
	s.advance(59 * time.Minute)
	s.get(t, link).wantStatus(http.StatusOK)
	s.advance(2 * time.Minute)
	s.get(t, link).wantStatus(http.StatusGone).wantContains("is more than an hour old")
}

// Ensure the request form refuses what is not an address, and a client that asks too
// often, saying so, while it answers every address alike.
func TestPasswordReset_Refused(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	s.postForm(t, "/admin/password-reset", url.Values{"email": {"not an address"}}, nil).
		wantStatus(http.StatusUnprocessableEntity).wantContains("No link was sent.", "Enter the email address you sign in with")
	for range accounts.MaxResetRequests {
		s.postForm(t, "/admin/password-reset", url.Values{"email": {"someone@staff.example"}}, nil).wantStatus(http.StatusSeeOther)
	}
	res := s.postForm(t, "/admin/password-reset", url.Values{"email": {"someone@staff.example"}}, nil).
		wantStatus(http.StatusTooManyRequests).wantContains("Too many links were asked for from here.")
	if res.Header.Get("Retry-After") != "900" {
		t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
	}
}

// Ensure that without mail the sign-in page offers no link, says to ask an
// administrator, and the reset pages send nothing.
func TestPasswordReset_MailOff(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleEditor)
	s.get(t, "/admin/login").wantStatus(http.StatusOK).
		wantContains("Forgot your password? Ask an administrator to set a new one: this site sends no mail.").
		wantNotContains(`href="/admin/password-reset"`)
	s.get(t, "/admin/password-reset").wantStatus(http.StatusOK).wantContains("This site sends no mail, so it cannot send you a link.")
	s.postForm(t, "/admin/password-reset", url.Values{"email": {u.EmailAddress()}}, nil).wantStatus(http.StatusOK).
		wantContains("This site sends no mail")
	if n := s.count(t, `SELECT count(*) FROM link_tokens`); n != 0 {
		t.Errorf("%d links written with mail off", n)
	}
}
