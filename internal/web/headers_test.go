package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// sweptResponse is one answer of the header sweep, with what was asked.
type sweptResponse struct {
	Label  string // method, address and who asked
	Public bool   // asked anonymously for a public page
	Res    *response
}

// sweepSite is a site, over HTTP or HTTPS, and a signed-in administrator's cookie.
type sweepSite struct {
	*site
	https  bool
	cookie string // the session cookie's name
	admin  *http.Cookie
}

// twoStepCookie is the name of the cookie of a half-finished two-step sign-in.
func (w *sweepSite) twoStepCookie() string {
	return strings.Replace(w.cookie, "session", "two_step", 1)
}

func newSweepSite(t testing.TB, https bool) *sweepSite {
	t.Helper()
	w := &sweepSite{https: https, cookie: "fascicle_session"}
	if https {
		w.site = newSiteWith(t, func(o *web.Options) { o.Secure = true; o.PublicURL = "https://fascicle.test" })
		w.cookie = "__Host-fascicle_session"
	} else {
		w.site = newSite(t)
	}
	w.admin = w.signInAs(t, w.addUser(t, model.RoleAdmin), nil)
	return w
}

// signInAs signs u in through the form, sending planted (if any) as the browser's
// current session cookie, and returns the session cookie issued.
func (w *sweepSite) signInAs(t testing.TB, u *model.User, planted *http.Cookie) *http.Cookie {
	t.Helper()
	var cookies []*http.Cookie
	if planted != nil {
		cookies = append(cookies, planted)
	}
	res := w.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}, cookies...)
	res.wantStatus(http.StatusSeeOther)
	c := authCookie(res, w.cookie)
	if c == nil || c.Value == "" {
		t.Fatalf("sign-in set no %s cookie; Set-Cookie: %q", w.cookie, res.Header.Values("Set-Cookie"))
	}
	return c
}

