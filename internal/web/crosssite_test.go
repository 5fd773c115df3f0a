package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// baseURL is the --base-url of the sites newBaseURLSite makes.
const baseURL = "https://fascicle.test"

// newBaseURLSite is a site whose public address was configured, as with --base-url.
func newBaseURLSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(o *web.Options) {
		o.PublicURL = baseURL
		o.CheckHost = true
	})
}

// sendForm sends form to target with the given Host ("" for httptest's default) and
// headers, and the session cookie (nil for none).
func (s *site) sendForm(t testing.TB, host, target string, form url.Values, header map[string]string, cookie *http.Cookie) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if host != "" {
		req.Host = host
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Mozilla/5.0 (test)")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// sessionFrom returns the session cookie res sets, or nil.
func sessionFrom(res *response) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if strings.HasSuffix(c.Name, "fascicle_session") && c.Value != "" {
			return c
		}
	}
	return nil
}

// sameOrigin is what a current browser sends with a form from the site's own page.
var sameOrigin = map[string]string{"Origin": baseURL, "Sec-Fetch-Site": "same-origin"}

// Ensure a staff form sent with neither Origin nor Sec-Fetch-Site is refused and changes nothing.
func TestCrossSite_StaffNeedsBrowserHeaders(t *testing.T) {
	t.Parallel()
	for _, configured := range []bool{false, true} {
		t.Run(map[bool]string{false: "DefaultURL", true: "BaseURL"}[configured], func(t *testing.T) {
			t.Parallel()
			var s *site
			host, good := "", map[string]string{"Sec-Fetch-Site": "same-origin"}
			if configured {
				s, host, good = newBaseURLSite(t), "fascicle.test", sameOrigin
			} else {
				s = newSite(t)
			}
			u := s.addUser(t, model.RoleAdmin)
			signIn := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
			cookie := sessionFrom(s.sendForm(t, host, "/admin/login", signIn, good, nil).wantStatus(http.StatusSeeOther))
			if cookie == nil {
				t.Fatal("a same-origin sign-in set no session cookie")
			}
			tests := []struct {
				Name   string
				Path   string
				Form   url.Values
				Cookie *http.Cookie
			}{
				{Name: "SignIn", Path: "/admin/login", Form: signIn},
				{Name: "SignOut", Path: "/admin/logout", Cookie: cookie},
				{Name: "Setup", Path: "/admin/setup", Form: url.Values{"token": {"x"}}},
				{Name: "MarkSpam", Path: "/admin/comments/1/action/spam", Cookie: cookie},
				{Name: "Ban", Path: "/admin/bans", Form: url.Values{"comment": {"1"}, "kind": {"email"}, "duration": {"7d"}}, Cookie: cookie},
			}
			for _, tt := range tests {
				t.Run(tt.Name, func(t *testing.T) {
					res := s.sendForm(t, host, tt.Path, tt.Form, nil, tt.Cookie).
						wantStatus(http.StatusForbidden).wantContains("current browser")
					if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
						t.Errorf("a refused request sets cookies: %q", got)
					}
				})
			}
			if n := s.count(t, `SELECT count(*) FROM sessions`); n != 1 {
				t.Errorf("%d sessions, want only the one signed in from the site", n)
			}
			if n := s.count(t, `SELECT count(*) FROM sign_in_failures`); n != 0 {
				t.Errorf("%d sign-in failures recorded for refused requests", n)
			}
			if n := s.count(t, `SELECT count(*) FROM bans`); n != 0 {
				t.Errorf("%d bans made by refused requests", n)
			}
			if got := s.status(t, 1); got != "approved" {
				t.Errorf("a refused request changed reply 1 to %q", got)
			}
			res := s.sendForm(t, host, "/admin/comments/1/action/spam", nil, good, cookie)
			res.wantStatus(http.StatusSeeOther)
			if got := s.status(t, 1); got != "spam" {
				t.Errorf("the same action from the site left reply 1 %q", got)
			}
		})
	}
}

