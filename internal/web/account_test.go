package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Browsers as they name themselves, for the list of sign-ins.
const (
	firefoxOnLinux  = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	chromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	safariOnIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

// signInFrom signs u in through the form from the client at addr with the browser
// userAgent, and returns the session cookie.
func (s *site) signInFrom(t testing.TB, u *model.User, addr, userAgent string) *http.Cookie {
	t.Helper()
	form := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", userAgent)
	req.RemoteAddr = addr
	res := s.do(t, req).wantStatus(http.StatusSeeOther)
	c := authCookie(res, "fascicle_session")
	if c == nil || c.Value == "" {
		t.Fatalf("sign-in set no session cookie; Set-Cookie: %q", res.Header.Values("Set-Cookie"))
	}
	return c
}

// passwordHash returns the stored password hash of account id.
func (s *site) passwordHash(t testing.TB, id int64) string {
	t.Helper()
	return s.userField(t, id, "password_hash")
}

// wantSignedOut fails the test unless cookie no longer opens the staff pages.
func (s *site) wantSignedOut(t testing.TB, cookie *http.Cookie) {
	t.Helper()
	res := s.getAs(t, cookie, "/admin/").wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/login") {
		t.Errorf("a session that should have ended opens /admin/: Location %q", loc)
	}
}

// Ensure the account page holds the profile, the change-password form, the two-step
// sign-in's state and the list of sign-ins, for every role.
func TestAccount_PageForEveryRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, role := range model.Roles {
		cookie := s.signIn(t, s.addUser(t, role))
		// With one session, there is nothing else to sign out of.
		s.getAs(t, cookie, "/admin/account").wantStatus(http.StatusOK).
			wantContains("<h1>Your account</h1>", `action="/admin/account"`, `action="/admin/account/password"`,
				`name="current_password"`, `name="new_password"`, `name="new_password_confirm"`,
				`<h2 id="two-step">Two-step sign-in</h2>`, "Off</strong>: you sign in with your password alone.",
				`href="/admin/account/2fa"`, `<h2 id="sign-ins">Recent sign-ins</h2>`, "This browser",
				`href="/admin/account" title="Your account"`).
			wantNotContains(`action="/admin/account/sign-out-others"`)
	}
}

// Ensure a password change is refused, with a message beside the field and nothing
// changed, when the current password is wrong, the new one is weak, or the two new
// ones differ; and that a change ends every other session of the account but keeps
// this one, after which only the new password signs in.
func TestAccount_ChangePassword(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAuthor)
	other := s.addUser(t, model.RoleEditor)
	laptop := s.signIn(t, u)
	phone := s.signIn(t, u)
	otherCookie := s.signIn(t, other)
	hash := s.passwordHash(t, u.ID)
	const newPassword = "lantern moss quietly ferries"

	tests := []struct {
		Name    string
		Form    url.Values
		Message string
	}{
		{"ErrWrongCurrentPassword", url.Values{"current_password": {"not my password"}, "new_password": {newPassword}, "new_password_confirm": {newPassword}},
			"That is not your current password."},
		{"ErrCommonPassword", url.Values{"current_password": {staffPassword}, "new_password": {"password1"}, "new_password_confirm": {"password1"}},
			"common password."},
		{"ErrTooShort", url.Values{"current_password": {staffPassword}, "new_password": {"short"}, "new_password_confirm": {"short"}},
			"Use at least 8 characters."},
		{"ErrOwnEmail", url.Values{"current_password": {staffPassword}, "new_password": {u.EmailAddress()}, "new_password_confirm": {u.EmailAddress()}},
			"Do not use your name, your email address or the site&#39;s name."},
		{"ErrConfirmationDiffers", url.Values{"current_password": {staffPassword}, "new_password": {newPassword}, "new_password_confirm": {newPassword + "!"}},
			"The two new passwords are not the same."},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s.postForm(t, "/admin/account/password", tt.Form, laptop).wantStatus(http.StatusUnprocessableEntity).
				wantContains("Your password was not changed.", tt.Message, `<h1>Your account</h1>`).
				wantNotContains(newPassword, "password1", `value="`+staffPassword)
			if s.passwordHash(t, u.ID) != hash {
				t.Fatal("a refused change changed the password")
			}
			s.getAs(t, phone, "/admin/").wantStatus(http.StatusOK)
		})
	}

	t.Run("Changed", func(t *testing.T) {
		form := url.Values{"current_password": {staffPassword}, "new_password": {newPassword}, "new_password_confirm": {newPassword}}
		res := s.postForm(t, "/admin/account/password", form, laptop).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/account?done=password-changed#password" {
			t.Errorf("Location = %q", loc)
		}
		if s.passwordHash(t, u.ID) == hash {
			t.Fatal("the password hash did not change")
		}
		s.getAs(t, laptop, "/admin/account?done=password-changed").wantStatus(http.StatusOK).
			wantContains("Password changed. Your other sign-ins have ended; this one goes on.")
		s.wantSignedOut(t, phone)
		s.getAs(t, otherCookie, "/admin/").wantStatus(http.StatusOK) // another account's session goes on
		s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusUnauthorized)
		s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {newPassword}}).wantStatus(http.StatusSeeOther)
	})
	if strings.Contains(s.logs.String(), newPassword) || strings.Contains(s.logs.String(), staffPassword) {
		t.Error("a password reached the log")
	}
}

