package app_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
)

// axeSource is axe-core, the accessibility checker (testdata/axe/README.md says which
// version and from where).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is one rule that axe found broken on a page, and where.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target json.RawMessage `json:"target"`
	} `json:"nodes"`
}

// axeWidths are the widths every page is checked at: a desktop and a phone.
var axeWidths = []struct {
	Name          string
	Width, Height int64
	Mobile        bool
}{{"1280", 1280, 900, false}, {"390", 390, 844, true}}

// runAxe opens path in the tab at each width and returns axe's violations (see axeNow).
func runAxe(t *testing.T, tab context.Context, base, path string) []string {
	t.Helper()
	var found []string
	for _, w := range axeWidths {
		opts := []chromedp.EmulateViewportOption{}
		if w.Mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
		}
		mustRun(t, tab, "set the width to "+w.Name, chromedp.EmulateViewport(w.Width, w.Height, opts...))
		mustRun(t, tab, "open "+path, chromedp.Navigate(base+path))
		waitLoaded(t, tab)
		found = append(found, axeNow(t, tab, path+" at "+w.Name+" px")...)
	}
	return found
}

// axeNow runs axe on the page the tab shows, and returns its violations, each as
// "rule (impact) at targets: help — where".
func axeNow(t *testing.T, tab context.Context, where string) []string {
	t.Helper()
	violations := mustRunWithin(t, tab, "run axe on "+where, time.Minute, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	var found []string
	for _, v := range violations {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, string(n.Target))
		}
		found = append(found, fmt.Sprintf("%s (%s) at %s: %s — %s", v.ID, v.Impact, strings.Join(targets, " "), v.Help, where))
	}
	return found
}

// Ensure axe-core finds no accessibility violation on the public pages and the staff
// pages, at a desktop's width and at a phone's. The Content Security Policy is bypassed
// for this test only, which injects axe into each page.
func TestBrowser_AxeFindsNoViolation(t *testing.T) {
	t.Parallel()
	a, base := startApp(t)
	ctx := context.Background()
	if err := app.AddAccount(ctx, a.Config, accounts.NewAccount{Email: "axe.admin@example.org", Name: "Axe Admin", Role: model.RoleAdmin},
		strings.NewReader("a long shared secret\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.CreateComment(ctx, &model.Comment{ArticleID: 1, AuthorName: "Quinn Queue", AuthorEmail: "quinn@example.org",
		AuthorURL: "https://example.org/quinn", Body: "I took 500 mg of magnesium at night. Did that stop the twitches?",
		Status: model.CommentPending, HeldReason: "mentions a dose: 500 mg",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}); err != nil {
		t.Fatal(err)
	}
	tab := newBrowser(t)
	problems := watchPageProblems(t, tab)
	if _, err := chromedp.Call(withTimeout(t, tab), page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("bypass the CSP: %v", err)
	}
	if _, err := chromedp.Call(withTimeout(t, tab), page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource}); err != nil {
		t.Fatalf("inject axe: %v", err)
	}

	// axe finds what it is there to find: a picture without a text alternative.
	mustRun(t, tab, "open the home page", chromedp.Navigate(base+"/"))
	waitLoaded(t, tab)
	mustRun(t, tab, "plant a picture without alt", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("main").append(Object.assign(document.createElement("img"), {src: "/static/img/favicon.svg"}))`))
	if planted := axeNow(t, tab, "the home page with a planted fault"); len(planted) != 1 || !strings.HasPrefix(planted[0], "image-alt (critical)") {
		t.Fatalf("axe found %q on a page with a picture without alt, want image-alt alone", planted)
	}

	var violations []string
	for _, path := range []string{
		"/", "/articles/" + demo.ArticleSlug, "/tags/neurology", "/search?q=twitch", "/authors/daniel-reyes",
		"/pages/" + demo.AboutSlug, "/privacy", "/no-such-page", "/admin/login",
	} {
		violations = append(violations, runAxe(t, tab, base, path)...)
	}
	signInBrowser(t, tab, base, "axe.admin@example.org", "a long shared secret")
	for _, path := range []string{
		"/admin/", "/admin/comments", "/admin/articles", "/admin/articles/1/edit", "/admin/settings",
		"/admin/users", "/admin/users/2", "/admin/account", "/admin/privacy", "/admin/bans", "/admin/media",
	} {
		violations = append(violations, runAxe(t, tab, base, path)...)
	}
	// The queue's list of keys, and a row acted on in place with its Undo.
	mustRun(t, tab, "open the queue", chromedp.Navigate(base+"/admin/comments"))
	waitLoaded(t, tab)
	mustRun(t, tab, "approve in place", chromedp.Click(chromedp.CSS(`.row-actions button[formaction$="/action/approve"]`)))
	mustRun(t, tab, "see Undo", chromedp.WaitVisible(chromedp.CSS(".queue-result button.undo")))
	violations = append(violations, axeNow(t, tab, "the queue with a row acted on")...)
	mustRun(t, tab, "open the list of keys", chromedp.Evaluate[chromedp.Void](`document.getElementById("queue-keys").showModal()`))
	violations = append(violations, axeNow(t, tab, "the queue's list of keys")...)
	for _, v := range violations {
		t.Error(v)
	}
	problems.check(t, "checking the pages with axe")
}
