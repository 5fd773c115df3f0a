package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// anyOf joins permissions as "a|b", any of which lets a role in; "" is any staff member.
func anyOf(perms []model.Permission) model.Permission {
	names := make([]string, len(perms))
	for i, p := range perms {
		names[i] = string(p)
	}
	return model.Permission(strings.Join(names, "|"))
}

// roleMay reports whether role has perm, or any of "a|b".
func roleMay(role model.Role, perm model.Permission) bool {
	if perm == "" {
		return true
	}
	for _, p := range strings.Split(string(perm), "|") {
		if role.Can(model.Permission(p)) {
			return true
		}
	}
	return false
}

// narrowed is what a handler needs for the demo article (written by someone else) when
// it narrows its route's permissions: an author may open only their own articles.
var narrowed = map[string]model.Permission{
	"GET /admin/articles/new":                         model.PermEditOwnArticles,
	"POST /admin/articles/new":                        model.PermEditOwnArticles,
	"GET /admin/articles/:id":                         model.PermEditAllArticles + "|" + model.PermReviewArticles,
	"GET /admin/articles/:id/edit":                    model.PermEditAllArticles,
	"POST /admin/articles/:id/edit":                   model.PermEditAllArticles,
	"POST /admin/articles/:id/status":                 model.PermEditAllArticles,
	"POST /admin/articles/:id/review":                 model.PermReviewArticles,
	"GET /admin/articles/:id/revisions":               model.PermEditAllArticles + "|" + model.PermReviewArticles,
	"GET /admin/articles/:id/revisions/diff":          model.PermEditAllArticles + "|" + model.PermReviewArticles,
	"GET /admin/articles/:id/revisions/:rev/restore":  model.PermEditAllArticles,
	"POST /admin/articles/:id/revisions/:rev/restore": model.PermEditAllArticles,
}

// openStaffRoutes are the staff routes anyone may reach: they are how one signs in, or
// gets a password to sign in with.
var openStaffRoutes = []string{"GET /admin/login", "POST /admin/login", "GET /admin/login/code", "POST /admin/login/code",
	"POST /admin/logout", "GET /admin/setup", "POST /admin/setup", "GET /admin/profile",
	"GET /admin/password-reset", "POST /admin/password-reset", "GET /admin/password-reset/confirm", "POST /admin/password-reset/confirm",
	"GET /admin/invitation", "POST /admin/invitation"}

// Ensure the server answers exactly the declared route table, that every route under
// /admin/ is a staff route, and that only the ways to sign in are open to anyone.
func TestRouteTable_GuardsEveryStaffRoute(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	declared := map[string]web.Route{}
	for _, r := range web.RouteTable {
		declared[r.Method+" "+r.Path] = r
		admin := strings.HasPrefix(r.Path, "/admin")
		switch {
		case admin && r.Access == web.Public:
			t.Errorf("%s %s is under /admin/ but public", r.Method, r.Path)
		case !admin && r.Access != web.Public:
			t.Errorf("%s %s is a staff route outside /admin/", r.Method, r.Path)
		case r.Access == web.Open && !slices.Contains(openStaffRoutes, r.Method+" "+r.Path):
			t.Errorf("%s %s needs no permission; guard it, or add it to openStaffRoutes if it must be open", r.Method, r.Path)
		case r.KeepsForm != nil && r.Method != http.MethodPost:
			t.Errorf("%s %s keeps a form, but only a POST sends one", r.Method, r.Path)
		}
		if _, ok := narrowed[r.Method+" "+r.Path]; ok && r.Access != web.Staff {
			t.Errorf("%s %s narrows a permission it does not require", r.Method, r.Path)
		}
	}
	for _, open := range openStaffRoutes {
		if r, ok := declared[open]; !ok || r.Access != web.Open {
			t.Errorf("%s is not declared open to anyone", open)
		}
	}
	registered := s.handler.(*web.Server).RegisteredRoutes()
	if len(registered) < len(web.RouteTable) {
		t.Fatalf("the server registers %d routes, fewer than the %d declared", len(registered), len(web.RouteTable))
	}
	for _, r := range registered {
		key := r.Method + " " + r.Path
		if r.Method == http.MethodHead {
			key = http.MethodGet + " " + r.Path
		}
		if _, ok := declared[key]; !ok {
			t.Errorf("the server answers %s %s, which the route table does not declare", r.Method, r.Path)
		}
	}
}

// Ensure every form of the article editor, new or stored, posts to a route that keeps
// what was typed when the session has ended: an article is hours of work.
func TestRouteTable_EditorFormsKeepWork(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	keeps := map[string]bool{}
	for _, r := range web.RouteTable {
		keeps[r.Method+" "+r.Path] = r.KeepsForm != nil
	}
	routes := declaredRoutes(t)
	forms := 0
	for _, page := range []string{"/admin/articles/new", "/admin/articles/1/edit"} {
		res := s.getAs(t, cookie, page).wantStatus(http.StatusOK)
		_, found := crawlHTML(res.Body, page)
		for _, f := range found {
			if f.Method != http.MethodPost || f.Fields.Get("title") == "" && !f.Fields.Has("title") {
				continue
			}
			forms++
			path, _, _ := strings.Cut(f.Action, "?")
			if pattern := matchRoute(routes, path); !keeps[f.Method+" "+pattern] {
				t.Errorf("the editor on %s posts to %s %s, which does not keep the form when the session has ended", page, f.Method, pattern)
			}
		}
	}
	if forms < 2 {
		t.Fatalf("found %d editor forms; the check would prove nothing", forms)
	}
}

