package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/demo"
)

// browserTimeout bounds the life of each test's tab, so that a hang fails the test
// instead of blocking it. It leaves room for tests that run at once under -race.
const browserTimeout = 3 * time.Minute

// actionTimeout bounds one step, so that a wait for something that never comes fails
// with the name of that step.
const actionTimeout = 20 * time.Second

// corpusTimeout bounds a step that sends the whole hostile corpus, hundreds of
// requests, from the page.
const corpusTimeout = 2 * time.Minute

// findChromium returns the path of a Chromium or Chrome binary, or "" if there is none.
func findChromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromium is the one headless Chromium the browser tests of this package share. The
// first test that needs it starts it; TestMain stops it after the last test.
var chromium struct {
	once sync.Once
	ctx  context.Context // the browser's first tab; NewContext on it opens a tab
	stop func()
	err  error
}

// startChromium starts the shared Chromium with a profile of its own.
func startChromium(execPath string) {
	profile, err := os.MkdirTemp("", "fascicle-chromium-")
	if err != nil {
		chromium.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	chromium.ctx = ctx
	chromium.stop = func() {
		// A graceful close, bounded: the deadline then stops the process.
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Cancel(cctx); err != nil &&
			!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(os.Stderr, "closing Chromium: %v\n", err)
		}
		cancelCtx()
		cancelAlloc() // waits for the browser process to exit
		os.RemoveAll(profile)
	}
	// The first Run binds the browser's life to its context, so the start is bounded
	// from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			chromium.err = fmt.Errorf("start %s: %w", execPath, err)
		}
	case <-time.After(actionTimeout):
		chromium.err = fmt.Errorf("start %s: no browser within %v", execPath, actionTimeout)
	}
}

// stopChromium stops the shared Chromium, if a test started it.
func stopChromium() {
	if chromium.stop != nil {
		chromium.stop()
	}
}

// newBrowser opens a tab in a browser context of its own (as a separate profile has:
// its own cookies, storage and cache) in the shared Chromium, and returns the tab's
// context. The tab closes when the test ends, or after browserTimeout, whichever
// comes first. Without Chromium the test fails, saying how to install it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	execPath := findChromium()
	if execPath == "" {
		t.Fatal("no Chromium found (looked for /usr/bin/chromium, chromium, chromium-browser, google-chrome); " +
			"install it with: apt-get install -y chromium")
	}
	chromium.once.Do(func() { startChromium(execPath) })
	if chromium.err != nil {
		t.Fatal(chromium.err)
	}
	// The deadline is on the tab's context on purpose: it closes the tab, so every
	// pending action on it fails at once.
	timeoutCtx, cancelTimeout := context.WithTimeout(chromium.ctx, browserTimeout)
	ctx, cancelCtx := chromedp.NewContext(timeoutCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancelCtx() // closes the tab and disposes of its browser context
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("open a tab in %s: %v", execPath, err)
	}
	return ctx
}

// pageProblems collects the uncaught JavaScript exceptions and the Content Security
// Policy violations that the tab of ctx reports from now on.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func watchPageProblems(t *testing.T, ctx context.Context) *pageProblems {
	t.Helper()
	// chromedp enables the Log domain on every new tab; enabling it again here keeps
	// the test correct if that default ever changes.
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("Log.enable: %v", err)
	}
	p := &pageProblems{}
	err := chromedp.Listen(ctx, func(ev any) {
		var problem string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			problem = "JavaScript exception: " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				problem += " " + d.Exception.Description
			}
			problem += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
		case *log.EventEntryAdded:
			if e := ev.Entry; e != nil && strings.Contains(e.Text, "Content Security Policy") {
				problem = fmt.Sprintf("CSP violation (%s %s): %s", e.Source, e.Level, e.Text)
			}
		case *runtime.EventConsoleAPICalled:
			for _, arg := range ev.Args {
				if s := string(arg.Value) + arg.Description; strings.Contains(s, "Content Security Policy") {
					problem = "CSP violation (console): " + s
				}
			}
		}
		if problem != "" {
			p.mu.Lock()
			p.list = append(p.list, problem)
			p.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listen to the page's events: %v", err)
	}
	return p
}

