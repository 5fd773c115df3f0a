package app_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// signInBrowser signs in at /admin/login in the browser of ctx.
func signInBrowser(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	mustRun(t, ctx, "open the sign-in page", chromedp.Navigate(base+"/admin/login"))
	mustRun(t, ctx, "fill the sign-in form", chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	))
	mustRun(t, ctx, "click Sign in", chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)))
	mustRun(t, ctx, "wait for the staff header", chromedp.WaitVisible(chromedp.CSS("form.sign-out")))
}

// clickAndWaitFlash clicks the button and waits for the page it leads to, which
// reports the outcome in p.flash.
func clickAndWaitFlash(t *testing.T, ctx context.Context, what, button string) string {
	t.Helper()
	mustRun(t, ctx, "remove the old message", chromedp.Evaluate[bool](`(() => { const f = document.querySelector("p.flash"); if (f) f.remove(); return true })()`))
	mustRun(t, ctx, what, chromedp.Click(chromedp.CSS(button)))
	mustRun(t, ctx, "wait for the outcome of: "+what, chromedp.WaitVisible(chromedp.CSS("p.flash")))
	return mustRun(t, ctx, "read the outcome of: "+what, chromedp.Text(chromedp.CSS("p.flash")))
}

// Ensure an author can write an article with two references in the browser and send
// it for review (and is offered no Publish), a reviewer can sign it off, an editor can
// publish it, and a reader can then find it through the search box and read it with
// its review and references.
func TestBrowser_AuthorWritesReviewerSignsEditorPublishesReaderFindsIt(t *testing.T) {
	t.Parallel()
	authorB := newBrowser(t)
	reviewerB := newBrowser(t)
	editorB := newBrowser(t)
	readerB := newBrowser(t)
	a, base := startApp(t)
	ctx := context.Background()
	for _, u := range []struct{ email, name, pw string }{
		{"ana.author@example.com", "Ana Author", "writing by lamplight"},
		{"rui.reviewer@example.com", "Dr. Rui Costa", "checking every source"},
		{"eva.editor@example.com", "Eva Editor", "publishing with care"},
	} {
		role := model.RoleAuthor
		switch {
		case strings.HasPrefix(u.email, "rui"):
			role = model.RoleReviewer
		case strings.HasPrefix(u.email, "eva"):
			role = model.RoleEditor
		}
		if err := app.AddUser(ctx, a.Config, u.email, u.name, role, strings.NewReader(u.pw+"\n"), io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	db := storetest.Open(t, a.Config.DBPath)
	if _, err := db.Exec(`UPDATE users SET credentials = 'MD, sports physician' WHERE email = 'rui.reviewer@example.com'`); err != nil {
		t.Fatal(err)
	}
	problems := watchPageProblems(t, authorB)

	// The author writes the article.
	signInBrowser(t, authorB, base, "ana.author@example.com", "writing by lamplight")
	mustRun(t, authorB, "open the editor", chromedp.Navigate(base+"/admin/articles/new"))
	const title = "Magnesium and Night Cramps"
	// Typing key by key, with the live preview answering, is the slowest step of all
	// on a loaded machine: it gets the bound of a step per field.
	mustRunWithin(t, authorB, "write the article", 9*actionTimeout, chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#summary"), "What the evidence says about magnesium for cramps at night."),
		chromedp.SendKeys(chromedp.CSS("#body"), "Night cramps are common in older adults [1].\n\nMagnesium has been tried widely, with mixed results [2]."),
		chromedp.SendKeys(chromedp.CSS("#tags"), "Sleep, Muscle health"),
		chromedp.SendKeys(chromedp.CSS(`.reference-rows li:nth-child(1) input[name="ref_title"]`), "Nocturnal leg cramps in older people"),
		chromedp.SendKeys(chromedp.CSS(`.reference-rows li:nth-child(1) input[name="ref_url"]`), "https://example.org/cramps"),
		chromedp.SendKeys(chromedp.CSS(`.reference-rows li:nth-child(2) input[name="ref_title"]`), "Magnesium for skeletal muscle cramps"),
		chromedp.SendKeys(chromedp.CSS(`.reference-rows li:nth-child(2) input[name="ref_url"]`), "https://example.org/magnesium"),
		chromedp.SendKeys(chromedp.CSS(`.reference-rows li:nth-child(2) input[name="ref_pmid"]`), "32956536"),
	))
	if got := mustRun(t, authorB, "wait for the live preview", chromedp.Poll[bool](
		`document.getElementById("live-preview").innerText.includes("mixed results")`, chromedp.WithPollingTimeout(actionTimeout))); !got {
		t.Error("the live preview did not show the body")
	}
	if msg := clickAndWaitFlash(t, authorB, "save", `button[name="action"][value="save"]`); msg != "Article saved." {
		t.Fatalf("after saving: %q", msg)
	}
	editURL := mustRun(t, authorB, "read the address", chromedp.Location())
	articleAdmin := strings.TrimSuffix(strings.Split(editURL, "?")[0], "/edit")
	mustRun(t, authorB, "open the article's page", chromedp.Navigate(articleAdmin))
	clickAndWaitFlash(t, authorB, "send for review", `form.status-form input[value="submit"] ~ button`)
	if status := mustRun(t, authorB, "read the status", chromedp.Text(chromedp.CSS(".page-head .status"))); status != "In review" {
		t.Errorf("status after sending for review = %q", status)
	}
	if offered := mustRun(t, authorB, "look for Publish",
		chromedp.Evaluate[bool](`document.querySelector('form.status-form input[value="publish"]') !== null`)); offered {
		t.Error("an author is offered Publish")
	}

	// The reviewer signs it off.
	signInBrowser(t, reviewerB, base, "rui.reviewer@example.com", "checking every source")
	mustRun(t, reviewerB, "open the article", chromedp.Navigate(articleAdmin))
	if msg := clickAndWaitFlash(t, reviewerB, "record the review", `form[action$="/review"] button`); msg != "Your medical review is recorded." {
		t.Errorf("after the review: %q", msg)
	}

	// An editor publishes it.
	signInBrowser(t, editorB, base, "eva.editor@example.com", "publishing with care")
	mustRun(t, editorB, "open the article", chromedp.Navigate(articleAdmin))
	clickAndWaitFlash(t, editorB, "publish", `form.status-form input[value="publish"] ~ button`)
	if status := mustRun(t, editorB, "read the status", chromedp.Text(chromedp.CSS(".page-head .status"))); status != "Published" {
		t.Fatalf("status after publishing = %q", status)
	}
	problems.check(t, "writing and publishing")

	// A reader finds it through search and reads it.
	mustRun(t, readerB, "open the home page", chromedp.Navigate(base+"/"))
	mustRun(t, readerB, "type the search", chromedp.SendKeys(chromedp.CSS(`form[action="/search"] input[name="q"]`), "magnesium cramps"))
	// The home page links the new article too: wait until the search page has loaded.
	isSearchPage := func(ev page.EventFrameNavigated) bool {
		return ev.Frame != nil && ev.Frame.ParentID == "" && strings.Contains(ev.Frame.URL, "/search?q=")
	}
	mustRun(t, readerB, "search", chromedp.WaitEvent(page.FrameNavigated, isSearchPage,
		chromedp.Submit(chromedp.CSS(`form[action="/search"] input[name="q"]`))))
	mustRun(t, readerB, "wait for the search page", chromedp.WaitReady(chromedp.CSS("body")))
	mustRun(t, readerB, "see the result", chromedp.WaitVisible(chromedp.CSS(`main a[href="/articles/magnesium-and-night-cramps"]`)))
	if n := mustRun(t, readerB, "count the results", chromedp.Evaluate[int](`document.querySelectorAll('main a[href="/articles/magnesium-and-night-cramps"]').length`)); n < 1 {
		t.Fatal("the search page does not list the article")
	}
	mustRun(t, readerB, "open the result", chromedp.Click(chromedp.CSS(`main a[href="/articles/magnesium-and-night-cramps"]`)))
	mustRun(t, readerB, "wait for the article", chromedp.WaitVisible(chromedp.CSS("article h1")))
	if h1 := mustRun(t, readerB, "read the title", chromedp.Text(chromedp.CSS("article h1"))); h1 != title {
		t.Errorf("title = %q", h1)
	}
	review := mustRun(t, readerB, "read the review line", chromedp.Text(chromedp.CSS(".review-badge")))
	if !strings.Contains(review, "Medically reviewed by Dr. Rui Costa, MD, sports physician") {
		t.Errorf("review line = %q", review)
	}
	refs := mustRun(t, readerB, "count the references", chromedp.Evaluate[int](`document.querySelectorAll(".references li").length`))
	if refs != 2 {
		t.Errorf("%d references shown, want 2", refs)
	}
	pubmed := mustRun(t, readerB, "read the second reference's PubMed link", chromedp.Evaluate[string](
		`(document.querySelector('#ref-2 a[href="https://pubmed.ncbi.nlm.nih.gov/32956536/"]') || {}).textContent || ""`))
	if pubmed != "PMID 32956536" {
		t.Errorf("the PubMed link of reference 2 reads %q, want PMID 32956536", pubmed)
	}
	marker := mustRun(t, readerB, "follow a citation marker", chromedp.Evaluate[string](`(document.querySelector('.prose a[href="#ref-2"]') || {}).textContent || ""`))
	if marker != "[2]" {
		t.Errorf("citation marker [2] = %q", marker)
	}
}