// Ensure every staff route lets in exactly the roles that the role table (Role.Can)
// grants its permission, refuses other signed-in roles with 403, and sends anyone
// not signed in to the sign-in page.
func TestRoleTable(t *testing.T) {
	t.Parallel()
	roles := append([]model.Role{""}, model.Roles...) // "" is a visitor not signed in
	for _, role := range roles {
		name := string(role)
		if role == "" {
			name = "NotSignedIn"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A fresh site per role, as allowed actions change data.
			s := newSite(t)
			s.exec(t, `UPDATE comments SET status = 'pending' WHERE id = 1`)
			s.exec(t, `INSERT INTO revisions (id, article_id, version, created_at, status, title, slug, summary, body_markdown)
				SELECT 1, id, version, updated_at, status, title, slug, summary, body_markdown FROM articles WHERE id = 1
				ON CONFLICT DO NOTHING`)
			// A webhook to show and delete.
			if err := s.store.CreateWebhook(context.Background(), &model.Webhook{URL: "https://hooks.example.org/role-table",
				Secret: "a secret for the role table", Events: model.WebhookEvents, CreatedAt: s.clock()}); err != nil {
				t.Fatal(err)
			}
			// A ban to lift, as lifting one that is not there is 404 for everyone.
			s.exec(t, `INSERT INTO bans (id, kind, value, created_at) VALUES (1, 'email', 'role-table', '2026-01-01 00:00:00')`)
			var cookie *http.Cookie
			if role != "" {
				cookie = s.signIn(t, s.addUser(t, role))
			}
			// Account 1 is a person named on articles, who has no account page.
			account := strconv.FormatInt(s.addUser(t, model.RoleAuthor).ID, 10)
			for _, r := range web.RouteTable {
				if r.Access != web.Staff {
					continue
				}
				id := "1"
				if strings.HasPrefix(r.Path, "/admin/users/") {
					id = account
				}
				target := strings.NewReplacer(":id", id, ":action", "approve", ":rev", "1").Replace(r.Path)
				if strings.HasSuffix(target, "/diff") {
					target += "?from=1&to=1"
				}
				if strings.HasSuffix(target, "/bans/new") {
					target += "?comment=1"
				}
				need := anyOf(r.Perms)
				if narrow, ok := narrowed[r.Method+" "+r.Path]; ok {
					need = narrow
				}
				t.Run(r.Method+" "+r.Path, func(t *testing.T) {
					var res *response
					if r.Method == http.MethodGet {
						res = s.getAs(t, cookie, target)
					} else {
						res = s.postForm(t, target, url.Values{"title": {"Typed before the session ended"}, "name": {"Typed before the session ended"}, "version": {"1"}}, cookie)
					}
					loc := res.Header.Get("Location")
					allowed := role != "" && roleMay(role, need)
					switch {
					case role == "" && r.KeepsForm != nil:
						// The form keeps the work of someone whose session ended.
						res.wantStatus(http.StatusUnauthorized).
							wantContains("Your session has ended", `value="Typed before the session ended"`).
							wantNotContains("Understanding Involuntary")
					case role == "":
						want := "/admin/login"
						if r.Method == http.MethodGet {
							want += "?next=" + url.QueryEscape(target)
						}
						res.wantStatus(http.StatusSeeOther)
						if loc != want {
							t.Errorf("Location = %q, want %q", loc, want)
						}
					case allowed:
						if res.Code == http.StatusForbidden || res.Code == http.StatusUnauthorized ||
							res.Code == http.StatusNotFound || res.Code >= 500 || strings.HasPrefix(loc, "/admin/login") {
							t.Fatalf("%s may %q, but got status %d, Location %q; body:\n%.1000s", role, need, res.Code, loc, res.Body)
						}
						if r.Method == http.MethodGet {
							res.wantStatus(http.StatusOK).wantNotContains("Not allowed")
						}
					default:
						res.wantStatus(http.StatusForbidden).
							wantContains("Not allowed", "Your account ("+role.Label()+") cannot").
							wantNotContains("priya.n@example.com", `name="hold_links"`, `name="password"`)
						if loc != "" {
							t.Errorf("a refused request redirects to %q", loc)
						}
					}
				})
			}

			// The requests above that change data took effect only where allowed.
			canModerate := role != "" && role.Can(model.PermModerateComments)
			wantStatus := map[bool]string{true: "approved", false: "pending"}[canModerate]
			if got := s.status(t, 1); got != wantStatus {
				t.Errorf("reply 1 is %q after the requests, want %q", got, wantStatus)
			}
			wantOpen := map[bool]int{true: 0, false: 1}[canModerate]
			if got := s.count(t, `SELECT count(*) FROM articles WHERE id = 1 AND comments_open = TRUE`); got != wantOpen {
				t.Errorf("article 1 comments_open = %d, want %d", got, wantOpen)
			}
			wantBans := map[bool]int{true: 0, false: 1}[canModerate]
			if got := s.count(t, `SELECT count(*) FROM bans`); got != wantBans {
				t.Errorf("%d bans after the requests, want %d", got, wantBans)
			}
		})
	}
}

// Ensure a refused sign-in says only that the email or password is wrong, keeps the
// email in the form, and starts no session.
func TestSignIn_Refused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	noPassword := "no-password@staff.example"
	if err := s.store.CreateUser(context.Background(), &model.User{Name: "No Password", Email: &noPassword, Role: model.RoleAdmin}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		Name     string
		Email    string
		Password string
	}{
		{Name: "ErrWrongPassword", Email: u.EmailAddress(), Password: "correct horse battery stapler"},
		{Name: "ErrUnknownEmail", Email: "nobody@staff.example", Password: staffPassword},
		{Name: "ErrEmptyPassword", Email: u.EmailAddress(), Password: ""},
		{Name: "ErrAccountWithoutPassword", Email: noPassword, Password: ""},
	}
	for i, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			// A new client each time, so that the lock-out stays out of the way.
			res := s.authLogin(t, "198.51.100."+strconv.Itoa(i+1)+":4000", url.Values{"email": {tt.Email}, "password": {tt.Password}})
			res.wantStatus(http.StatusUnauthorized).
				wantContains("The email address or password is not right.", `value="`+tt.Email+`"`).
				wantNotContains("Too many", "Hello,", `value="`+tt.Password+`"`)
			if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("a refused sign-in sets cookies: %q", got)
			}
			if n := s.count(t, `SELECT count(*) FROM sessions`); n != 0 {
				t.Errorf("%d sessions after a refused sign-in", n)
			}
		})
	}
}

