package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/demo"
)

// Ensure "Save my name and website in this browser" works in a real browser, the
// private way: after a reply sent with the box ticked, the article opened again has
// the name and website filled in and the box ticked, but not the email; the browser's
// storage holds no email and no cookie is set; and a reply sent with the box unticked
// forgets them.
func TestBrowser_RememberNameAndWebsiteNotEmail(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a)
	problems := watchPageProblems(t, ctx)
	articleURL := base + "/articles/" + demo.ArticleSlug

	const (
		name  = "Robin Remembered"
		email = "robin.private@example.com"
		site  = "https://robin.example.org/"
	)
	type formState struct {
		Author  string `json:"author"`
		Email   string `json:"email"`
		URL     string `json:"url"`
		Checked bool   `json:"checked"`
		Storage string `json:"storage"` // every key and value in localStorage, as JSON
		Saved   string `json:"saved"`   // the value under fascicle.commenter, or ""
		Cookie  string `json:"cookie"`
	}
	const readForm = `(() => ({
		author: document.getElementById("author").value,
		email: document.getElementById("email").value,
		url: document.getElementById("url").value,
		checked: document.getElementById("remember").checked,
		storage: JSON.stringify(Object.assign({}, localStorage)),
		saved: localStorage.getItem("fascicle.commenter") || "",
		cookie: document.cookie,
	}))()`
	// open loads the article afresh and waits until its deferred scripts have run.
	open := func(what string) formState {
		t.Helper()
		mustRun(t, ctx, what, chromedp.Navigate(articleURL))
		// Asked again while the new document's script context is not there yet, as
		// waitLoaded does: a poll inside one context fails when the page replaces it.
		deadline := time.Now().Add(10 * time.Second)
		for {
			ready, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
				`document.readyState === "complete" && !!document.getElementById("respond-home")`))
			if err == nil && ready {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: wait for the scripts: %v", what, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		return mustRun(t, ctx, what+": read the form", chromedp.Evaluate[formState](readForm))
	}

	first := open("open the article")
	problems.check(t, "loading the article page")
	if first.Author != "" || first.URL != "" || first.Checked || first.Saved != "" {
		t.Fatalf("before any reply, form = %+v; want empty and unticked", first)
	}
	label := mustRun(t, ctx, "read the label", chromedp.Text(chromedp.CSS(`label[for="remember"]`)))
	if label != "Save my name and website in this browser for the next time I comment." {
		t.Errorf("label = %q", label)
	}

	mustRun(t, ctx, "fill the form", fillReplyForm("Remember me, please.", name, email, site))
	mustRun(t, ctx, "tick the box", chromedp.Click(chromedp.CSS("#remember")))
	submitReplyAndWaitForPending(t, ctx)

	again := open("open the article again")
	if again.Author != name || again.URL != site || !again.Checked {
		t.Errorf("after a reply with the box ticked, form = %+v; want name %q, website %q and the box ticked", again, name, site)
	}
	if again.Email != "" {
		t.Errorf("the email field holds %q; the email must not be remembered", again.Email)
	}
	if strings.Contains(strings.ToLower(again.Storage), "robin.private") || strings.Contains(again.Storage, "@") {
		t.Errorf("localStorage holds the email: %s", again.Storage)
	}
	if !strings.Contains(again.Saved, name) || !strings.Contains(again.Saved, site) {
		t.Errorf("fascicle.commenter = %q; want the name and website", again.Saved)
	}
	if again.Cookie != "" {
		t.Errorf("document.cookie = %q, want none", again.Cookie)
	}

	// Untick, send another reply: the name and website are forgotten.
	mustRun(t, ctx, "fill the rest of the form", chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#comment"), "Forget me now."),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
	))
	mustRun(t, ctx, "untick the box", chromedp.Click(chromedp.CSS("#remember")))
	submitReplyAndWaitForPending(t, ctx)
	forgotten := open("open the article a third time")
	if forgotten.Author != "" || forgotten.URL != "" || forgotten.Checked || forgotten.Saved != "" || forgotten.Storage != "{}" {
		t.Errorf("after a reply with the box unticked, form = %+v; want empty, unticked and nothing stored", forgotten)
	}
	if forgotten.Cookie != "" {
		t.Errorf("document.cookie = %q, want none", forgotten.Cookie)
	}
	if status := latestReplyStatus(t, a); status != "pending" {
		t.Errorf("the last reply was saved as %q, want pending", status)
	}
	problems.check(t, "remembering and forgetting")
}