// sweep returns every answer the header checks look at: every page a reader and an
// administrator reach by following links (public pages twice, for the cached copy,
// and once more for the 304), and every kind of error and redirect.
func (w *sweepSite) sweep(t testing.TB) []sweptResponse {
	t.Helper()
	var out []sweptResponse
	add := func(label string, public bool, res *response) {
		out = append(out, sweptResponse{Label: label, Public: public, Res: res})
	}
	send := func(t testing.TB, method, target, body string, cookie *http.Cookie, header map[string]string) *response {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		return w.do(t, req)
	}

	for _, p := range w.crawl(t, nil, "/", "/robots.txt", "/admin/").Pages {
		public := !strings.HasPrefix(p.URL, "/admin")
		add("GET "+p.URL+" (reader)", public, &response{t: t, Code: p.Code, Header: p.Header, Body: p.Body})
		if public && p.Code == http.StatusOK {
			again := send(t, http.MethodGet, p.URL, "", nil, map[string]string{"Accept-Encoding": "gzip"})
			add("GET "+p.URL+" (reader, again, gzip)", true, again)
			if etag := again.Header.Get("ETag"); etag != "" {
				add("GET "+p.URL+" (reader, If-None-Match)", true, send(t, http.MethodGet, p.URL, "", nil, map[string]string{"If-None-Match": etag}))
			}
			add("HEAD "+p.URL+" (reader)", true, send(t, http.MethodHead, p.URL, "", nil, nil))
		}
	}
	for _, p := range w.crawl(t, w.admin, "/admin/").Pages {
		add("GET "+p.URL+" (administrator)", false, &response{t: t, Code: p.Code, Header: p.Header, Body: p.Body})
	}

	moderator := w.signInAs(t, w.addUser(t, model.RoleModerator), nil)
	editor := w.addUser(t, model.RoleEditor)
	signIn := send(t, http.MethodPost, "/admin/login", url.Values{"email": {editor.EmailAddress()}, "password": {staffPassword}}.Encode(), nil, nil)
	add("POST /admin/login (sign-in)", false, signIn)
	editorCookie := authCookie(signIn, w.cookie)
	if editorCookie == nil {
		t.Fatalf("sign-in set no %s cookie", w.cookie)
	}
	// The password of an account with two-step sign-in sets the cookie of the
	// half-finished sign-in instead of a session.
	twoStep := w.addUser(t, model.RoleAuthor)
	w.exec(t, `UPDATE users SET totp_enabled_at = ? WHERE id = ?`, w.clock().UTC(), twoStep.ID)
	password := send(t, http.MethodPost, "/admin/login", url.Values{"email": {twoStep.EmailAddress()}, "password": {staffPassword}}.Encode(), nil, nil)
	if password.Code != http.StatusSeeOther || authCookie(password, w.twoStepCookie()) == nil {
		t.Fatalf("the password of a two-step account answers %d, Set-Cookie %q", password.Code, password.Header.Values("Set-Cookie"))
	}
	add("POST /admin/login (password of a two-step account)", false, password)
	invalid := validReply()
	invalid.Set("email", "not an email")
	duplicate := validReply()
	duplicate.Set("form_shown", w.formStamp(t, articlePath))
	w.advance(20 * time.Second)
	add("POST reply (303)", false, send(t, http.MethodPost, articlePath+"/comments", duplicate.Encode(), nil, nil))
	w.advance(20 * time.Second)
	add("POST reply again (409)", false, send(t, http.MethodPost, articlePath+"/comments", duplicate.Encode(), nil, nil))
	for _, e := range []struct {
		label, method, target, body string
		cookie                      *http.Cookie
		header                      map[string]string
		want                        int
	}{
		{"unknown page", http.MethodGet, "/no-such-page", "", nil, nil, http.StatusNotFound},
		{"unknown article", http.MethodGet, "/articles/no-such-article", "", nil, nil, http.StatusNotFound},
		{"unknown staff page", http.MethodGet, "/admin/comments/999999/edit", "", w.admin, nil, http.StatusNotFound},
		{"public method", http.MethodDelete, articlePath, "", nil, nil, http.StatusMethodNotAllowed},
		{"staff method", http.MethodPut, "/admin/", "", w.admin, nil, http.StatusMethodNotAllowed},
		{"reply too large", http.MethodPost, articlePath + "/comments", "comment=" + strings.Repeat("a", web.MaxRequestBody), nil, nil, http.StatusRequestEntityTooLarge},
		{"staff form too large", http.MethodPost, "/admin/settings", "x=" + strings.Repeat("a", web.MaxRequestBody), w.admin, nil, http.StatusRequestEntityTooLarge},
		{"reply refused", http.MethodPost, articlePath + "/comments", invalid.Encode(), nil, nil, http.StatusUnprocessableEntity},
		{"reply unreadable", http.MethodPost, articlePath + "/comments", "comment=%zz", nil, nil, http.StatusBadRequest},
		{"cross-site reply", http.MethodPost, articlePath + "/comments", validReply().Encode(), nil, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"role refused", http.MethodGet, "/admin/settings", "", moderator, nil, http.StatusForbidden},
		{"sign-in refused", http.MethodPost, "/admin/login", "email=x%40example.com&password=wrong", nil, nil, http.StatusUnauthorized},
		{"signed out", http.MethodGet, "/admin/comments", "", nil, nil, http.StatusSeeOther},
		{"forged session", http.MethodGet, "/admin/", "", &http.Cookie{Name: w.cookie, Value: "forged"}, nil, http.StatusSeeOther},
		{"setup refused", http.MethodGet, "/admin/setup?token=x", "", nil, nil, http.StatusGone},
		{"sign-out", http.MethodPost, "/admin/logout", "", editorCookie, nil, http.StatusSeeOther},
	} {
		res := send(t, e.method, e.target, e.body, e.cookie, e.header)
		if res.Code != e.want {
			t.Errorf("%s: %s %s answers %d, want %d; the sweep would miss that answer", e.label, e.method, e.target, res.Code, e.want)
		}
		add(fmt.Sprintf("%s %s (%s)", e.method, e.target, e.label), false, res)
	}
	return out
}