// Ensure a correct sign-in redirects to the dashboard with a session cookie that
// scripts cannot read and other sites do not send, and that only a hash of its token
// is stored.
func TestSignIn_SessionCookie(t *testing.T) {
	t.Parallel()
	t.Run("HTTP", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		u := s.addUser(t, model.RoleEditor)
		res := s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}})
		res.wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/" {
			t.Errorf("Location = %q, want /admin/", loc)
		}
		c := authCookie(res, "fascicle_session")
		if c == nil || c.Value == "" {
			t.Fatalf("no session cookie; Set-Cookie: %q", res.Header.Values("Set-Cookie"))
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.Domain != "" {
			t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v Domain=%q; want HttpOnly, Lax, /, not Secure, no Domain",
				c.HttpOnly, c.SameSite, c.Path, c.Secure, c.Domain)
		}
		if c.MaxAge != int(accounts.SessionLifetime.Seconds()) {
			t.Errorf("cookie Max-Age = %d, want %d", c.MaxAge, int(accounts.SessionLifetime.Seconds()))
		}
		if authCookie(res, "__Host-fascicle_session") != nil {
			t.Error("a __Host- cookie is set on a site served over HTTP")
		}
		if n := s.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ? AND user_id = ?`, auth.TokenHash(c.Value), u.ID); n != 1 {
			t.Errorf("%d sessions stored under the token's hash, want 1", n)
		}
		if n := s.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ?`, c.Value); n != 0 {
			t.Error("the session token is stored in clear")
		}
		if n := s.count(t, `SELECT count(*) FROM users WHERE id = ? AND last_sign_in_at IS NOT NULL`, u.ID); n != 1 {
			t.Error("the time of the sign-in was not recorded")
		}
		s.getAs(t, c, "/admin/").wantStatus(http.StatusOK).wantContains("Hello, Staff editor", "Sign out")
	})
	t.Run("HTTPS", func(t *testing.T) {
		t.Parallel()
		s := newSiteWith(t, func(o *web.Options) { o.Secure = true; o.PublicURL = "https://fascicle.test" })
		u := s.addUser(t, model.RoleEditor)
		res := s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}})
		res.wantStatus(http.StatusSeeOther)
		c := authCookie(res, "__Host-fascicle_session")
		if c == nil || c.Value == "" {
			t.Fatalf("no __Host- session cookie; Set-Cookie: %q", res.Header.Values("Set-Cookie"))
		}
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q; want Secure, HttpOnly, Lax, /, no Domain",
				c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain)
		}
		if authCookie(res, "fascicle_session") != nil {
			t.Error("the plain cookie name is set on a site served over HTTPS")
		}
		s.getAs(t, c, "/admin/").wantStatus(http.StatusOK).wantContains("Hello, Staff editor")
		// The same token under the plain name, which any subdomain could set, opens nothing.
		plain := &http.Cookie{Name: "fascicle_session", Value: c.Value}
		res = s.getAs(t, plain, "/admin/").wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2F" {
			t.Errorf("Location = %q, want the sign-in page", loc)
		}
	})
	t.Run("EmailInAnyCase", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		u := s.addUser(t, model.RoleAuthor)
		res := s.authLogin(t, "", url.Values{"email": {"  " + strings.ToUpper(u.EmailAddress()) + " "}, "password": {staffPassword}})
		res.wantStatus(http.StatusSeeOther)
		if authCookie(res, "fascicle_session") == nil {
			t.Error("no session cookie")
		}
	})
}