// check fails the test if a problem was reported. The listener sees every event that
// arrived before the last command returned, so call it after the page has loaded.
func (p *pageProblems) check(t *testing.T, when string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, problem := range p.list {
		t.Errorf("%s: %s", when, problem)
	}
	p.list = nil
}

// submitReplyAndWaitForPending clicks "Post Comment" and waits until the main frame
// has navigated to the article page that shows the reader's held reply (?pending=).
// If it does not get there, it fails the test with the page the browser is on and
// the form's errors.
func submitReplyAndWaitForPending(t *testing.T, ctx context.Context) {
	t.Helper()
	isPendingPage := func(ev page.EventFrameNavigated) bool {
		return ev.Frame != nil && ev.Frame.ParentID == "" && strings.Contains(ev.Frame.URL, "?pending=")
	}
	actx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	_, err := chromedp.Run(actx, chromedp.WaitEvent(page.FrameNavigated, isPendingPage,
		chromedp.Click(chromedp.CSS("#submit"))))
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		errs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](
			`(document.getElementById("form-errors") || {innerText: ""}).innerText`))
		t.Fatalf("post the reply: did not land on the page with ?pending= (%v); the browser is on %s; form errors: %q",
			err, loc, errs)
	}
	waitLoaded(t, ctx)
}