// Ensure every answer of the site, over HTTP and HTTPS, public or staff, page or
// error, cached or not, carries the security headers middleware.go promises: a strict
// Content-Security-Policy (scripts and styles only from the site, no inline script, no
// framing, no plugins, no <base>), nosniff, a referrer policy, frame denial, an opener
// policy, a permissions policy, HSTS exactly when served over HTTPS, each once; and
// that staff pages and errors are never stored by caches.
func TestHeaders_EveryResponse(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP", true: "HTTPS"}[https], func(t *testing.T) {
			t.Parallel()
			w := newSweepSite(t, https)
			swept := w.sweep(t)
			if len(swept) < 100 {
				t.Fatalf("the sweep saw only %d answers", len(swept))
			}
			for _, r := range swept {
				for _, problem := range securityHeaderProblems(r.Res.Header, https) {
					t.Errorf("%s, status %d: %s", r.Label, r.Res.Code, problem)
				}
				cacheControl := r.Res.Header.Get("Cache-Control")
				staffPage := strings.Contains(r.Label, " /admin")
				if (staffPage || r.Res.Code >= 400) && !strings.Contains(cacheControl, "no-store") {
					t.Errorf("%s, status %d: Cache-Control %q; staff pages and errors must be no-store", r.Label, r.Res.Code, cacheControl)
				}
				if staffPage && r.Res.Header.Get("X-Robots-Tag") != "noindex, nofollow" && !strings.Contains(r.Res.Body, `<meta name="robots" content="noindex`) {
					t.Errorf("%s, status %d: neither X-Robots-Tag (%q) nor the page keeps it out of search engines", r.Label, r.Res.Code, r.Res.Header.Get("X-Robots-Tag"))
				}
				if r.Res.Body != "" && r.Res.Header.Get("Content-Type") == "" {
					t.Errorf("%s: a body without a Content-Type, which the browser would have to guess", r.Label)
				}
				if ct := r.Res.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") && !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
					t.Errorf("%s: Content-Type %q without charset=utf-8", r.Label, ct)
				}
			}
		})
	}
}

// securityHeaderProblems lists what is missing or weak in the headers of an answer.
func securityHeaderProblems(h http.Header, https bool) []string {
	var problems []string
	once := func(name string) string {
		if n := len(h.Values(name)); n != 1 {
			problems = append(problems, fmt.Sprintf("%s sent %d times, want once", name, n))
		}
		return h.Get(name)
	}
	csp := map[string][]string{}
	for _, directive := range strings.Split(once("Content-Security-Policy"), ";") {
		if fields := strings.Fields(directive); len(fields) > 0 {
			csp[strings.ToLower(fields[0])] = fields[1:]
		}
	}
	for directive, want := range map[string][]string{
		"default-src":     {"'self'"},
		"script-src":      {"'self'"},
		"style-src":       {"'self'"},
		"object-src":      {"'none'"},
		"base-uri":        {"'none'"},
		"frame-ancestors": {"'none'"},
		"form-action":     {"'self'"},
	} {
		if got, ok := csp[directive]; !ok || !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("Content-Security-Policy %s is %q, want %q", directive, got, want))
		}
	}
	for directive, sources := range csp {
		for _, source := range sources {
			switch strings.ToLower(source) {
			case "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:", "blob:", "http:", "https:", "'strict-dynamic'":
				problems = append(problems, fmt.Sprintf("Content-Security-Policy %s allows %s", directive, source))
			}
		}
	}
	if got := once("X-Content-Type-Options"); got != "nosniff" {
		problems = append(problems, fmt.Sprintf("X-Content-Type-Options %q", got))
	}
	if got := once("Referrer-Policy"); !slices.Contains([]string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}, got) {
		problems = append(problems, fmt.Sprintf("Referrer-Policy %q leaks addresses to other sites", got))
	}
	if got := once("X-Frame-Options"); got != "DENY" {
		problems = append(problems, fmt.Sprintf("X-Frame-Options %q", got))
	}
	if got := once("Cross-Origin-Opener-Policy"); got != "same-origin" {
		problems = append(problems, fmt.Sprintf("Cross-Origin-Opener-Policy %q", got))
	}
	permissions := once("Permissions-Policy")
	for _, feature := range []string{"camera=()", "microphone=()", "geolocation=()"} {
		if !slices.Contains(strings.Split(strings.ReplaceAll(permissions, " ", ""), ","), feature) {
			problems = append(problems, fmt.Sprintf("Permissions-Policy %q lacks %s", permissions, feature))
		}
	}
	hsts := h.Values("Strict-Transport-Security")
	switch {
	case !https && len(hsts) > 0:
		problems = append(problems, fmt.Sprintf("Strict-Transport-Security %q on a site served over HTTP", hsts))
	case https:
		value := once("Strict-Transport-Security")
		maxAge := -1
		for _, part := range strings.Split(value, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
				maxAge, _ = strconv.Atoi(v)
			}
		}
		if maxAge < 31536000 || !strings.Contains(value, "includeSubDomains") {
			problems = append(problems, fmt.Sprintf("Strict-Transport-Security %q, want a year or more with includeSubDomains", value))
		}
	}
	return problems
}