// Ensure the reply form still takes a reply from a browser that sends neither Origin nor Sec-Fetch-Site.
func TestCrossSite_ReplyWithoutBrowserHeaders(t *testing.T) {
	t.Parallel()
	for _, configured := range []bool{false, true} {
		t.Run(map[bool]string{false: "DefaultURL", true: "BaseURL"}[configured], func(t *testing.T) {
			t.Parallel()
			var s *site
			host := ""
			if configured {
				s, host = newBaseURLSite(t), "fascicle.test"
			} else {
				s = newSite(t)
			}
			before := s.count(t, `SELECT count(*) FROM comments`)
			form := validReply()
			form.Set("form_shown", s.formStamp(t, articlePath))
			s.advance(20 * time.Second)
			s.sendForm(t, host, articlePath+"/comments", form, map[string]string{"User-Agent": "Mozilla/4.0 (old)"}, nil).
				wantStatus(http.StatusSeeOther)
			if n := s.count(t, `SELECT count(*) FROM comments`); n != before+1 {
				t.Errorf("%d replies after sending one, want %d", n, before+1)
			}
		})
	}
}

// Ensure that with a base URL a form whose Origin differs from it in scheme, host or port is refused.
func TestCrossSite_OriginMustBeTheBaseURL(t *testing.T) {
	t.Parallel()
	s := newBaseURLSite(t)
	u := s.addUser(t, model.RoleModerator)
	signIn := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
	cookie := sessionFrom(s.sendForm(t, "fascicle.test", "/admin/login", signIn, sameOrigin, nil).wantStatus(http.StatusSeeOther))
	replies := s.count(t, `SELECT count(*) FROM comments`)
	tests := []struct {
		Name   string
		Header map[string]string
	}{
		{Name: "PlainHTTP", Header: map[string]string{"Origin": "http://fascicle.test"}},
		{Name: "PlainHTTPSameOrigin", Header: map[string]string{"Origin": "http://fascicle.test", "Sec-Fetch-Site": "same-origin"}},
		{Name: "OtherHost", Header: map[string]string{"Origin": "https://evil.example"}},
		{Name: "OtherHostSameSite", Header: map[string]string{"Origin": "https://evil.fascicle.test", "Sec-Fetch-Site": "same-site"}},
		{Name: "OtherPort", Header: map[string]string{"Origin": "https://fascicle.test:8443"}},
		{Name: "Null", Header: map[string]string{"Origin": "null"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			form := validReply()
			form.Set("form_shown", s.formStamp(t, articlePath))
			s.sendForm(t, "fascicle.test", articlePath+"/comments", form, tt.Header, nil).
				wantStatus(http.StatusForbidden).wantContains("Request refused")
			s.sendForm(t, "fascicle.test", "/admin/login", signIn, tt.Header, nil).
				wantStatus(http.StatusForbidden).wantContains("Request refused")
			s.sendForm(t, "fascicle.test", "/admin/comments/1/action/spam", nil, tt.Header, cookie).
				wantStatus(http.StatusForbidden).wantContains("Request refused")
		})
	}
	s.wantNothingChangedAfter(t, replies, "refused")
}

