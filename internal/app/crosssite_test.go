package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure --base-url makes the running program refuse forms for another host (421) or from another origin (403), and only then.
func TestCrossSite_BaseURLChecksHostAndOrigin(t *testing.T) {
	t.Parallel()
	const email, password = "admin@example.org", "correct horse battery staple"
	for _, baseURL := range []string{"", "https://health.example.org"} {
		t.Run("BaseURL="+baseURL, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t)
			cfg.BaseURL = baseURL
			if err := app.AddUser(context.Background(), cfg, email, "Admin", model.RoleAdmin, strings.NewReader(password+"\n"), io.Discard); err != nil {
				t.Fatal(err)
			}
			_, addr, _ := runApp(t, cfg)
			signIn := func(host, origin string) int {
				t.Helper()
				form := url.Values{"email": {email}, "password": {password}}
				req, err := http.NewRequest(http.MethodPost, addr+"/admin/login", strings.NewReader(form.Encode()))
				if err != nil {
					t.Fatal(err)
				}
				req.Host = host
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", origin)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				res, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				readBody(t, res)
				return res.StatusCode
			}
			listen := strings.TrimPrefix(addr, "http://")
			if baseURL == "" {
				// Without a configured address, the site is wherever it is reached.
				if got := signIn(listen, addr); got != http.StatusSeeOther {
					t.Errorf("sign-in at the listen address: status %d, want 303", got)
				}
				return
			}
			if got := signIn(listen, addr); got != http.StatusMisdirectedRequest {
				t.Errorf("sign-in sent to the listen address: status %d, want 421", got)
			}
			if got := signIn("health.example.org", "http://health.example.org"); got != http.StatusForbidden {
				t.Errorf("sign-in from the http:// origin: status %d, want 403", got)
			}
			if got := signIn("health.example.org", baseURL); got != http.StatusSeeOther {
				t.Errorf("sign-in from the site's own origin: status %d, want 303", got)
			}
			res, err := http.Get(addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			if readBody(t, res); res.StatusCode != http.StatusOK {
				t.Errorf("GET at the listen address: status %d, want 200", res.StatusCode)
			}
		})
	}
}