// Ensure the page asked for before signing in is opened after it, and that the
// sign-in form cannot send anyone to another site.
func TestSignIn_Next(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleModerator)
	tests := []struct {
		Name         string
		Next         string
		WantLocation string
	}{
		{Name: "Queue", Next: "/admin/comments", WantLocation: "/admin/comments"},
		{Name: "QueueWithQuery", Next: "/admin/comments?status=spam&page=2", WantLocation: "/admin/comments?status=spam&page=2"},
		{Name: "Empty", Next: "", WantLocation: "/admin/"},
		{Name: "ErrOtherSite", Next: "https://evil.example/", WantLocation: "/admin/"},
		{Name: "ErrOtherSiteAdminPath", Next: "https://evil.example/admin/", WantLocation: "/admin/"},
		{Name: "ErrSchemeRelative", Next: "//evil.example", WantLocation: "/admin/"},
		{Name: "ErrSchemeRelativeAdmin", Next: "//evil.example/admin", WantLocation: "/admin/"},
		{Name: "ErrBackslash", Next: `/admin\@evil.example`, WantLocation: "/admin/"},
		{Name: "ErrBackslashes", Next: `/\evil.example`, WantLocation: "/admin/"},
		{Name: "ErrJavaScript", Next: "javascript:alert(1)", WantLocation: "/admin/"},
		{Name: "ErrPublicPage", Next: "/articles/x", WantLocation: "/admin/"},
		{Name: "ErrHeaderInjection", Next: "/admin/\r\nSet-Cookie: x=1", WantLocation: "/admin/"},
	}
	for i, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			form := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}, "next": {tt.Next}}
			res := s.authLogin(t, "198.51.100."+strconv.Itoa(i+1)+":4000", form).wantStatus(http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != tt.WantLocation {
				t.Errorf("Location = %q, want %q", loc, tt.WantLocation)
			}
			if tt.WantLocation == "/admin/" {
				// The sign-in form does not carry such a next either.
				s.get(t, "/admin/login?next="+url.QueryEscape(tt.Next)).wantStatus(http.StatusOK).
					wantNotContains(`name="next"`, "evil.example")
			}
		})
	}

	t.Run("WholeWay", func(t *testing.T) {
		res := s.get(t, "/admin/comments?status=spam").wantStatus(http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if loc != "/admin/login?next=%2Fadmin%2Fcomments%3Fstatus%3Dspam" {
			t.Fatalf("Location = %q", loc)
		}
		s.get(t, loc).wantStatus(http.StatusOK).wantContains(`<input type="hidden" name="next" value="/admin/comments?status=spam">`)
		form := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}, "next": {"/admin/comments?status=spam"}}
		res = s.authLogin(t, "198.51.100.200:4000", form).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/comments?status=spam" {
			t.Errorf("after sign-in, Location = %q", loc)
		}
	})
	t.Run("AlreadySignedIn", func(t *testing.T) {
		cookie := s.signIn(t, u)
		for next, want := range map[string]string{"/admin/comments": "/admin/comments", "//evil.example": "/admin/", "https://evil.example/": "/admin/"} {
			res := s.getAs(t, cookie, "/admin/login?next="+url.QueryEscape(next)).wantStatus(http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != want {
				t.Errorf("next=%s: Location = %q, want %q", next, loc, want)
			}
		}
	})
}

// Ensure signing in always issues a new session token, and ends the session whose
// token the browser had, so that a token planted before sign-in is worth nothing.
func TestSession_Fixation(t *testing.T) {
	t.Parallel()
	t.Run("PlantedToken", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		u := s.addUser(t, model.RoleAdmin)
		planted := &http.Cookie{Name: "fascicle_session", Value: "planted-by-someone-else"}
		res := s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}, planted)
		res.wantStatus(http.StatusSeeOther)
		issued := authCookie(res, "fascicle_session")
		if issued == nil || issued.Value == "" || issued.Value == planted.Value {
			t.Fatalf("issued cookie %v, planted %q", issued, planted.Value)
		}
		s.getAs(t, issued, "/admin/").wantStatus(http.StatusOK)
		s.getAs(t, planted, "/admin/").wantStatus(http.StatusSeeOther)
		if n := s.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ?`, auth.TokenHash(planted.Value)); n != 0 {
			t.Error("the planted token became a session")
		}
	})
	t.Run("SignInAgain", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		u := s.addUser(t, model.RoleAdmin)
		before := s.signIn(t, u)
		res := s.authLogin(t, "", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}, before)
		res.wantStatus(http.StatusSeeOther)
		after := authCookie(res, "fascicle_session")
		if after == nil || after.Value == "" || after.Value == before.Value {
			t.Fatalf("cookie after signing in again: %v; before: %q", after, before.Value)
		}
		old := s.getAs(t, before, "/admin/").wantStatus(http.StatusSeeOther)
		if loc := old.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2F" {
			t.Errorf("old session: Location = %q", loc)
		}
		s.getAs(t, after, "/admin/").wantStatus(http.StatusOK).wantContains("Hello, Staff admin")
		if n := s.count(t, `SELECT count(*) FROM sessions WHERE user_id = ?`, u.ID); n != 1 {
			t.Errorf("%d sessions, want 1: signing in must delete the old one", n)
		}
	})
}

// Ensure signing out deletes the session on the server, so a copy of the cookie no
// longer opens staff pages, and leaves the account's other sessions alone.
func TestSession_SignOut(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleModerator)
	laptop := s.signIn(t, u)
	phone := s.signIn(t, u)
	if n := s.count(t, `SELECT count(*) FROM sessions WHERE user_id = ?`, u.ID); n != 2 {
		t.Fatalf("%d sessions, want 2", n)
	}

	res := s.postForm(t, "/admin/logout", nil, laptop).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login?signed_out=1" {
		t.Errorf("Location = %q", loc)
	}
	if c := authCookie(res, "fascicle_session"); c == nil || c.Value != "" || c.MaxAge >= 0 {
		t.Errorf("sign-out does not delete the cookie: %v", c)
	}
	if n := s.count(t, `SELECT count(*) FROM sessions WHERE token_hash = ?`, auth.TokenHash(laptop.Value)); n != 0 {
		t.Error("the session row is still there after signing out")
	}
	if n := s.count(t, `SELECT count(*) FROM sessions`); n != 1 {
		t.Errorf("%d sessions left, want 1 (the other device's)", n)
	}
	res = s.getAs(t, laptop, "/admin/").wantStatus(http.StatusSeeOther).wantNotContains("Hello,")
	if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2F" {
		t.Errorf("old cookie: Location = %q", loc)
	}
	s.postForm(t, "/admin/comments/1/action/spam", nil, laptop).wantStatus(http.StatusSeeOther)
	if got := s.status(t, 1); got != "approved" {
		t.Errorf("a signed-out cookie changed reply 1 to %q", got)
	}
	s.getAs(t, phone, "/admin/").wantStatus(http.StatusOK).wantContains("Hello, Staff moderator")
}

// Ensure a session ends after SessionIdle without use, and SessionLifetime after
// sign-in however often it is used.
func TestSession_Expiry(t *testing.T) {
	t.Parallel()
	wantSignIn := func(t *testing.T, res *response) {
		t.Helper()
		res.wantStatus(http.StatusSeeOther).wantNotContains("Hello,")
		if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2F" {
			t.Errorf("Location = %q, want the sign-in page", loc)
		}
		if c := authCookie(res, "fascicle_session"); c == nil || c.MaxAge >= 0 {
			t.Errorf("the ended session's cookie is not deleted: %v", c)
		}
	}
	t.Run("UsedJustWithinIdle", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		cookie := s.signIn(t, s.addUser(t, model.RoleAdmin))
		s.advance(accounts.SessionIdle - time.Second)
		s.getAs(t, cookie, "/admin/").wantStatus(http.StatusOK)
	})
	t.Run("ErrIdle", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		cookie := s.signIn(t, s.addUser(t, model.RoleAdmin))
		s.advance(accounts.SessionIdle + time.Second)
		wantSignIn(t, s.getAs(t, cookie, "/admin/"))
	})
	t.Run("ErrLifetime", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		cookie := s.signIn(t, s.addUser(t, model.RoleAdmin))
		every := 50 * time.Minute
		var used time.Duration
		for used+every < accounts.SessionLifetime {
			s.advance(every)
			used += every
			res := s.getAs(t, cookie, "/admin/")
			if res.Code != http.StatusOK {
				t.Fatalf("%v after sign-in, used every %v: status %d", used, every, res.Code)
			}
		}
		if used < accounts.SessionLifetime-accounts.SessionIdle {
			t.Fatalf("the session was used for only %v; the test proves nothing", used)
		}
		// Used a few minutes ago, but signed in more than SessionLifetime ago.
		s.advance(accounts.SessionLifetime - used + time.Second)
		wantSignIn(t, s.getAs(t, cookie, "/admin/"))
	})
}

// Ensure a session ends as soon as its account can no longer sign in.
func TestSession_EndsWhenAccountLosesPassword(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	cookie := s.signIn(t, u)
	s.getAs(t, cookie, "/admin/").wantStatus(http.StatusOK)
	s.exec(t, `UPDATE users SET password_hash = '' WHERE id = ?`, u.ID)
	res := s.getAs(t, cookie, "/admin/").wantStatus(http.StatusSeeOther).wantNotContains("Hello,")
	if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2F" {
		t.Errorf("Location = %q, want the sign-in page", loc)
	}
}

// Ensure MaxSignInFailures wrong passwords lock an account out for SignInWindow, even
// with the right password and from another client, and only that account.
func TestLockout_Account(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	other := s.addUser(t, model.RoleEditor)
	right := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
	wrong := url.Values{"email": {u.EmailAddress()}, "password": {"not the password"}}

	// Each failure from a different client, so that only the account's count matters.
	for i := range accounts.MaxSignInFailures {
		s.authLogin(t, "203.0.113."+strconv.Itoa(i+1)+":5000", wrong).wantStatus(http.StatusUnauthorized)
	}
	res := s.authLogin(t, "203.0.113.100:5000", right)
	res.wantStatus(http.StatusTooManyRequests).
		wantContains("Too many failed sign-ins", `value="`+u.EmailAddress()+`"`).
		wantNotContains("The email address or password is not right.")
	if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > int(accounts.SignInWindow.Seconds()) {
		t.Errorf("Retry-After = %q, want seconds up to %v", res.Header.Get("Retry-After"), accounts.SignInWindow)
	}
	if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("a locked-out sign-in sets cookies: %q", got)
	}
	if n := s.count(t, `SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("%d sessions after a locked-out sign-in", n)
	}
	// Another account is not locked.
	s.authLogin(t, "203.0.113.101:5000", url.Values{"email": {other.EmailAddress()}, "password": {staffPassword}}).
		wantStatus(http.StatusSeeOther)

	s.advance(accounts.SignInWindow - time.Second)
	s.authLogin(t, "203.0.113.102:5000", right).wantStatus(http.StatusTooManyRequests)
	s.advance(2 * time.Second)
	res = s.authLogin(t, "203.0.113.103:5000", right).wantStatus(http.StatusSeeOther)
	if authCookie(res, "fascicle_session") == nil {
		t.Error("no session cookie after the lock-out ended")
	}
}

