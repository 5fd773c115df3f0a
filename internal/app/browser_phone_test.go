package app_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure no staff page scrolls sideways on a phone 390 pixels wide, signed in as an
// administrator (who sees every page), with replies waiting in the queue.
func TestBrowser_StaffPagesFitAPhone(t *testing.T) {
	t.Parallel()
	a, base := startApp(t)
	ctx := context.Background()
	if err := app.AddAccount(ctx, a.Config, accounts.NewAccount{Email: "ada@example.org", Name: "Ada Admin", Role: model.RoleAdmin},
		strings.NewReader("a long shared secret\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Averylongwordwithoutanyspaceswhatsoever", 4)
	if err := a.Store.CreateComment(ctx, &model.Comment{ArticleID: 1, AuthorName: long, AuthorEmail: "a.very.long.address.of.someone@a-long-domain-name.example.org",
		AuthorURL: "https://example.org/" + long, Body: "I took 500mg " + long, Status: model.CommentPending, HeldReason: "mentions a dose: 500mg",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	problems := watchPageProblems(t, b)
	signInBrowser(t, b, base, "ada@example.org", "a long shared secret")
	const phone = 390
	mustRun(t, b, "set a phone's width", chromedp.EmulateViewport(phone, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	for _, path := range []string{
		"/admin/", "/admin/comments", "/admin/comments?status=reported", "/admin/comments/1/edit",
		"/admin/articles", "/admin/articles?kind=page", "/admin/articles/new", "/admin/articles/1", "/admin/articles/1/edit",
		"/admin/articles/1/revisions", "/admin/media", "/admin/bans", "/admin/settings", "/admin/privacy",
		"/admin/users", "/admin/account", "/admin/account/2fa",
	} {
		mustRun(t, b, "open "+path, chromedp.Navigate(base+path))
		waitLoaded(t, b)
		fit := mustRun(t, b, "measure "+path, chromedp.Evaluate[struct {
			Page   int `json:"page"`
			Window int `json:"window"`
		}](`({page: document.documentElement.scrollWidth, window: window.innerWidth})`))
		// A phone widens its layout to fit what is too wide, so the measure is the
		// phone's own width.
		if fit.Page > phone || fit.Window > phone {
			t.Errorf("%s: the page is %d px wide on a %d px phone; it scrolls sideways", path, fit.Page, phone)
		}
		problems.check(t, path)
	}
}
