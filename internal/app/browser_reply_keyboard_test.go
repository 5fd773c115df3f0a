package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/fascicle/fascicle/internal/demo"
)

// Ensure a reader can walk the reply form with the keyboard alone, fields in order,
// and that a refused reply comes back with the focus on the list of errors, each
// linking to its field, and everything typed still there.
func TestBrowser_ReplyFormKeyboardThroughRefusal(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a)
	problems := watchPageProblems(t, ctx)
	mustRun(t, ctx, "open the article", chromedp.Navigate(base+"/articles/"+demo.ArticleSlug))
	waitLoaded(t, ctx)
	// Start from the link just before the form's fields.
	mustRun(t, ctx, "focus the privacy link", chromedp.Focus(chromedp.CSS(`.comment-notes a[href="/privacy"]`)))

	const (
		text    = "Does magnesium help with night cramps?"
		name    = "Kim Keys"
		email   = "kim@localhost" // a browser takes it; the site asks for a dotted domain
		website = "https://example.org/kim"
	)
	focused := func() string {
		return mustRun(t, ctx, "find the focus", chromedp.Evaluate[string](`document.activeElement.id`))
	}
	for _, step := range []struct{ id, typed string }{
		{"comment", text}, {"author", name}, {"email", email}, {"url", website}, {"remember", ""}, {"submit", ""},
	} {
		mustRun(t, ctx, "press Tab", chromedp.KeyEvent(kb.Tab))
		if got := focused(); got != step.id {
			t.Fatalf("Tab reached %q, want %q", got, step.id)
		}
		if step.typed != "" {
			mustRun(t, ctx, "type into "+step.id, chromedp.KeyEvent(step.typed))
		}
	}
	pressEnter(t, ctx)
	waitFor(t, ctx, "the refusal", `document.getElementById("form-errors") !== null && document.readyState === "complete"`)
	if got := focused(); got != "form-errors" {
		t.Errorf("after the refusal the focus is on %q, want the list of errors", got)
	}
	if title := mustRun(t, ctx, "read the title", chromedp.Title()); !strings.HasPrefix(title, "Error") {
		t.Errorf("title = %q, want it to start with Error", title)
	}
	links := mustRun(t, ctx, "read the error links", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#form-errors a")].map(a => a.getAttribute("href") + " " + a.textContent)`))
	if len(links) != 1 || links[0] != "#email Email: Enter an email address like name@example.com." {
		t.Errorf("error links = %q, want one to #email", links)
	}
	type field struct {
		Value   string `json:"value"`
		Invalid string `json:"invalid"`
	}
	values := mustRun(t, ctx, "read the fields", chromedp.Evaluate[map[string]field](`Object.fromEntries(
		["comment", "author", "email", "url"].map(id => { const f = document.getElementById(id);
			return [id, {value: f.value, invalid: f.getAttribute("aria-invalid") || ""}] }))`))
	want := map[string]field{"comment": {text, ""}, "author": {name, ""}, "email": {email, "true"}, "url": {website, ""}}
	for id, w := range want {
		got := values[id]
		if id == "comment" {
			got.Value = strings.TrimSpace(got.Value)
		}
		if got != w {
			t.Errorf("field %s = %+v, want %+v", id, got, w)
		}
	}
	// The link leads to the field: Tab reaches it, Enter follows it, and the field
	// has the focus.
	mustRun(t, ctx, "press Tab", chromedp.KeyEvent(kb.Tab))
	if got := mustRun(t, ctx, "find the focus", chromedp.Evaluate[string](`document.activeElement.getAttribute("href") || ""`)); got != "#email" {
		t.Fatalf("the first Tab after the refusal reached %q, want the link to #email", got)
	}
	mustRun(t, ctx, "mark the page", chromedp.Evaluate[chromedp.Void](`window.samePage = true`))
	pressEnter(t, ctx)
	waitFor(t, ctx, "the focus on the email field", `document.activeElement.id === "email"`)
	if !mustRun(t, ctx, "look for the page's mark", chromedp.Evaluate[bool](`window.samePage === true`)) {
		t.Error("following the link loaded a page")
	}
	problems.check(t, "walking the form")
}

// pressEnter presses Enter as a keyboard does: one key down that types a return, one
// key up. (chromedp.KeyEvent adds a char event, a second return, which reaches the
// field a link has just taken the focus to, and submits its form.)
func pressEnter(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, ev := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter", Text: "\r", WindowsVirtualKeyCode: 13},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13},
	} {
		if _, err := chromedp.Call(withTimeout(t, ctx), input.DispatchKeyEvent, ev); err != nil {
			t.Fatalf("press Enter: %v", err)
		}
	}
}

// waitFor waits until the expression is true on the tab's page, also across a page
// load (which chromedp.Poll does not survive).
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("wait for %s: not there after %v (%v)", what, actionTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