// Ensure the same email in other cases or with spaces counts as the same account.
func TestLockout_EmailSpellings(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	email := u.EmailAddress()
	spellings := []string{strings.ToUpper(email), " " + email, email + " ", strings.ToUpper(email[:1]) + email[1:], email}
	for i, e := range spellings[:accounts.MaxSignInFailures] {
		s.authLogin(t, "203.0.113."+strconv.Itoa(i+1)+":5000", url.Values{"email": {e}, "password": {"wrong"}}).
			wantStatus(http.StatusUnauthorized)
	}
	s.authLogin(t, "203.0.113.100:5000", url.Values{"email": {email}, "password": {staffPassword}}).
		wantStatus(http.StatusTooManyRequests)
}

// Ensure one client that fails with MaxSignInFailures different emails is refused
// for any further email, while other clients can still sign in; and that the stored
// failures name neither the emails nor the address.
func TestLockout_Client(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	const client = "203.0.113.7:5000"
	for i := range accounts.MaxSignInFailures {
		s.authLogin(t, client, url.Values{"email": {"guess" + strconv.Itoa(i) + "@staff.example"}, "password": {"wrong"}}).
			wantStatus(http.StatusUnauthorized)
	}
	res := s.authLogin(t, client, url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}})
	res.wantStatus(http.StatusTooManyRequests).wantContains("Too many failed sign-ins")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After header")
	}
	s.authLogin(t, "203.0.113.8:5000", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}).
		wantStatus(http.StatusSeeOther)

	rows, err := s.db.Query(`SELECT subject FROM sign_in_failures`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var subject string
		if err := rows.Scan(&subject); err != nil {
			t.Fatal(err)
		}
		n++
		for _, secret := range []string{"@staff.example", "guess", "203.0.113"} {
			if strings.Contains(strings.ToLower(subject), secret) {
				t.Errorf("sign_in_failures.subject %q contains %q", subject, secret)
			}
		}
	}
	if n == 0 {
		t.Fatal("no failures stored; the privacy check proves nothing")
	}
}