// Ensure every cookie the site sets, on any answer over HTTP or HTTPS, is HttpOnly,
// SameSite, for the whole site and no other host, Secure (with the __Host- prefix)
// exactly when served over HTTPS, and holds no email; that a reader's public pages set
// no cookie at all, as they are cached and shared; and that an answer setting a cookie
// is never stored by a shared cache.
func TestCookies_EveryResponse(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP", true: "HTTPS"}[https], func(t *testing.T) {
			t.Parallel()
			w := newSweepSite(t, https)
			cookies := 0
			for _, r := range w.sweep(t) {
				set := (&http.Response{Header: r.Res.Header}).Cookies()
				if r.Public && len(set) > 0 {
					t.Errorf("%s: a public page sets cookies %q", r.Label, r.Res.Header.Values("Set-Cookie"))
				}
				if len(set) > 0 {
					if cc := r.Res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private") {
						t.Errorf("%s: sets a cookie with Cache-Control %q", r.Label, cc)
					}
				}
				for _, c := range set {
					cookies++
					if c.Name != w.cookie && c.Name != w.twoStepCookie() || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode ||
						c.Path != "/" || c.Domain != "" || c.Secure != https || strings.Contains(c.Value, "@") {
						t.Errorf("%s: cookie %s (HttpOnly %v, SameSite %v, Path %q, Domain %q, Secure %v); want %s or %s, HttpOnly, SameSite, Path /, no Domain, Secure %v",
							r.Label, c.Name, c.HttpOnly, c.SameSite, c.Path, c.Domain, c.Secure, w.cookie, w.twoStepCookie(), https)
					}
				}
			}
			if cookies < 3 {
				t.Errorf("the sweep saw only %d cookies (sign-ins, sign-out, forged session); the check proves little", cookies)
			}
		})
	}
}

// staffPages returns the addresses of the staff pages an administrator reaches, and
// the staff forms found on them.
func (w *sweepSite) staffPages(t testing.TB) ([]string, []crawlForm) {
	t.Helper()
	result := w.crawl(t, w.admin, "/admin/")
	var pages []string
	for _, p := range result.Pages {
		if strings.HasPrefix(p.URL, "/admin") && p.Code == http.StatusOK {
			pages = append(pages, p.URL)
		}
	}
	var forms []crawlForm
	for _, f := range result.Forms {
		if f.Method == http.MethodPost && strings.HasPrefix(f.Action, "/admin") && f.Action != "/admin/login" {
			forms = append(forms, f)
		}
	}
	if len(pages) < 20 || len(forms) < 10 {
		t.Fatalf("the administrator's crawl found %d pages and %d forms; the check would prove little", len(pages), len(forms))
	}
	return pages, forms
}

// wantRefusedEverywhere fails the test unless cookie opens no staff page and sends no
// staff form: each answer is the way to sign in (or, for the editor, the form kept
// with a request to sign in again), the cookie is deleted, and nothing changes.
func (w *sweepSite) wantRefusedEverywhere(t testing.TB, what string, cookie *http.Cookie, pages []string, forms []crawlForm) {
	t.Helper()
	before := w.contentSnapshot(t)
	for _, page := range pages {
		res := w.getAs(t, cookie, page)
		if loc := res.Header.Get("Location"); res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login") {
			t.Errorf("%s opens %s: status %d, Location %q", what, page, res.Code, loc)
		}
		if c := authCookie(res, w.cookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("%s on %s: the cookie is not deleted (%v)", what, page, c)
		}
	}
	for _, f := range forms {
		res := w.postForm(t, f.Action, f.Fields, cookie)
		loc := res.Header.Get("Location")
		signIn := res.Code == http.StatusSeeOther && strings.HasPrefix(loc, "/admin/login")
		editorKept := res.Code == http.StatusUnauthorized && strings.Contains(res.Body, "Your session has ended")
		if !signIn && !editorKept {
			t.Errorf("%s sends the form of %s to %s: status %d, Location %q", what, f.Page, f.Action, res.Code, loc)
		}
	}
	if w.contentSnapshot(t) != before {
		t.Errorf("%s changed the content through a staff form", what)
	}
}

