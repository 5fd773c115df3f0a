package web_test

import (
	"bytes"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/fascicle/fascicle/internal/model"
)

// totpCode returns the code an authenticator app shows at t for secret, as typed from
// the page (in groups of four).
func totpCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(strings.ReplaceAll(secret, " ", ""), at,
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

var (
	shownSecret   = regexp.MustCompile(`id="totp-secret">([^<]+)<`)
	recoveryCodes = regexp.MustCompile(`<li><code>([0-9a-z-]+)</code></li>`)
)

// twoStepSetUp is what a person keeps when they turn two-step sign-in on.
type twoStepSetUp struct {
	Secret string   // as shown, in groups of four
	Codes  []string // the recovery codes
}

// enableTwoStep turns two-step sign-in on through the pages, as a person does: it reads
// the secret shown, computes the app's code of the moment with the same library, and
// keeps the recovery codes shown. The site's clock then moves to the next 30-second
// step, so that the next code is a new one.
func (s *site) enableTwoStep(t testing.TB, cookie *http.Cookie) twoStepSetUp {
	t.Helper()
	page := s.getAs(t, cookie, "/admin/account/2fa").wantStatus(http.StatusOK)
	m := shownSecret.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no secret shown; body:\n%.2000s", page.Body)
	}
	secret := html.UnescapeString(m[1])
	res := s.postForm(t, "/admin/account/2fa", url.Values{"code": {totpCode(t, secret, s.clock())}}, cookie).
		wantStatus(http.StatusOK).wantContains("Your recovery codes", "shown only this once")
	var codes []string
	for _, m := range recoveryCodes.FindAllStringSubmatch(res.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	s.advance(30 * time.Second)
	return twoStepSetUp{Secret: secret, Codes: codes}
}

// passwordStep sends u's email and password and returns the cookie of the
// half-finished sign-in, failing unless the answer asks for the code.
func (s *site) passwordStep(t testing.TB, u *model.User) *http.Cookie {
	t.Helper()
	res := s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login/code" {
		t.Fatalf("after the password, Location = %q, want /admin/login/code", loc)
	}
	if c := authCookie(res, "fascicle_session"); c != nil && c.Value != "" {
		t.Fatal("the password alone started a session")
	}
	c := authCookie(res, "fascicle_two_step")
	if c == nil || c.Value == "" || !c.HttpOnly || c.MaxAge != 300 {
		t.Fatalf("half-finished sign-in cookie = %+v", c)
	}
	return c
}

// codeStep sends code for the half-finished sign-in of challenge.
func (s *site) codeStep(t testing.TB, challenge *http.Cookie, code string) *response {
	t.Helper()
	return s.postForm(t, "/admin/login/code", url.Values{"code": {code}}, challenge)
}

// sessionOf returns the session cookie a response set, failing if it set none.
func sessionOf(t testing.TB, res *response) *http.Cookie {
	t.Helper()
	c := authCookie(res, "fascicle_session")
	if c == nil || c.Value == "" {
		t.Fatalf("no session cookie; status %d, Set-Cookie %q", res.Code, res.Header.Values("Set-Cookie"))
	}
	return c
}