// Ensure a successful sign-in clears the account's failures, so a person who
// mistypes now and then is never locked out.
func TestLockout_SuccessResetsAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	wrong := url.Values{"email": {u.EmailAddress()}, "password": {"wrong"}}
	right := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
	client := 0
	next := func() string { client++; return "203.0.113." + strconv.Itoa(client) + ":5000" }
	for range accounts.MaxSignInFailures - 1 {
		s.authLogin(t, next(), wrong).wantStatus(http.StatusUnauthorized)
	}
	s.authLogin(t, next(), right).wantStatus(http.StatusSeeOther)
	for range accounts.MaxSignInFailures - 1 {
		s.authLogin(t, next(), wrong).wantStatus(http.StatusUnauthorized)
	}
	s.authLogin(t, next(), right).wantStatus(http.StatusSeeOther)
}

// Ensure signing in to one's own account does not reset the failures one client has
// piled up against other accounts.
func TestLockout_OwnSuccessKeepsClientCount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	own := s.addUser(t, model.RoleModerator)
	const addr = "198.51.100.9:4000"
	for i := range accounts.MaxSignInFailures - 1 {
		victim := url.Values{"email": {"victim" + strconv.Itoa(i) + "@staff.example"}, "password": {"guess"}}
		s.authLogin(t, addr, victim).wantStatus(http.StatusUnauthorized)
	}
	s.authLogin(t, addr, url.Values{"email": {own.EmailAddress()}, "password": {staffPassword}}).wantStatus(http.StatusSeeOther)
	s.authLogin(t, addr, url.Values{"email": {"victim9@staff.example"}, "password": {"guess"}}).wantStatus(http.StatusUnauthorized)
	s.authLogin(t, addr, url.Values{"email": {"victim10@staff.example"}, "password": {"guess"}}).wantStatus(http.StatusTooManyRequests)
}

// Ensure wrong passwords sent all at once get no more tries than sent one by one:
// the lock-out must not be a check-then-act race.
func TestLockout_ParallelGuesses(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	const guesses = 20
	codes := make([]int, guesses)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() {
			form := url.Values{"email": {u.EmailAddress()}, "password": {"guess " + strconv.Itoa(i)}}
			req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.RemoteAddr = "203.0.113." + strconv.Itoa(i+1) + ":5000"
			<-start
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, req)
			codes[i] = rec.Code
		})
	}
	close(start)
	wg.Wait()
	checked := 0
	for _, code := range codes {
		switch code {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("status %d", code)
		}
	}
	if checked > accounts.MaxSignInFailures {
		t.Errorf("%d of %d parallel guesses had their password checked (401), want at most %d; statuses %v",
			checked, guesses, accounts.MaxSignInFailures, codes)
	}
}