// waitLoaded waits until the page the browser is navigating to has all been read, so
// that what follows sees the whole page and not the start of it. The check is asked
// again while the new document's script context is not there yet.
func waitLoaded(t *testing.T, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`))
		if err == nil && state == "complete" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("wait for the page: still %q (%v) after %v", state, err, actionTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fillReplyForm types into the reply form the way a person would.
func fillReplyForm(comment, name, email, website string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#comment"), comment),
		chromedp.SendKeys(chromedp.CSS("#author"), name),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#url"), website),
	)
}

// mustRun runs one action on the tab of ctx and fails the test, naming what it was
// doing, if the action fails or takes longer than actionTimeout.
func mustRun[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	return mustRunWithin(t, ctx, what, actionTimeout, a)
}

// mustRunWithin is mustRun with a bound of its own.
func mustRunWithin[T any](t *testing.T, ctx context.Context, what string, d time.Duration, a chromedp.Action[T]) T {
	t.Helper()
	actx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	v, err := chromedp.Run(actx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Ensure a reader can fill the reply form in a real browser, post it, and land on the
// article with their reply marked as awaiting moderation, without their email shown
// and without any script error or Content Security Policy violation on the way.
func TestBrowser_ReaderLeavesReplyAndSeesAwaitingModeration(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a) // a test types faster than any person; the pace check is tested in internal/web
	problems := watchPageProblems(t, ctx)

	mustRun(t, ctx, "open the article", chromedp.Navigate(base+"/articles/"+demo.ArticleSlug))
	mustRun(t, ctx, "wait for the reply form", chromedp.WaitVisible(chromedp.CSS("#respond")))
	problems.check(t, "loading the article page")

	heading := mustRun(t, ctx, "read the form title", chromedp.Text(chromedp.CSS("#reply-title-text")))
	if heading != "Leave a Reply" {
		t.Errorf("form title = %q, want %q", heading, "Leave a Reply")
	}
	mustRun(t, ctx, "see the email notice", chromedp.WaitVisible(chromedp.CSS("#email-notes")))
	if notes := mustRun(t, ctx, "read the email notice", chromedp.Text(chromedp.CSS("#email-notes"))); notes != "Your email address will not be published." {
		t.Errorf("email notice = %q, want %q", notes, "Your email address will not be published.")
	}

	const (
		body  = "Magnesium before bed helped my calf twitches more than anything else I tried."
		name  = "Sam Browser"
		email = "sam.browser.secret@example.com"
		site  = "https://example.org/sam"
	)
	mustRun(t, ctx, "fill the form", fillReplyForm(body, name, email, site))
	submitReplyAndWaitForPending(t, ctx)

	loc := mustRun(t, ctx, "read the location", chromedp.Location())
	if !strings.Contains(loc, "/articles/"+demo.ArticleSlug+"?pending=") {
		t.Errorf("landed on %s, want the article with ?pending=", loc)
	}
	mustRun(t, ctx, "see the moderation notice",
		chromedp.WaitVisible(chromedp.CSS("li.comment-pending .comment-awaiting-moderation")))
	notice := mustRun(t, ctx, "read the moderation notice",
		chromedp.Text(chromedp.CSS("li.comment-pending .comment-awaiting-moderation")))
	if notice != "Your comment is awaiting moderation." {
		t.Errorf("moderation notice = %q, want %q", notice, "Your comment is awaiting moderation.")
	}
	shown := mustRun(t, ctx, "read the held reply", chromedp.Text(chromedp.CSS("li.comment-pending .comment-content")))
	if !strings.Contains(shown, body) {
		t.Errorf("held reply shows %q, want it to contain %q", shown, body)
	}
	author := mustRun(t, ctx, "read the held reply's author", chromedp.Text(chromedp.CSS("li.comment-pending .comment-author")))
	if author != name {
		t.Errorf("held reply's author = %q, want %q", author, name)
	}
	html := mustRun(t, ctx, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(strings.ToLower(html), strings.ToLower(email)) {
		t.Errorf("the page shows the reader's email %q; it must never be published", email)
	}
	if status := latestReplyStatus(t, a); status != "pending" {
		t.Errorf("the reply was saved as %q, want pending", status)
	}
	problems.check(t, "posting the reply")
}

// Ensure the "Reply" link of a reply moves the form under it and aims the form at it,
// that "Cancel reply" puts the form back, and that a reply sent from there is shown
// held for moderation, nested under the reply it answers.
func TestBrowser_ReplyLinkMovesFormUnderComment(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a)
	problems := watchPageProblems(t, ctx)

	const replyLink = `a.comment-reply-link[data-author="Priya N."]`
	mustRun(t, ctx, "open the article", chromedp.Navigate(base+"/articles/"+demo.ArticleSlug))
	mustRun(t, ctx, "wait for Priya's Reply link", chromedp.WaitVisible(chromedp.CSS(replyLink)))
	problems.check(t, "loading the article page")

	id := mustRun(t, ctx, "read Priya's comment ID", chromedp.AttributeValue(chromedp.CSS(replyLink), "data-comment-id"))
	if !id.Exists || id.Value == "" {
		t.Fatalf("Priya's Reply link has no data-comment-id")
	}
	priyaID := id.Value
	if got := mustRun(t, ctx, "find Priya's comment", chromedp.Evaluate[bool](
		`document.querySelector(`+jsString(replyLink)+`).closest("li.comment").id === "comment-" + `+jsString(priyaID))); !got {
		t.Fatalf("Priya's Reply link is not inside li#comment-%s", priyaID)
	}

	type formState struct {
		InPriyaLI   bool   `json:"inPriyaLI"`
		AtHome      bool   `json:"atHome"`
		Parent      string `json:"parent"`
		Title       string `json:"title"`
		CancelShown bool   `json:"cancelShown"`
		Focused     string `json:"focused"`
	}
	readForm := `(() => {
		const respond = document.getElementById("respond");
		const li = document.getElementById("comment-" + ` + jsString(priyaID) + `);
		const cancel = document.getElementById("cancel-comment-reply-link");
		const home = document.getElementById("respond-home");
		const style = getComputedStyle(cancel);
		return {
			inPriyaLI: !!li && li.contains(respond),
			atHome: !!home && home.nextElementSibling === respond,
			parent: document.getElementById("comment_parent").value,
			title: document.getElementById("reply-title-text").textContent,
			cancelShown: !cancel.hidden && style.display !== "none" && style.visibility !== "hidden" &&
				cancel.getClientRects().length > 0,
			focused: document.activeElement ? document.activeElement.id : "",
		};
	})()`

	before := mustRun(t, ctx, "read the form", chromedp.Evaluate[formState](readForm))
	if before.InPriyaLI || !before.AtHome || before.Parent != "0" || before.Title != "Leave a Reply" || before.CancelShown {
		t.Fatalf("before clicking Reply, form = %+v; want it in its own place, parent 0, titled Leave a Reply, no Cancel reply", before)
	}

	mustRun(t, ctx, "click Reply under Priya's comment", chromedp.Click(chromedp.CSS(replyLink)))
	mustRun(t, ctx, "wait for the form to move", chromedp.Poll[bool](
		`document.getElementById("comment-" + `+jsString(priyaID)+`).contains(document.getElementById("respond"))`,
		chromedp.WithPollingTimeout(10*time.Second)))
	mustRun(t, ctx, "see Cancel reply", chromedp.WaitVisible(chromedp.CSS("#cancel-comment-reply-link")))
	moved := mustRun(t, ctx, "read the form", chromedp.Evaluate[formState](readForm))
	if !moved.InPriyaLI {
		t.Errorf("after clicking Reply, #respond is not inside li#comment-%s", priyaID)
	}
	if moved.Parent != priyaID {
		t.Errorf("after clicking Reply, comment_parent = %q, want %q", moved.Parent, priyaID)
	}
	if moved.Title != "Reply to Priya N." {
		t.Errorf("after clicking Reply, title = %q, want %q", moved.Title, "Reply to Priya N.")
	}
	if !moved.CancelShown {
		t.Errorf("after clicking Reply, Cancel reply is not visible")
	}
	if moved.Focused != "comment" {
		t.Errorf("after clicking Reply, focus is on %q, want the comment box", moved.Focused)
	}
	if loc := mustRun(t, ctx, "read the location", chromedp.Location()); strings.Contains(loc, "replytocom") {
		t.Errorf("clicking Reply loaded %s; the script should have moved the form instead", loc)
	}

	mustRun(t, ctx, "click Cancel reply", chromedp.Click(chromedp.CSS("#cancel-comment-reply-link")))
	mustRun(t, ctx, "wait for Cancel reply to hide", chromedp.WaitNotVisible(chromedp.CSS("#cancel-comment-reply-link")))
	back := mustRun(t, ctx, "read the form", chromedp.Evaluate[formState](readForm))
	if back.Parent != "0" {
		t.Errorf("after Cancel reply, comment_parent = %q, want \"0\"", back.Parent)
	}
	if back.InPriyaLI || !back.AtHome {
		t.Errorf("after Cancel reply, the form is not back in its own place: %+v", back)
	}
	if back.Title != "Leave a Reply" {
		t.Errorf("after Cancel reply, title = %q, want %q", back.Title, "Leave a Reply")
	}

	// Now reply to Priya for real.
	mustRun(t, ctx, "click Reply under Priya's comment again", chromedp.Click(chromedp.CSS(replyLink)))
	mustRun(t, ctx, "wait for the form to move", chromedp.Poll[bool](
		`document.getElementById("comment_parent").value === `+jsString(priyaID),
		chromedp.WithPollingTimeout(10*time.Second)))
	const body = "Exam season did the same to me. Glad it settled down for you."
	mustRun(t, ctx, "fill the form", fillReplyForm(body, "Lena Browser", "lena.browser@example.com", ""))
	submitReplyAndWaitForPending(t, ctx)

	nested := "li#comment-" + priyaID + " > ol.children > li.comment-pending"
	mustRun(t, ctx, "see the held reply under Priya's", chromedp.WaitVisible(chromedp.CSS(nested+" .comment-awaiting-moderation")))
	if notice := mustRun(t, ctx, "read the moderation notice", chromedp.Text(chromedp.CSS(nested+" .comment-awaiting-moderation"))); notice != "Your comment is awaiting moderation." {
		t.Errorf("moderation notice = %q, want %q", notice, "Your comment is awaiting moderation.")
	}
	if shown := mustRun(t, ctx, "read the held reply", chromedp.Text(chromedp.CSS(nested+" .comment-content"))); !strings.Contains(shown, body) {
		t.Errorf("held reply under Priya's shows %q, want it to contain %q", shown, body)
	}
	if n := mustRun(t, ctx, "count held replies", chromedp.Evaluate[int](`document.querySelectorAll("li.comment-pending").length`)); n != 1 {
		t.Errorf("%d held replies on the page, want 1", n)
	}
	// Tom Whitaker's answer is still there beside the new reply.
	if tom := mustRun(t, ctx, "find Tom's answer", chromedp.Evaluate[bool](
		`[...document.querySelectorAll("li#comment-" + `+jsString(priyaID)+` + " > ol.children > li.comment .comment-author")].some(e => e.textContent.trim() === "Tom Whitaker")`)); !tom {
		t.Errorf("Tom Whitaker's answer is no longer nested under Priya's comment")
	}
	problems.check(t, "replying to Priya")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return fmt.Sprintf("%q", s)
}
