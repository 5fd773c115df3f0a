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
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure a signed-in moderator answers a reader on the article page itself: the form
// says "Replying as" their account instead of asking for a name and email, the answer
// is published at once under their account's name, marked Staff, nested under the
// reply it answers, without their email; readers see it and keep their own form; and
// "Sign out" in the form brings the moderator back to the article as a reader, with
// no script error or Content Security Policy violation on the way.
func TestBrowser_ModeratorRepliesOnTheArticleAsStaff(t *testing.T) {
	t.Parallel()
	moderator := newBrowser(t)
	reader := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a)
	const (
		modEmail    = "mona.moderator@example.com"
		modName     = "Mona Moderator"
		modPassword = "quiet violet harbour"
		answer      = "Thanks, Priya. Cutting back slowly also avoids the withdrawal headache."
	)
	if err := app.AddUser(context.Background(), a.Config, modEmail, modName, model.RoleModerator,
		strings.NewReader(modPassword+"\n"), io.Discard); err != nil {
		t.Fatalf("add the moderator: %v", err)
	}
	articleURL := base + "/articles/" + demo.ArticleSlug

	problems := watchPageProblems(t, moderator)
	signInBrowser(t, moderator, base, modEmail, modPassword)
	mustRun(t, moderator, "open the article", chromedp.Navigate(articleURL))
	mustRun(t, moderator, "wait for the staff reply form", chromedp.WaitVisible(chromedp.CSS("#replying-as")))
	if who := mustRun(t, moderator, "read who is replying", chromedp.Text(chromedp.CSS(".replying-as-who"))); who != "Replying as "+modName+" (moderator)" {
		t.Errorf("the form says %q, want %q", who, "Replying as "+modName+" (moderator)")
	}
	if fields := mustRun(t, moderator, "look for the reader's fields", chromedp.Evaluate[int](
		`["author", "email", "url", "remember"].filter(id => document.getElementById(id) !== null).length`)); fields != 0 {
		t.Errorf("the staff form has %d of the reader's fields (name, email, website, remember), want none", fields)
	}
	problems.check(t, "loading the article signed in")

	// Answer Priya from her Reply link: the form moves under her reply.
	mustRun(t, moderator, "click Reply under Priya's reply", chromedp.Click(chromedp.CSS(`a.comment-reply-link[data-author="Priya N."]`)))
	mustRun(t, moderator, "type the answer", chromedp.SendKeys(chromedp.CSS("#comment"), answer))
	mustRun(t, moderator, "post it", chromedp.Click(chromedp.CSS("#submit")))
	mustRun(t, moderator, "see the answer published", chromedp.WaitVisible(chromedp.CSS("li.comment-staff .comment-content")))
	waitLoaded(t, moderator)
	type published struct {
		Author    string `json:"author"`
		Badge     string `json:"badge"`
		Role      string `json:"role"`
		Text      string `json:"text"`
		Parent    string `json:"parent"`
		Pending   bool   `json:"pending"`
		StaffForm bool   `json:"staffForm"`
	}
	got := mustRun(t, moderator, "read the answer", chromedp.Evaluate[published](`(() => {
		const li = document.querySelector("li.comment-staff");
		const parent = li.parentElement.closest("li.comment");
		return {
			author: li.querySelector(".comment-author").textContent,
			badge: li.querySelector(".staff-badge").textContent,
			role: li.querySelector(".staff-role").textContent,
			text: li.querySelector(".comment-content").textContent,
			parent: parent ? parent.querySelector(".comment-author").textContent : "",
			pending: li.classList.contains("comment-pending"),
			staffForm: document.getElementById("replying-as") !== null,
		};
	})()`))
	if got.Author != modName || got.Badge != "Staff" || got.Role != "Moderator" || !strings.Contains(got.Text, answer) ||
		got.Parent != "Priya N." || got.Pending || !got.StaffForm {
		t.Errorf("the answer on the page: %+v; want %s, Staff, Moderator, the text, under Priya N., published, the staff form still there", got, modName)
	}
	if html := mustRun(t, moderator, "read the page", chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, modEmail) {
		t.Errorf("the page shows the moderator's email")
	}
	db := storetest.Open(t, a.Config.DBPath)
	var name, status, owner string
	var sealed bool
	if err := db.QueryRow(`SELECT c.author_name, c.status, u.email, c.author_email_enc IS NOT NULL
		FROM comments c JOIN users u ON u.id = c.user_id ORDER BY c.id DESC LIMIT 1`).Scan(&name, &status, &owner, &sealed); err != nil {
		t.Fatalf("read the saved answer: %v", err)
	}
	if name != modName || status != "approved" || owner != modEmail || sealed {
		t.Errorf("saved as %q, %q, account %q, email stored %v; want %q, approved, the moderator's account, no email", name, status, owner, sealed, modName)
	}
	problems.check(t, "posting the answer")

	// A reader sees the answer, marked Staff, and the reader's form.
	readerProblems := watchPageProblems(t, reader)
	mustRun(t, reader, "open the article", chromedp.Navigate(articleURL))
	mustRun(t, reader, "see the staff answer", chromedp.WaitVisible(chromedp.CSS("li.comment-staff .staff-badge")))
	if staffForm := mustRun(t, reader, "look for the staff form", chromedp.Evaluate[bool](
		`document.getElementById("replying-as") !== null || document.getElementById("author") === null`)); staffForm {
		t.Errorf("the reader is shown the staff form, or no name field")
	}
	readerProblems.check(t, "reading the answer")

	// "Sign out" in the form comes back to the article, as a reader.
	mustRun(t, moderator, "click Sign out in the reply form", chromedp.Click(chromedp.CSS(`button[form="reply-sign-out"]`)))
	mustRun(t, moderator, "see the reader's form", chromedp.WaitVisible(chromedp.CSS("#author")))
	waitLoaded(t, moderator)
	if loc := mustRun(t, moderator, "read the location", chromedp.Location()); !strings.HasPrefix(loc, articleURL) {
		t.Errorf("after signing out the browser is on %s, want the article", loc)
	}
	if replying := mustRun(t, moderator, "look for Replying as", chromedp.Evaluate[bool](`document.getElementById("replying-as") !== null`)); replying {
		t.Errorf("after signing out the form still says Replying as")
	}
	problems.check(t, "signing out from the reply form")
}