// Ensure the one-time set-up link creates exactly one administrator, with a strong
// password hashed with argon2id, and signs them in; and that it cannot be used again.
func TestSetup_FirstAdministrator(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	token := s.authSetupToken(t)
	form := func(change func(url.Values)) url.Values {
		f := url.Values{"token": {token}, "name": {"Ada Admin"}, "email": {"ada@fascicle.example"},
			"password": {"lantern moss quietly"}, "password_confirm": {"lantern moss quietly"}}
		if change != nil {
			change(f)
		}
		return f
	}

	t.Run("Form", func(t *testing.T) {
		s.get(t, "/admin/setup?token="+url.QueryEscape(token)).wantStatus(http.StatusOK).
			wantContains("Create the first administrator", `<input type="hidden" name="token" value="`+token+`">`)
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		for _, target := range []string{"/admin/setup?token=wrong", "/admin/setup", "/admin/setup?token=" + auth.TokenHash(token)} {
			s.get(t, target).wantStatus(http.StatusForbidden).
				wantContains("This set-up link does not work").wantNotContains("Create the first administrator")
		}
		s.postForm(t, "/admin/setup", form(func(f url.Values) { f.Set("token", "wrong") }), nil).
			wantStatus(http.StatusForbidden).wantContains("This set-up link does not work")
	})

	invalid := []struct {
		Name            string
		Change          func(url.Values)
		ExpectedContent []string
	}{
		{
			Name:            "ErrCommonPassword",
			Change:          func(f url.Values) { f.Set("password", "password123"); f.Set("password_confirm", "password123") },
			ExpectedContent: []string{"This is a very common password. Add another word or two. Uncommon words are better."},
		},
		{
			Name:            "ErrCommonDigits",
			Change:          func(f url.Values) { f.Set("password", "12345678"); f.Set("password_confirm", "12345678") },
			ExpectedContent: []string{"This is a top-10 common password. Add another word or two. Uncommon words are better."},
		},
		{
			Name:            "ErrSiteName",
			Change:          func(f url.Values) { f.Set("password", "Fascicle2026"); f.Set("password_confirm", "Fascicle2026") },
			ExpectedContent: []string{"Do not use your name, your email address or the site&#39;s name.", "Capitalisation doesn&#39;t help very much."},
		},
		{
			Name:            "ErrShortPassword",
			Change:          func(f url.Values) { f.Set("password", "k9#vQ2"); f.Set("password_confirm", "k9#vQ2") },
			ExpectedContent: []string{"Use at least 8 characters."},
		},
		{
			Name: "ErrPasswordIsEmail",
			Change: func(f url.Values) {
				f.Set("password", "ada@fascicle.example")
				f.Set("password_confirm", "ada@fascicle.example")
			},
			ExpectedContent: []string{"Do not use your name, your email address or the site&#39;s name."},
		},
		{
			Name:            "ErrConfirmationDiffers",
			Change:          func(f url.Values) { f.Set("password_confirm", "lantern moss quietlY") },
			ExpectedContent: []string{"The two passwords are not the same."},
		},
		{
			Name:            "ErrNameRequired",
			Change:          func(f url.Values) { f.Set("name", "  ") },
			ExpectedContent: []string{"Name is required."},
		},
		{
			Name:            "ErrEmailInvalid",
			Change:          func(f url.Values) { f.Set("email", "ada at fascicle") },
			ExpectedContent: []string{"Enter an email address like name@example.com."},
		},
	}
	for _, tt := range invalid {
		t.Run(tt.Name, func(t *testing.T) {
			f := form(tt.Change)
			res := s.postForm(t, "/admin/setup", f, nil).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains(tt.ExpectedContent...).
				wantContains("The account was not created.", `value="`+strings.TrimSpace(f.Get("name"))+`"`, `value="`+f.Get("email")+`"`)
			if f.Get("password") != f.Get("email") {
				res.wantNotContains(`value="` + f.Get("password") + `"`)
			}
			if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("a refused set-up sets cookies: %q", got)
			}
			if n := s.count(t, `SELECT count(*) FROM users WHERE password_hash != ''`); n != 0 {
				t.Fatalf("%d accounts after a refused set-up", n)
			}
		})
	}

	t.Run("Created", func(t *testing.T) {
		// The link still works after the refused tries.
		s.get(t, "/admin/setup?token="+url.QueryEscape(token)).wantStatus(http.StatusOK)
		res := s.postForm(t, "/admin/setup", form(nil), nil).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/?done=welcome" {
			t.Errorf("Location = %q", loc)
		}
		cookie := authCookie(res, "fascicle_session")
		if cookie == nil || cookie.Value == "" || !cookie.HttpOnly {
			t.Fatalf("no session cookie: %q", res.Header.Values("Set-Cookie"))
		}
		s.getAs(t, cookie, "/admin/?done=welcome").wantStatus(http.StatusOK).
			wantContains("Welcome. Your administrator account is ready.", "Hello, Ada Admin", "Administrator")
		if n := s.count(t, `SELECT count(*) FROM users WHERE password_hash != ''`); n != 1 {
			t.Errorf("%d accounts, want 1", n)
		}
		if n := s.count(t, `SELECT count(*) FROM users WHERE role = 'admin' AND email = 'ada@fascicle.example' AND name = 'Ada Admin'
			AND password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%' AND password_hash NOT LIKE '%lantern%'`); n != 1 {
			t.Error("no administrator with an argon2id hash of the password")
		}
		if n := s.count(t, `SELECT count(*) FROM setup_tokens WHERE used_at IS NOT NULL`); n != 1 {
			t.Errorf("%d used set-up links, want 1", n)
		}
		s.authLogin(t, "198.51.100.9:4000", url.Values{"email": {"ada@fascicle.example"}, "password": {"lantern moss quietly"}}).
			wantStatus(http.StatusSeeOther)
	})
	t.Run("ErrUsedAgain", func(t *testing.T) {
		res := s.postForm(t, "/admin/setup", form(func(f url.Values) { f.Set("email", "eve@fascicle.example") }), nil)
		if res.Code != http.StatusGone && res.Code != http.StatusForbidden {
			t.Errorf("status = %d, want 410 or 403", res.Code)
		}
		res.wantNotContains("Create the first administrator")
		if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("a refused set-up sets cookies: %q", got)
		}
		if n := s.count(t, `SELECT count(*) FROM users WHERE email = 'eve@fascicle.example'`); n != 0 {
			t.Error("a used set-up link created a second account")
		}
	})
	t.Run("ErrComplete", func(t *testing.T) {
		fresh := s.authSetupToken(t)
		for _, target := range []string{"/admin/setup?token=" + url.QueryEscape(token), "/admin/setup?token=" + url.QueryEscape(fresh), "/admin/setup"} {
			s.get(t, target).wantStatus(http.StatusGone).
				wantContains("Set-up is complete").wantNotContains("Create the first administrator")
		}
		s.postForm(t, "/admin/setup", form(func(f url.Values) { f.Set("token", fresh); f.Set("email", "eve@fascicle.example") }), nil).
			wantStatus(http.StatusGone).wantContains("Set-up is complete")
		if n := s.count(t, `SELECT count(*) FROM users WHERE password_hash != ''`); n != 1 {
			t.Errorf("%d accounts, want 1", n)
		}
	})
}

// Ensure a set-up link stops working an hour after it was made.
func TestSetup_ExpiredLink(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	token := s.authSetupToken(t)
	s.advance(time.Hour - time.Second)
	s.get(t, "/admin/setup?token="+url.QueryEscape(token)).wantStatus(http.StatusOK)
	s.advance(2 * time.Second)
	s.get(t, "/admin/setup?token="+url.QueryEscape(token)).wantStatus(http.StatusForbidden).
		wantContains("This set-up link does not work").wantNotContains("Create the first administrator")
	form := url.Values{"token": {token}, "name": {"Ada Admin"}, "email": {"ada@fascicle.example"},
		"password": {"lantern moss quietly"}, "password_confirm": {"lantern moss quietly"}}
	res := s.postForm(t, "/admin/setup", form, nil).wantStatus(http.StatusForbidden)
	if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("an expired set-up link sets cookies: %q", got)
	}
	if n := s.count(t, `SELECT count(*) FROM users WHERE password_hash != ''`); n != 0 {
		t.Errorf("an expired set-up link created %d accounts", n)
	}
}