// Ensure a person sets up two-step sign-in from a QR code drawn by the site and the
// secret as text, that a wrong code leaves it off, that a right one turns it on and
// shows ten recovery codes stored only as hashes, and that sign-in then takes the
// password and, on a second form, a code made from the secret, each code once.
func TestTwoStep_SetUpAndSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleEditor)
	cookie := s.signIn(t, u)

	page := s.getAs(t, cookie, "/admin/account/2fa").wantStatus(http.StatusOK).
		wantContains("<h1>Set up two-step <span class=\"nowrap\">sign-in</span></h1>", `<img class="two-step-qr" src="/admin/account/2fa/qr.png"`,
			`id="totp-secret"`, `name="code"`, `action="/admin/account/2fa"`).
		wantNotContains("data:", "otpauth://", "api.qrserver", "chart.googleapis")
	secret := html.UnescapeString(shownSecret.FindStringSubmatch(page.Body)[1])
	if plain := strings.ReplaceAll(secret, " ", ""); len(plain) != 32 {
		t.Errorf("secret %q: want 32 base32 characters (160 bits)", plain)
	}
	// Reloading shows the same secret, so that a code already scanned keeps working.
	if again := s.getAs(t, cookie, "/admin/account/2fa"); !strings.Contains(again.Body, `id="totp-secret">`+secret+`<`) {
		t.Error("reloading the page shows another secret")
	}

	t.Run("QRCodeDrawnHere", func(t *testing.T) {
		res := s.getAs(t, cookie, "/admin/account/2fa/qr.png").wantStatus(http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		img, err := png.Decode(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 240 {
			t.Errorf("QR code is %dx%d, want 240x240", b.Dx(), b.Dy())
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") || strings.Contains(csp, "data:") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		s.get(t, "/admin/account/2fa/qr.png").wantStatus(http.StatusSeeOther) // staff only
	})

	t.Run("ErrWrongCode", func(t *testing.T) {
		wrong := totpCode(t, secret, s.clock().Add(-10*time.Minute))
		s.postForm(t, "/admin/account/2fa", url.Values{"code": {wrong}}, cookie).wantStatus(http.StatusUnprocessableEntity).
			wantContains("That code is not right. Enter the 6-digit code your authenticator app shows now for this site.", `id="totp-secret">`+secret+`<`).
			wantNotContains("Your recovery codes")
		if got := s.userField(t, u.ID, "CASE WHEN totp_enabled_at IS NOT NULL THEN 1 ELSE 0 END"); got != "0" {
			t.Fatal("a wrong code turned two-step sign-in on")
		}
	})

	setUp := s.enableTwoStep(t, cookie)
	if setUp.Secret != secret {
		t.Fatalf("the secret changed between the page and turning it on")
	}

	t.Run("StoredSafely", func(t *testing.T) {
		plain := strings.ReplaceAll(secret, " ", "")
		var sealed []byte
		if err := s.db.QueryRow(`SELECT totp_secret_enc FROM users WHERE id = ? AND totp_enabled_at IS NOT NULL
			AND totp_pending_enc IS NULL`, u.ID).Scan(&sealed); err != nil || len(sealed) == 0 || bytes.Contains(sealed, []byte(plain)) {
			t.Errorf("the secret is not stored encrypted, or the pending one was kept (%v)", err)
		}
		if n := s.count(t, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, u.ID); n != 10 {
			t.Errorf("%d recovery codes stored, want 10", n)
		}
		for _, c := range setUp.Codes {
			bare := strings.ReplaceAll(c, "-", "")
			if n := s.count(t, `SELECT count(*) FROM recovery_codes WHERE code_hash IN (?, ?)`, c, bare); n != 0 {
				t.Errorf("recovery code %s stored in clear", c)
			}
		}
		// The page no longer shows the secret, nor the recovery codes.
		s.getAs(t, cookie, "/admin/account/2fa").wantStatus(http.StatusOK).
			wantContains("On</strong>", "10 of 10 recovery codes are left", "Turn two-step sign-in off").
			wantNotContains(secret, `id="totp-secret"`, setUp.Codes[0])
		s.getAs(t, cookie, "/admin/account/2fa/qr.png").wantStatus(http.StatusNotFound)
		s.getAs(t, cookie, "/admin/account").wantContains("On</strong> since", "10 of 10 recovery codes left")
		s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusForbidden) // an editor
	})

	t.Run("PasswordThenCode", func(t *testing.T) {
		challenge := s.passwordStep(t, u)
		// The half-finished sign-in opens nothing.
		s.getAs(t, &http.Cookie{Name: "fascicle_session", Value: challenge.Value}, "/admin/").wantStatus(http.StatusSeeOther)
		s.getAs(t, challenge, "/admin/login/code").wantStatus(http.StatusOK).
			wantContains("<h1>Enter your code</h1>", `action="/admin/login/code"`, `name="code"`, `autocomplete="one-time-code"`)
		code := totpCode(t, secret, s.clock())
		res := s.codeStep(t, challenge, code).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/" {
			t.Errorf("Location = %q", loc)
		}
		if c := authCookie(res, "fascicle_two_step"); c == nil || c.MaxAge >= 0 {
			t.Errorf("the half-finished sign-in's cookie is not deleted: %+v", c)
		}
		session := sessionOf(t, res)
		s.getAs(t, session, "/admin/").wantStatus(http.StatusOK)

		// The same code again, within its 30 seconds, is refused.
		again := s.passwordStep(t, u)
		s.codeStep(t, again, code).wantStatus(http.StatusUnauthorized).
			wantContains("That code was already used", `action="/admin/login/code"`)
		if c := authCookie(s.codeStep(t, again, code), "fascicle_session"); c != nil {
			t.Error("a reused code started a session")
		}
		s.advance(30 * time.Second)
		res = s.codeStep(t, again, totpCode(t, secret, s.clock())).wantStatus(http.StatusSeeOther)
		sessionOf(t, res)
	})

	t.Run("ErrWrongCodeAtSignIn", func(t *testing.T) {
		s.advance(30 * time.Second)
		challenge := s.passwordStep(t, u)
		// Three tries: with the two reused codes above, this client reaches the
		// lock-out's limit exactly.
		for _, wrong := range []string{"000000", "not a code", totpCode(t, secret, s.clock().Add(-5*time.Minute))} {
			if wrong == totpCode(t, secret, s.clock()) {
				continue
			}
			res := s.codeStep(t, challenge, wrong).wantStatus(http.StatusUnauthorized).
				wantContains("That code is not right.").wantNotContains(secret)
			if c := authCookie(res, "fascicle_session"); c != nil {
				t.Errorf("code %q started a session", wrong)
			}
		}
	})

	t.Run("NothingSecretLogged", func(t *testing.T) {
		logs := s.logs.String()
		for _, secretText := range append([]string{secret, strings.ReplaceAll(secret, " ", "")}, setUp.Codes...) {
			if strings.Contains(logs, secretText) {
				t.Errorf("the log holds %q", secretText)
			}
		}
	})
}

