package app_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a reply held for moderation is approved by a moderator who signs in with a
// browser of their own and clicks "Approve" in the Pending tab, that the moderator
// sees the reader's email while the reader's page never shows it, that the approval is
// shown in place, and that the reader then finds the reply published on the plain
// article page, with no script error or Content Security Policy violation on the
// reader's or the staff pages.
func TestBrowser_ModeratorApprovesReplyReaderSeesIt(t *testing.T) {
	t.Parallel()
	reader := newBrowser(t)
	moderator := newBrowser(t) // a second browser: no cookie is shared with the reader
	a, base := startApp(t)
	relaxPolicy(t, a)

	const (
		modEmail    = "mona.moderator@example.com"
		modName     = "Mona Moderator"
		modPassword = "quiet violet harbour"
	)
	if err := app.AddUser(context.Background(), a.Config, modEmail, modName, model.RoleModerator,
		strings.NewReader(modPassword+"\n"), io.Discard); err != nil {
		t.Fatalf("add the moderator: %v", err)
	}

	// The reader posts a reply, which is held.
	const (
		body  = "Cutting back to one coffee a day made my eyelid twitch stop within a week."
		name  = "Robin Reader"
		email = "robin.reader.private@example.com"
	)
	articleURL := base + "/articles/" + demo.ArticleSlug
	readerProblems := watchPageProblems(t, reader)
	mustRun(t, reader, "open the article", chromedp.Navigate(articleURL))
	mustRun(t, reader, "wait for the reply form", chromedp.WaitVisible(chromedp.CSS("#respond")))
	mustRun(t, reader, "fill the form", fillReplyForm(body, name, email, ""))
	submitReplyAndWaitForPending(t, reader)
	mustRun(t, reader, "see the moderation notice",
		chromedp.WaitVisible(chromedp.CSS("li.comment-pending .comment-awaiting-moderation")))
	if notice := mustRun(t, reader, "read the moderation notice",
		chromedp.Text(chromedp.CSS("li.comment-pending .comment-awaiting-moderation"))); notice != "Your comment is awaiting moderation." {
		t.Fatalf("moderation notice = %q, want %q", notice, "Your comment is awaiting moderation.")
	}
	liID := mustRun(t, reader, "read the held reply's id", chromedp.Evaluate[string](`document.querySelector("li.comment-pending").id`))
	replyID, ok := strings.CutPrefix(liID, "comment-")
	if !ok || replyID == "" {
		t.Fatalf("the held reply's element id is %q, want comment-ID", liID)
	}
	readerProblems.check(t, "posting the reply")

	// The moderator signs in.
	modProblems := watchPageProblems(t, moderator)
	mustRun(t, moderator, "open the sign-in page", chromedp.Navigate(base+"/admin/login"))
	mustRun(t, moderator, "wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS("#password")))
	mustRun(t, moderator, "fill the sign-in form", chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#email"), modEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), modPassword),
	))
	mustRun(t, moderator, "click Sign in", chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)))
	if _, err := chromedp.Run(withTimeout(t, moderator), chromedp.WaitVisible(chromedp.CSS("form.sign-out"))); err != nil {
		loc, _ := chromedp.Run(moderator, chromedp.Location())
		msg, _ := chromedp.Run(moderator, chromedp.Evaluate[string](
			`(document.querySelector(".form-errors") || {innerText: ""}).innerText`))
		t.Fatalf("sign in: no sign-out form (%v); the browser is on %s; message: %q", err, loc, msg)
	}
	if who := mustRun(t, moderator, "read who is signed in", chromedp.Text(chromedp.CSS("form.sign-out .who"))); who != modName+" · Moderator" {
		t.Errorf("signed in as %q, want %q", who, modName+" · Moderator")
	}
	modProblems.check(t, "signing in")

	// The moderator finds the reply in the Pending tab, with the reader's email.
	item := "li#reply-" + replyID
	mustRun(t, moderator, "open the moderation queue", chromedp.Navigate(base+"/admin/comments"))
	mustRun(t, moderator, "find the held reply in the queue", chromedp.WaitVisible(chromedp.CSS(item)))
	if tab := mustRun(t, moderator, "read the active tab", chromedp.Text(chromedp.CSS(`nav.tabs a[aria-current="page"]`))); tab != "Pending 1" {
		t.Errorf("active tab = %q, want %q", tab, "Pending 1")
	}
	if got := mustRun(t, moderator, "read the reply's author", chromedp.Text(chromedp.CSS(item+" .queue-name"))); got != name {
		t.Errorf("queue shows the author as %q, want %q", got, name)
	}
	if got := mustRun(t, moderator, "read the reply's email", chromedp.Text(chromedp.CSS(item+" .queue-email"))); got != email {
		t.Errorf("queue shows the email as %q, want %q: staff must see it", got, email)
	}
	if got := mustRun(t, moderator, "read the reply's text", chromedp.Text(chromedp.CSS(item+" .queue-text"))); !strings.Contains(got, body) {
		t.Errorf("queue shows the text %q, want it to contain %q", got, body)
	}
	approve := item + ` button[formaction="/admin/comments/` + replyID + `/action/approve"]`
	if got := mustRun(t, moderator, "read the Approve button", chromedp.Text(chromedp.CSS(approve))); got != "Approve" {
		t.Errorf("approve button says %q, want %q", got, "Approve")
	}
	modProblems.check(t, "loading the moderation queue")

	// Approve it: the row says so in place, and the Pending tab no longer lists it.
	mustRun(t, moderator, "click Approve", chromedp.Click(chromedp.CSS(approve)))
	mustRun(t, moderator, "see the outcome", chromedp.WaitVisible(chromedp.CSS(item+" .queue-result")))
	if got := mustRun(t, moderator, "read the outcome", chromedp.Text(chromedp.CSS(item+" .queue-result strong"))); got != "Approved." {
		t.Errorf("the row says %q, want %q", got, "Approved.")
	}
	if tab := mustRun(t, moderator, "read the active tab", chromedp.Text(chromedp.CSS(`nav.tabs a[aria-current="page"]`))); tab != "Pending 0" {
		t.Errorf("active tab after Approve = %q, want %q", tab, "Pending 0")
	}
	mustRun(t, moderator, "open the Pending tab again", chromedp.Navigate(base+"/admin/comments"))
	mustRun(t, moderator, "see the empty queue", chromedp.WaitVisible(chromedp.CSS("p.empty")))
	if still := mustRun(t, moderator, "look for the reply in Pending", chromedp.Evaluate[bool](
		`document.getElementById("reply-" + `+jsString(replyID)+`) !== null`)); still {
		t.Errorf("the approved reply is still listed in the Pending tab")
	}
	if empty := mustRun(t, moderator, "read the empty queue", chromedp.Text(chromedp.CSS("p.empty"))); empty != "No pending replies." {
		t.Errorf("empty Pending tab says %q, want %q", empty, "No pending replies.")
	}
	if status := latestReplyStatus(t, a); status != "approved" {
		t.Errorf("the reply is saved as %q, want approved", status)
	}
	modProblems.check(t, "approving the reply")

	// The reader reloads the plain article and sees the reply published.
	published := "li#comment-" + replyID
	mustRun(t, reader, "open the plain article", chromedp.Navigate(articleURL))
	mustRun(t, reader, "see the published reply", chromedp.WaitVisible(chromedp.CSS(published+" .comment-content")))
	if loc := mustRun(t, reader, "read the location", chromedp.Location()); loc != articleURL {
		t.Errorf("reader is on %s, want %s", loc, articleURL)
	}
	if shown := mustRun(t, reader, "read the published reply", chromedp.Text(chromedp.CSS(published+" .comment-content"))); !strings.Contains(shown, body) {
		t.Errorf("published reply shows %q, want it to contain %q", shown, body)
	}
	if author := mustRun(t, reader, "read the published reply's author", chromedp.Text(chromedp.CSS(published+" .comment-author"))); author != name {
		t.Errorf("published reply's author = %q, want %q", author, name)
	}
	type readerView struct {
		Pending  bool `json:"pending"`
		Notices  int  `json:"notices"`
		Held     int  `json:"held"`
		Approved int  `json:"approved"`
	}
	got := mustRun(t, reader, "read the thread", chromedp.Evaluate[readerView](`(() => {
		const li = document.getElementById("comment-" + `+jsString(replyID)+`);
		return {
			pending: li.classList.contains("comment-pending"),
			notices: document.querySelectorAll(".comment-awaiting-moderation").length,
			held: document.querySelectorAll("li.comment-pending").length,
			approved: document.querySelectorAll("li.comment").length,
		};
	})()`))
	if got.Pending || got.Notices != 0 || got.Held != 0 {
		t.Errorf("after approval the reader's page still marks a reply as held: %+v", got)
	}
	if got.Approved != 4 { // the demo's three replies and this one
		t.Errorf("%d replies on the article, want 4", got.Approved)
	}
	html := mustRun(t, reader, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(html, "awaiting moderation") {
		t.Errorf("the plain article page still says \"awaiting moderation\"")
	}
	if strings.Contains(strings.ToLower(html), strings.ToLower(email)) {
		t.Errorf("the article page shows the reader's email %q; it must never be published", email)
	}
	readerProblems.check(t, "reading the published reply")
}

// withTimeout returns ctx bounded by actionTimeout, for steps whose failure needs a
// message of its own rather than mustRun's.
func withTimeout(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	actx, cancel := context.WithTimeout(ctx, actionTimeout)
	t.Cleanup(cancel)
	return actx
}