// Ensure two set-up links used at the same moment still make one administrator.
func TestSetup_ParallelLinksMakeOneAdmin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	tokens := []string{s.authSetupToken(t), s.authSetupToken(t), ""}
	tokens[2] = tokens[0] // the same link twice, too
	codes := make([]int, len(tokens))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, token := range tokens {
		wg.Go(func() {
			form := url.Values{"token": {token}, "name": {"Admin " + strconv.Itoa(i)}, "email": {"admin" + strconv.Itoa(i) + "@fascicle.example"},
				"password": {"lantern moss quietly"}, "password_confirm": {"lantern moss quietly"}}
			req := httptest.NewRequest(http.MethodPost, "/admin/setup", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			<-start
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, req)
			codes[i] = rec.Code
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for _, code := range codes {
		switch code {
		case http.StatusSeeOther:
			created++
		case http.StatusForbidden, http.StatusGone:
		default:
			t.Errorf("status %d", code)
		}
	}
	if created != 1 {
		t.Errorf("%d set-ups succeeded, want 1; statuses %v", created, codes)
	}
	if n := s.count(t, `SELECT count(*) FROM users WHERE password_hash != ''`); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}

// Ensure every staff page, whatever its outcome, is kept out of caches and search
// engines, while public pages are not marked so.
func TestAdminAuth_NoStoreNoIndex(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	moderator := s.signIn(t, s.addUser(t, model.RoleModerator))
	tests := []struct {
		Name   string
		Cookie *http.Cookie
		URL    string
		Status int
	}{
		{Name: "SignInForm", URL: "/admin/login", Status: http.StatusOK},
		{Name: "SetupRefused", URL: "/admin/setup?token=x", Status: http.StatusGone},
		{Name: "NotSignedIn", URL: "/admin/", Status: http.StatusSeeOther},
		{Name: "Dashboard", Cookie: moderator, URL: "/admin/", Status: http.StatusOK},
		{Name: "Queue", Cookie: moderator, URL: "/admin/comments", Status: http.StatusOK},
		{Name: "Forbidden", Cookie: moderator, URL: "/admin/settings", Status: http.StatusForbidden},
		{Name: "NotFound", Cookie: moderator, URL: "/admin/comments/999/edit", Status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			res := s.getAs(t, tt.Cookie, tt.URL).wantStatus(tt.Status)
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if got := res.Header.Get("X-Robots-Tag"); got != "noindex, nofollow" {
				t.Errorf("X-Robots-Tag = %q, want noindex, nofollow", got)
			}
		})
	}
	t.Run("PublicPage", func(t *testing.T) {
		res := s.getAs(t, moderator, articlePath).wantStatus(http.StatusOK)
		if got := res.Header.Get("X-Robots-Tag"); got != "" {
			t.Errorf("a public page has X-Robots-Tag %q", got)
		}
	})
	t.Run("SignInRefused", func(t *testing.T) {
		res := s.authLogin(t, "198.51.100.77:4000", url.Values{"email": {"x@staff.example"}, "password": {"wrong"}})
		res.wantStatus(http.StatusUnauthorized)
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Robots-Tag") != "noindex, nofollow" {
			t.Errorf("Cache-Control %q, X-Robots-Tag %q", res.Header.Get("Cache-Control"), res.Header.Get("X-Robots-Tag"))
		}
	})
}

// Ensure another site's page cannot sign someone in or out.
func TestAdminAuth_CrossSiteRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAdmin)
	cookie := s.signIn(t, u)
	tests := []struct {
		Name   string
		Path   string
		Header map[string]string
	}{
		{Name: "SignInCrossSite", Path: "/admin/login", Header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{Name: "SignInOtherOrigin", Path: "/admin/login", Header: map[string]string{"Origin": "https://evil.example"}},
		{Name: "SignOutCrossSite", Path: "/admin/logout", Header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{Name: "SetupCrossSite", Path: "/admin/setup", Header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{Name: "ApproveCrossSite", Path: "/admin/comments/1/action/spam", Header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			form := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
			req := httptest.NewRequest(http.MethodPost, tt.Path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.Header {
				req.Header.Set(k, v)
			}
			if tt.Path != "/admin/login" {
				req.AddCookie(cookie)
			}
			res := s.do(t, req).wantStatus(http.StatusForbidden).wantContains("Request refused")
			if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("a cross-site request sets cookies: %q", got)
			}
		})
	}

	if n := s.count(t, `SELECT count(*) FROM sessions`); n != 1 {
		t.Errorf("%d sessions, want only the one from signIn", n)
	}
	if n := s.count(t, `SELECT count(*) FROM sign_in_failures`); n != 0 {
		t.Errorf("%d sign-in failures recorded for refused requests", n)
	}
	if got := s.status(t, 1); got != "approved" {
		t.Errorf("a cross-site request changed reply 1 to %q", got)
	}
	s.getAs(t, cookie, "/admin/").wantStatus(http.StatusOK)
}

// authLogin posts the sign-in form as the client at addr ("" for the default test
// address), sending the given cookies.
func (s *site) authLogin(t testing.TB, addr string, form url.Values, cookies ...*http.Cookie) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if addr != "" {
		req.RemoteAddr = addr
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return s.do(t, req)
}

// authCookie returns the last cookie named name that res sets, which is the one a
// browser keeps, or nil.
func authCookie(res *response, name string) *http.Cookie {
	var last *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == name {
			last = c
		}
	}
	return last
}

// authSetupToken stores a set-up link valid for an hour from the site's clock, as
// "fascicle serve" does, and returns its token.
func (s *site) authSetupToken(t testing.TB) string {
	t.Helper()
	token, hash := auth.NewToken()
	now := s.clock()
	if err := s.store.CreateSetupToken(context.Background(), hash, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return token
}