// Ensure a session token is worth nothing once its session has ended or if it never
// existed: after sign-out, after signing in again (a new token every time), and when
// forged, the old token opens no staff page and sends no staff form, over HTTP and
// HTTPS; and that the newest token opens them all.
func TestSession_OldTokensOpenNothing(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP", true: "HTTPS"}[https], func(t *testing.T) {
			t.Parallel()
			w := newSweepSite(t, https)
			pages, forms := w.staffPages(t)
			u := w.addUser(t, model.RoleAdmin)

			t.Run("Forged", func(t *testing.T) {
				w.wantRefusedEverywhere(t, "a forged token", &http.Cookie{Name: w.cookie, Value: "forged-" + strings.Repeat("0", 40)}, pages, forms)
			})
			t.Run("SignedOut", func(t *testing.T) {
				cookie := w.signInAs(t, u, nil)
				w.postForm(t, "/admin/logout", nil, cookie).wantStatus(http.StatusSeeOther)
				if n := w.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ?`, auth.TokenHash(cookie.Value)); n != 0 {
					t.Errorf("the session is still stored after sign-out")
				}
				w.wantRefusedEverywhere(t, "a signed-out token", cookie, pages, forms)
			})
			t.Run("EverySignInANewToken", func(t *testing.T) {
				var tokens []*http.Cookie
				var previous *http.Cookie
				for range 5 {
					previous = w.signInAs(t, u, previous)
					for _, old := range tokens {
						if old.Value == previous.Value {
							t.Fatalf("sign-in issued token %q again", old.Value)
						}
					}
					tokens = append(tokens, previous)
				}
				for i, old := range tokens[:len(tokens)-1] {
					w.wantRefusedEverywhere(t, fmt.Sprintf("the token of sign-in %d of 5", i+1), old, pages, forms)
				}
				newest := tokens[len(tokens)-1]
				for _, page := range pages {
					if res := w.getAs(t, newest, page); res.Code != http.StatusOK {
						t.Errorf("the newest token opens %s with status %d", page, res.Code)
					}
				}
			})
		})
	}
}

// Ensure a session token planted in the browser before sign-in (session fixation) is
// not the one in use after it, over HTTPS (where the cookie has the __Host- prefix)
// and through the set-up form that creates the first administrator, which signs in
// too.
func TestSession_FixationEverySignIn(t *testing.T) {
	t.Parallel()
	t.Run("HTTPS", func(t *testing.T) {
		t.Parallel()
		w := newSweepSite(t, true)
		planted := &http.Cookie{Name: w.cookie, Value: "planted-by-someone-else"}
		issued := w.signInAs(t, w.addUser(t, model.RoleEditor), planted)
		if issued.Value == planted.Value {
			t.Fatal("sign-in kept the planted token")
		}
		w.getAs(t, issued, "/admin/").wantStatus(http.StatusOK)
		w.getAs(t, planted, "/admin/").wantStatus(http.StatusSeeOther)
		if n := w.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ?`, auth.TokenHash(planted.Value)); n != 0 {
			t.Error("the planted token became a session")
		}
	})
	t.Run("Setup", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		token := s.authSetupToken(t)
		planted := &http.Cookie{Name: "fascicle_session", Value: "planted-by-someone-else"}
		form := url.Values{"token": {token}, "name": {"Ada Admin"}, "email": {"ada@fascicle.example"},
			"password": {"lantern moss quietly"}, "password_confirm": {"lantern moss quietly"}}
		res := s.postForm(t, "/admin/setup", form, planted).wantStatus(http.StatusSeeOther)
		issued := authCookie(res, "fascicle_session")
		if issued == nil || issued.Value == "" || issued.Value == planted.Value {
			t.Fatalf("set-up issued %v; planted %q", issued, planted.Value)
		}
		s.getAs(t, issued, "/admin/").wantStatus(http.StatusOK)
		s.getAs(t, planted, "/admin/").wantStatus(http.StatusSeeOther)
		if n := s.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ?`, auth.TokenHash(planted.Value)); n != 0 {
			t.Error("the planted token became a session")
		}
	})
}