// Ensure wrong current passwords on the change-password form count towards the
// sign-in lock-out, so that an open session alone cannot be used to guess the
// password.
func TestAccount_ChangePasswordLockout(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleModerator)
	cookie := s.signIn(t, u)
	wrong := url.Values{"current_password": {"a wrong guess"}, "new_password": {"lantern moss quietly ferries"}, "new_password_confirm": {"lantern moss quietly ferries"}}
	for range 5 {
		s.postForm(t, "/admin/account/password", wrong, cookie).wantStatus(http.StatusUnprocessableEntity)
	}
	right := url.Values{"current_password": {staffPassword}, "new_password": wrong["new_password"], "new_password_confirm": wrong["new_password"]}
	res := s.postForm(t, "/admin/account/password", right, cookie).wantStatus(http.StatusTooManyRequests).
		wantContains("Too many failed sign-ins")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusTooManyRequests)
}

// Ensure the list of sign-ins shows each open session's date, network and browser in a
// few words, marks this browser's, and never shows a whole address or user agent,
// nor stores one.
func TestAccount_SignInsList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleReviewer)
	other := s.addUser(t, model.RoleReviewer)
	s.signInFrom(t, u, "203.0.113.77:41000", chromeOnWindows)
	s.signInFrom(t, u, "[2001:db8:1234:5678::99]:41000", safariOnIPhone)
	s.signInFrom(t, other, "198.51.100.23:41000", chromeOnWindows)
	here := s.signInFrom(t, u, "192.0.2.10:41000", firefoxOnLinux)

	res := s.getAs(t, here, "/admin/account").wantStatus(http.StatusOK).
		wantContains("Firefox 128 on Linux", "Chrome 126 on Windows", "Safari 17 on iOS",
			"192.0.2.0/24", "203.0.113.0/24", "2001:db8:1234::/48",
			`action="/admin/account/sign-out-others"`, "Sign out everywhere else").
		wantNotContains("203.0.113.77", "192.0.2.10", "2001:db8:1234:5678", "Mozilla/5.0", "AppleWebKit",
			"198.51.100", other.EmailAddress())
	if n := strings.Count(res.Body, "This browser"); n != 1 {
		t.Errorf("%d sessions marked as this browser, want 1", n)
	}
	firefox := strings.Index(res.Body, "Firefox 128 on Linux")
	if mark := strings.Index(res.Body, "This browser"); mark < firefox || firefox < 0 {
		t.Error("the mark is not on this browser's sign-in")
	}
	if n := s.count(t, `SELECT count(*) FROM sessions WHERE network LIKE '%.77' OR network LIKE '%.10' OR browser LIKE '%Mozilla%'`); n != 0 {
		t.Errorf("%d sessions store a whole address or user agent", n)
	}
	if n := s.count(t, `SELECT count(*) FROM sessions WHERE user_id = ? AND network != '' AND browser != ''`, u.ID); n != 3 {
		t.Errorf("%d sessions of the account with their network and browser, want 3", n)
	}
}

// Ensure "Sign out everywhere else" ends the account's other sessions at once and keeps
// this one and other accounts' sessions.
func TestAccount_SignOutEverywhereElse(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleEditor)
	other := s.addUser(t, model.RoleEditor)
	tablet := s.signInFrom(t, u, "203.0.113.5:1", safariOnIPhone)
	office := s.signInFrom(t, u, "198.51.100.7:1", chromeOnWindows)
	otherCookie := s.signIn(t, other)
	here := s.signInFrom(t, u, "192.0.2.10:1", firefoxOnLinux)

	res := s.postForm(t, "/admin/account/sign-out-others", url.Values{}, here).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/account?done=signed-out-others#sign-ins" {
		t.Errorf("Location = %q", loc)
	}
	s.wantSignedOut(t, tablet)
	s.wantSignedOut(t, office)
	s.getAs(t, otherCookie, "/admin/").wantStatus(http.StatusOK)
	s.getAs(t, here, "/admin/account?done=signed-out-others").wantStatus(http.StatusOK).
		wantContains("Signed out everywhere else", "Firefox 128 on Linux", "You are signed in in this browser only.").
		wantNotContains("Safari 17 on iOS", "Chrome 126 on Windows", "198.51.100.0/24")
}

// Ensure the account's forms refuse a POST sent from another site, changing nothing.
func TestAccount_CrossSiteRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	cookie := s.signIn(t, u)
	phone := s.signIn(t, u)
	hash := s.passwordHash(t, u.ID)
	for _, tt := range []struct {
		Path string
		Form url.Values
	}{
		{"/admin/account/password", url.Values{"current_password": {staffPassword}, "new_password": {"lantern moss quietly ferries"}, "new_password_confirm": {"lantern moss quietly ferries"}}},
		{"/admin/account/sign-out-others", url.Values{}},
		{"/admin/account/2fa", url.Values{"code": {"123456"}}},
		{"/admin/account/2fa/disable", url.Values{"password": {staffPassword}}},
		{"/admin/users/1/two-step/reset", url.Values{}},
		{"/admin/login/code", url.Values{"code": {"123456"}}},
	} {
		req := httptest.NewRequest(http.MethodPost, tt.Path, strings.NewReader(tt.Form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		req.AddCookie(cookie)
		s.do(t, req).wantStatus(http.StatusForbidden).wantContains("Request refused")
	}
	if s.passwordHash(t, u.ID) != hash {
		t.Error("a cross-site request changed the password")
	}
	s.getAs(t, phone, "/admin/").wantStatus(http.StatusOK)
}