// Ensure a recovery code signs in once instead of the app's code, typed in any case
// and with or without its hyphens, and is refused with its own message when used
// again.
func TestTwoStep_RecoveryCode(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAuthor)
	setUp := s.enableTwoStep(t, s.signIn(t, u))
	first := setUp.Codes[3]

	res := s.codeStep(t, s.passwordStep(t, u), " "+strings.ToUpper(first)+" ").wantStatus(http.StatusSeeOther)
	session := sessionOf(t, res)
	s.getAs(t, session, "/admin/account").wantStatus(http.StatusOK).wantContains("9 of 10 recovery codes left")

	for _, replay := range []string{first, strings.ReplaceAll(first, "-", "")} {
		s.codeStep(t, s.passwordStep(t, u), replay).wantStatus(http.StatusUnauthorized).
			wantContains("That recovery code was already used").wantNotContains(first)
	}
	s.codeStep(t, s.passwordStep(t, u), "zzzz-zzzz-zzzz-zzzz").wantStatus(http.StatusUnauthorized).
		wantContains("That code is not right.")
	sessionOf(t, s.codeStep(t, s.passwordStep(t, u), setUp.Codes[7]).wantStatus(http.StatusSeeOther))
	if n := s.count(t, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NOT NULL`, u.ID); n != 2 {
		t.Errorf("%d recovery codes used, want 2", n)
	}
	// Another account's recovery code opens nothing here.
	other := s.addUser(t, model.RoleAuthor)
	otherCodes := s.enableTwoStep(t, s.signIn(t, other)).Codes
	s.codeStep(t, s.passwordStep(t, u), otherCodes[0]).wantStatus(http.StatusUnauthorized).wantContains("That code is not right.")
}

// Ensure the half-finished sign-in ends after five minutes, and works only in the
// browser that gave the password: elsewhere, or later, the person gives their
// password again.
func TestTwoStep_HalfSignedInExpires(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleModerator)
	setUp := s.enableTwoStep(t, s.signIn(t, u))

	challenge := s.passwordStep(t, u)
	s.advance(5*time.Minute + time.Second)
	res := s.codeStep(t, challenge, totpCode(t, setUp.Secret, s.clock())).wantStatus(http.StatusUnauthorized).
		wantContains("Signing in took more than 5 minutes", `action="/admin/login"`, `name="password"`)
	if c := authCookie(res, "fascicle_session"); c != nil {
		t.Error("an expired sign-in started a session")
	}
	if c := authCookie(res, "fascicle_two_step"); c == nil || c.MaxAge >= 0 {
		t.Errorf("the expired sign-in's cookie is not deleted: %+v", c)
	}

	t.Run("OtherBrowser", func(t *testing.T) {
		s.advance(30 * time.Second)
		s.passwordStep(t, u)
		code := totpCode(t, setUp.Secret, s.clock())
		s.codeStep(t, nil, code).wantStatus(http.StatusUnauthorized).wantContains("Enter your email and password again.")
		s.codeStep(t, &http.Cookie{Name: "fascicle_two_step", Value: "forged"}, code).wantStatus(http.StatusUnauthorized).
			wantContains("Enter your email and password again.")
		s.get(t, "/admin/login/code").wantStatus(http.StatusSeeOther) // no half-finished sign-in here
	})

	t.Run("WithinFiveMinutes", func(t *testing.T) {
		s.advance(30 * time.Second)
		challenge := s.passwordStep(t, u)
		s.advance(4*time.Minute + 50*time.Second)
		sessionOf(t, s.codeStep(t, challenge, totpCode(t, setUp.Secret, s.clock())).wantStatus(http.StatusSeeOther))
	})
}

// Ensure wrong codes count towards the same lock-out as wrong passwords, that a right
// password does not clear them (so it buys no more guesses at codes), and that the
// answer to a wrong password is the same whether the account has two-step sign-in,
// has none, or does not exist.
func TestTwoStep_LockoutCountsCodes(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleEditor)
	plain := s.addUser(t, model.RoleEditor)
	setUp := s.enableTwoStep(t, s.signIn(t, u))

	t.Run("SamePasswordStep", func(t *testing.T) {
		var bodies []string
		for i, email := range []string{u.EmailAddress(), plain.EmailAddress(), "nobody@staff.example"} {
			res := s.authLogin(t, "198.51.100."+itoa(int64(i+1))+":1", url.Values{"email": {email}, "password": {"wrong password"}}).
				wantStatus(http.StatusUnauthorized)
			if c := authCookie(res, "fascicle_two_step"); c != nil {
				t.Errorf("a wrong password for %s set a half-finished sign-in", email)
			}
			bodies = append(bodies, strings.ReplaceAll(res.Body, html.EscapeString(email), "EMAIL"))
		}
		if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
			t.Error("a wrong password is answered differently for an account with two-step sign-in, without, or none")
		}
		// A right password is what clears those failures; here it does not, the
		// account having two-step sign-in.
	})

	challenge := s.passwordStep(t, u)
	for range 3 {
		s.codeStep(t, challenge, "000000").wantStatus(http.StatusUnauthorized)
	}
	// 1 wrong password above + 3 wrong codes; a right password clears none of them.
	challenge = s.passwordStep(t, u)
	s.codeStep(t, challenge, "000001").wantStatus(http.StatusUnauthorized)
	res := s.codeStep(t, challenge, totpCode(t, setUp.Secret, s.clock())).wantStatus(http.StatusTooManyRequests).
		wantContains("Too many failed sign-ins")
	if res.Header.Get("Retry-After") != "900" {
		t.Errorf("Retry-After = %q, want 900", res.Header.Get("Retry-After"))
	}
	if c := authCookie(res, "fascicle_session"); c != nil {
		t.Error("a locked-out sign-in started a session")
	}
	s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusTooManyRequests)

	// Once the window has passed, the right password and code sign in, and clear the
	// count.
	s.advance(15*time.Minute + time.Second)
	sessionOf(t, s.codeStep(t, s.passwordStep(t, u), totpCode(t, setUp.Secret, s.clock())).wantStatus(http.StatusSeeOther))
	if n := s.count(t, `SELECT count(*) FROM sign_in_failures WHERE subject LIKE 'account:%'`); n != 0 {
		t.Errorf("%d account failures left after signing in, want none", n)
	}
}

// Ensure an administrator can require two-step sign-in for chosen roles: a person of
// such a role without it is sent to set it up at sign-in and kept there, whatever
// staff page they ask for, until it is on; other roles go on as before, and the
// person cannot turn it off.
func TestTwoStep_RequiredForRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	editor := s.addUser(t, model.RoleEditor)
	author := s.addUser(t, model.RoleAuthor)
	editorBefore := s.signIn(t, editor)

	s.getAs(t, admin, "/admin/settings").wantStatus(http.StatusOK).
		wantContains(`name="two_step_roles" value="editor"`, "Require two-step sign-in")
	form := s.settingsForm(t, admin)
	form["two_step_roles"] = []string{"editor", "moderator"}
	s.postForm(t, "/admin/settings", form, admin).wantStatus(http.StatusSeeOther)
	s.getAs(t, admin, "/admin/settings").wantContains(`value="editor" checked`, `value="moderator" checked`).
		wantNotContains(`value="author" checked`)
	bad := s.settingsForm(t, admin)
	bad["two_step_roles"] = []string{"owner"}
	s.postForm(t, "/admin/settings", bad, admin).wantStatus(http.StatusUnprocessableEntity).wantContains("Choose roles from the list.")

	res := s.authLogin(t, "", url.Values{"email": {editor.EmailAddress()}, "password": {staffPassword}, "next": {"/admin/articles"}}).
		wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/account/2fa?required=1" {
		t.Errorf("sign-in sends the editor to %q, want the set-up page", loc)
	}
	cookie := sessionOf(t, res)
	for _, page := range []string{"/admin/", "/admin/articles", "/admin/comments", "/admin/account"} {
		for _, c := range []*http.Cookie{cookie, editorBefore} {
			res := s.getAs(t, c, page).wantStatus(http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != "/admin/account/2fa?required=1" {
				t.Errorf("%s sends to %q, want the set-up page", page, loc)
			}
		}
	}
	s.postForm(t, "/admin/comments/1/action/trash", url.Values{}, cookie).wantStatus(http.StatusSeeOther)
	if got := s.status(t, 1); got != "approved" {
		t.Errorf("a person who must set up two-step sign-in trashed a reply (now %q)", got)
	}
	s.getAs(t, cookie, "/admin/account/2fa?required=1").wantStatus(http.StatusOK).
		wantContains("Administrators require two-step sign-in for your role", `id="totp-secret"`)

	setUp := s.enableTwoStep(t, cookie)
	s.getAs(t, cookie, "/admin/articles").wantStatus(http.StatusOK)
	s.getAs(t, cookie, "/admin/account/2fa").wantStatus(http.StatusOK).
		wantContains("Administrators require two-step sign-in for your role, so it stays on.").
		wantNotContains(`action="/admin/account/2fa/disable"`)
	s.postForm(t, "/admin/account/2fa/disable", url.Values{"password": {staffPassword}}, cookie).
		wantStatus(http.StatusForbidden).wantContains("you cannot turn it off")
	if s.userField(t, editor.ID, "CASE WHEN totp_enabled_at IS NOT NULL THEN 1 ELSE 0 END") != "1" {
		t.Error("a required two-step sign-in was turned off")
	}
	sessionOf(t, s.codeStep(t, s.passwordStep(t, editor), totpCode(t, setUp.Secret, s.clock())).wantStatus(http.StatusSeeOther))

	// An author is not concerned.
	s.getAs(t, s.signIn(t, author), "/admin/articles").wantStatus(http.StatusOK)
}

// settingsForm returns the settings form's fields as the page shows them.
func (s *site) settingsForm(t testing.TB, cookie *http.Cookie) url.Values {
	t.Helper()
	page := s.getAs(t, cookie, "/admin/settings").wantStatus(http.StatusOK)
	for _, f := range func() []crawlForm { _, forms := crawlHTML(page.Body, "/admin/settings"); return forms }() {
		if f.Action == "/admin/settings" {
			return f.Fields
		}
	}
	t.Fatal("no settings form")
	return nil
}

// Ensure an administrator can reset someone's two-step sign-in, which is recorded;
// the person then signs in with the password alone. Nobody else may.
func TestTwoStep_AdminReset(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	adminUser := s.addUser(t, model.RoleAdmin)
	admin := s.signIn(t, adminUser)
	editorUser := s.addUser(t, model.RoleEditor)
	editor := s.signIn(t, editorUser)
	author := s.addUser(t, model.RoleAuthor)
	s.enableTwoStep(t, s.signIn(t, author))
	target := "/admin/users/" + itoa(author.ID) + "/two-step"

	s.getAs(t, admin, "/admin/users").wantStatus(http.StatusOK).wantContains(`<a href="` + target + `">on</a>`)
	s.getAs(t, admin, target).wantStatus(http.StatusOK).
		wantContains("Two-step sign-in of "+author.Name, "On</strong> since", `action="`+target+`/reset"`)
	s.getAs(t, editor, target).wantStatus(http.StatusForbidden)
	s.postForm(t, target+"/reset", url.Values{}, editor).wantStatus(http.StatusForbidden)
	if s.userField(t, author.ID, "CASE WHEN totp_enabled_at IS NOT NULL THEN 1 ELSE 0 END") != "1" {
		t.Fatal("an editor reset a second factor")
	}

	res := s.postForm(t, target+"/reset", url.Values{}, admin).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != target+"?done=two-step-reset" {
		t.Errorf("Location = %q", loc)
	}
	s.getAs(t, admin, target+"?done=two-step-reset").wantStatus(http.StatusOK).
		wantContains("Two-step sign-in is reset", "Off</strong>", "Earlier resets", "by "+adminUser.Name).
		wantNotContains(`action="` + target + `/reset"`)
	if n := s.count(t, `SELECT count(*) FROM two_step_resets WHERE user_id = ? AND reset_by = ? AND by_command_line = FALSE`, author.ID, adminUser.ID); n != 1 {
		t.Errorf("%d recorded resets, want 1", n)
	}
	if n := s.count(t, `SELECT count(*) FROM recovery_codes WHERE user_id = ?`, author.ID); n != 0 {
		t.Errorf("%d recovery codes left after the reset", n)
	}
	// The account's page lists it with its other changes.
	s.getAs(t, admin, "/admin/users/"+itoa(author.ID)).wantStatus(http.StatusOK).wantContains("Two-step sign-in reset")
	if n := s.count(t, `SELECT count(*) FROM users WHERE id = ? AND (totp_secret_enc IS NOT NULL OR totp_enabled_at IS NOT NULL)`, author.ID); n != 0 {
		t.Error("the secret is still stored")
	}
	// The password alone signs in now.
	res = s.authLogin(t, "", url.Values{"email": {author.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/" {
		t.Errorf("Location = %q", loc)
	}
	// A second reset changes nothing and records nothing.
	s.postForm(t, target+"/reset", url.Values{}, admin).wantStatus(http.StatusSeeOther)
	if n := s.count(t, `SELECT count(*) FROM two_step_resets`); n != 1 {
		t.Errorf("%d recorded resets after resetting what was off, want 1", n)
	}
	s.getAs(t, admin, "/admin/users/999999/two-step").wantStatus(http.StatusNotFound)
}

// Ensure a person turns their own two-step sign-in off only with their password or a
// current code, and that a wrong one changes nothing.
func TestTwoStep_TurnOff(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleReviewer)
	cookie := s.signIn(t, u)
	setUp := s.enableTwoStep(t, cookie)
	on := func() bool {
		return s.userField(t, u.ID, "CASE WHEN totp_enabled_at IS NOT NULL THEN 1 ELSE 0 END") == "1"
	}

	for _, tt := range []struct {
		Name    string
		Form    url.Values
		Status  int
		Message string
	}{
		{"ErrNothingTyped", url.Values{}, http.StatusUnprocessableEntity, "Enter your password, or a code from your authenticator app."},
		{"ErrWrongPassword", url.Values{"password": {"not my password"}}, http.StatusUnprocessableEntity, "That is not your current password."},
		{"ErrWrongCode", url.Values{"code": {"000000"}}, http.StatusUnauthorized, "That code is not right."},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			s.postForm(t, "/admin/account/2fa/disable", tt.Form, cookie).wantStatus(tt.Status).wantContains(tt.Message, "On</strong>")
			if !on() {
				t.Fatal("turned off without proof")
			}
		})
	}

	res := s.postForm(t, "/admin/account/2fa/disable", url.Values{"code": {totpCode(t, setUp.Secret, s.clock())}}, cookie).
		wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/account/2fa?done=two-step-off" {
		t.Errorf("Location = %q", loc)
	}
	if on() {
		t.Fatal("a right code did not turn it off")
	}
	s.getAs(t, cookie, "/admin/account/2fa?done=two-step-off").wantContains("Two-step sign-in is off.", "<h1>Set up two-step <span class=\"nowrap\">sign-in</span></h1>").
		wantNotContains(setUp.Secret)

	s.enableTwoStep(t, cookie)
	s.postForm(t, "/admin/account/2fa/disable", url.Values{"password": {staffPassword}}, cookie).wantStatus(http.StatusSeeOther)
	if on() {
		t.Fatal("the password did not turn it off")
	}
	if n := s.count(t, `SELECT count(*) FROM recovery_codes WHERE user_id = ?`, u.ID); n != 0 {
		t.Errorf("%d recovery codes kept after turning it off", n)
	}
	res = s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/" {
		t.Errorf("after turning it off, sign-in goes to %q", loc)
	}
}

// Ensure the page asked for before signing in is opened after the code, as after a
// password alone, and that an address on another site is dropped on the way.
func TestTwoStep_NextKept(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleEditor)
	setUp := s.enableTwoStep(t, s.signIn(t, u))
	for _, tt := range []struct{ Name, Next, Code, Want string }{
		{"Local", "/admin/articles", "/admin/login/code?next=%2Fadmin%2Farticles", "/admin/articles"},
		{"ErrOtherSite", "https://evil.example/admin/", "/admin/login/code", "/admin/"},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			res := s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}, "next": {tt.Next}}).
				wantStatus(http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != tt.Code {
				t.Fatalf("after the password, Location = %q, want %q", loc, tt.Code)
			}
			challenge := authCookie(res, "fascicle_two_step")
			page := s.getAs(t, challenge, tt.Code).wantStatus(http.StatusOK).wantNotContains("evil.example")
			form := url.Values{"code": {totpCode(t, setUp.Secret, s.clock())}}
			if tt.Next == "/admin/articles" {
				page.wantContains(`name="next" value="/admin/articles"`)
			}
			form.Set("next", tt.Next)
			res = s.postForm(t, "/admin/login/code", form, challenge).wantStatus(http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != tt.Want {
				t.Errorf("after the code, Location = %q, want %q", loc, tt.Want)
			}
			s.advance(30 * time.Second)
		})
	}
}