// Ensure that with a base URL a form sent for another Host is refused 421, while pages still answer.
func TestCrossSite_HostMustBeTheSite(t *testing.T) {
	t.Parallel()
	s := newBaseURLSite(t)
	u := s.addUser(t, model.RoleModerator)
	signIn := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
	cookie := sessionFrom(s.sendForm(t, "fascicle.test", "/admin/login", signIn, sameOrigin, nil).wantStatus(http.StatusSeeOther))
	replies := s.count(t, `SELECT count(*) FROM comments`)
	for _, host := range []string{"evil.example", "fascicle.test.evil.example", "fascicle.test:8443", "127.0.0.1:8080"} {
		t.Run(host, func(t *testing.T) {
			t.Parallel()
			// The browser was sent to this host, so what it reports is consistent with it.
			own := map[string]string{"Origin": "https://" + host, "Sec-Fetch-Site": "same-origin"}
			for _, header := range []map[string]string{own, sameOrigin, nil} {
				form := validReply()
				form.Set("form_shown", s.formStamp(t, articlePath))
				s.sendForm(t, host, articlePath+"/comments", form, header, nil).
					wantStatus(http.StatusMisdirectedRequest).wantContains("Wrong address")
				s.sendForm(t, host, "/admin/login", signIn, header, nil).
					wantStatus(http.StatusMisdirectedRequest)
				s.sendForm(t, host, "/admin/comments/1/action/spam", nil, header, cookie).
					wantStatus(http.StatusMisdirectedRequest)
			}
			for _, path := range []string{"/", articlePath, "/admin/login"} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Host = host
				s.do(t, req).wantStatus(http.StatusOK)
			}
		})
	}
	s.wantNothingChangedAfter(t, replies, "misdirected")
}

// Ensure everything a current browser sends from the site's own pages is accepted, at the base URL's host however written.
func TestCrossSite_SameOriginWorks(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"fascicle.test", "FASCICLE.test", "fascicle.test:443"} {
		t.Run(host, func(t *testing.T) {
			t.Parallel()
			s := newBaseURLSite(t)
			u := s.addUser(t, model.RoleModerator)
			signIn := url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}
			for _, tt := range []struct {
				Name   string
				Header map[string]string
			}{
				{Name: "OriginAndFetchSite", Header: sameOrigin},
				{Name: "FetchSiteOnly", Header: map[string]string{"Sec-Fetch-Site": "same-origin"}},
				{Name: "OriginOnly", Header: map[string]string{"Origin": baseURL}}, // an older browser
			} {
				cookie := sessionFrom(s.sendForm(t, host, "/admin/login", signIn, tt.Header, nil).wantStatus(http.StatusSeeOther))
				if cookie == nil {
					t.Fatalf("%s: sign-in set no session cookie", tt.Name)
				}
				s.sendForm(t, host, "/admin/comments/1/action/spam", nil, tt.Header, cookie).wantStatus(http.StatusSeeOther)
				s.sendForm(t, host, "/admin/comments/1/action/restore", nil, tt.Header, cookie).wantStatus(http.StatusSeeOther)
				form := validReply()
				form.Set("comment", "Sent with "+tt.Name)
				form.Set("form_shown", s.formStamp(t, articlePath))
				s.advance(20 * time.Second)
				s.sendForm(t, host, articlePath+"/comments", form, tt.Header, nil).wantStatus(http.StatusSeeOther)
				s.sendForm(t, host, "/admin/logout", nil, tt.Header, cookie).wantStatus(http.StatusSeeOther)
			}
			if n := s.count(t, `SELECT count(*) FROM comments WHERE body LIKE 'Sent with %'`); n != 3 {
				t.Errorf("%d replies kept, want 3", n)
			}
		})
	}
}

// wantNothingChangedAfter checks, once the test and its subtests are done, that the
// refused requests (what they were) kept no reply beyond the replies the site had,
// started no session but the one signed in from the site, and left reply 1 approved.
func (s *site) wantNothingChangedAfter(t *testing.T, replies int, what string) {
	t.Cleanup(func() {
		if n := s.count(t, `SELECT count(*) FROM comments`); n != replies {
			t.Errorf("%d replies, want %d: a %s reply was kept", n, replies, what)
		}
		if n := s.count(t, `SELECT count(*) FROM sessions`); n != 1 {
			t.Errorf("%d sessions, want only the one signed in from the site", n)
		}
		if got := s.status(t, 1); got != "approved" {
			t.Errorf("a %s request changed reply 1 to %q", what, got)
		}
	})
}
