package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// hostileWatch collects what a page must never do with hostile content: open a
// JavaScript dialog, write to the console, or break its Content Security Policy (as
// the page itself sees it, through securitypolicyviolation events). Payloads call
// alert, prompt, confirm and console.log. watchPageProblems, used beside it, reports
// script errors and the violations the browser logs.
type hostileWatch struct {
	mu   sync.Mutex
	list []string
}

// recordViolations runs before any script of each page the tab opens.
const recordViolations = `window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber + " " + e.sample);
}, true);`

func watchHostile(t *testing.T, ctx context.Context) *hostileWatch {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations}); err != nil {
		t.Fatalf("Page.addScriptToEvaluateOnNewDocument: %v", err)
	}
	w := &hostileWatch{}
	// A dialog stops the page until it is answered; the listener cannot answer it
	// itself, so it asks this goroutine to.
	dialogs := make(chan struct{}, 64)
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			w.add(fmt.Sprintf("JavaScript %s dialog: %q", ev.Type, ev.Message))
			select {
			case dialogs <- struct{}{}:
			default:
			}
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			w.add(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		case *log.EventEntryAdded:
			if e := ev.Entry; e != nil {
				w.add(fmt.Sprintf("browser log (%s %s): %s", e.Source, e.Level, e.Text))
			}
		}
	})
	if err != nil {
		t.Fatalf("listen to the page's events: %v", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-dialogs:
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}
		}
	}()
	return w
}

func (w *hostileWatch) add(problem string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, problem)
}

// check fails the test for every problem seen so far, and for the Content Security
// Policy violations the page now open has recorded.
func (w *hostileWatch) check(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	violations := mustRun(t, ctx, "read the recorded violations", chromedp.Evaluate[[]string](`window.__violations || []`))
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, problem := range w.list {
		t.Errorf("%s: %.300s", when, problem)
	}
	for _, v := range violations {
		t.Errorf("%s: Content Security Policy violation: %.300s", when, v)
	}
	w.list = nil
}

// domShape is what a page's DOM holds: its elements by tag and attribute names
// outside the replies, and each reply's elements.
type domShape struct {
	Outside map[string]int `json:"outside"`
	Items   []domItem      `json:"items"`
}

type domItem struct {
	ID    string         `json:"id"`
	Outer map[string]int `json:"outer"` // around the reply's text
	Inner []domElement   `json:"inner"` // inside it
	Name  string         `json:"name"`
	Site  string         `json:"site"`
	Text  string         `json:"text"`
}

type domElement struct {
	Sig   string            `json:"sig"`
	Attrs map[string]string `json:"attrs"`
}

// readShape returns a function that reads the DOM's shape, given the selectors of a
// reply, of its text, of its author's name and of its website link.
const readShape = `(item, text, name, site) => {
  const sig = el => el.localName + "[" + [...el.attributes].map(a => a.name).sort().join(" ") + "]";
  const attrs = el => Object.fromEntries([...el.attributes].map(a => [a.name, a.value]));
  const outside = {};
  for (const el of document.querySelectorAll("*")) {
    if (!el.closest(item)) outside[sig(el)] = (outside[sig(el)] || 0) + 1;
  }
  const items = [];
  for (const li of document.querySelectorAll(item)) {
    const it = {id: li.id, outer: {}, inner: [], name: "", site: "", text: ""};
    for (const el of [li, ...li.querySelectorAll("*")]) {
      if (el.closest(item) !== li) continue; // a nested reply is an item of its own
      const box = el.parentElement && el.parentElement.closest(text);
      if (box && li.contains(box)) {
        it.inner.push({sig: sig(el), attrs: attrs(el)});
      } else {
        it.outer[sig(el)] = (it.outer[sig(el)] || 0) + 1;
      }
    }
    const n = li.querySelector(name), s = li.querySelector(site), x = li.querySelector(text);
    it.name = n ? n.textContent : "";
    it.site = s ? s.getAttribute("href") : "";
    it.text = x ? x.textContent : "";
    items.push(it);
  }
  return {outside, items};
}`

func articleShape(t *testing.T, ctx context.Context) domShape {
	t.Helper()
	return mustRun(t, ctx, "read the article's DOM", chromedp.Evaluate[domShape](
		`(`+readShape+`)("li.comment", ".comment-content", ".comment-author", ".comment-author a")`))
}

func queueShape(t *testing.T, ctx context.Context) domShape {
	t.Helper()
	return mustRun(t, ctx, "read the queue's DOM", chromedp.Evaluate[domShape](
		`(`+readShape+`)("li.queue-item", ".queue-text", ".queue-name", ".queue-url")`))
}

// storedReply is a reply as the database holds it.
type storedReply struct{ name, site, body string }

// checkReplies checks that each reply of want is in shape as text: around its text
// the same elements as one of the plain replies (when plain names any), inside it
// only paragraphs, line breaks and web links, its name, website and text as stored.
func checkReplies(t *testing.T, where string, shape domShape, idPrefix string, want map[string]storedReply, plain []string) {
	t.Helper()
	byID := map[string]domItem{}
	for _, it := range shape.Items {
		byID[strings.TrimPrefix(it.ID, idPrefix)] = it
	}
	var allowed []map[string]int
	for _, id := range plain {
		it, ok := byID[id]
		if !ok {
			t.Fatalf("%s: the plain reply %s is missing", where, id)
		}
		allowed = append(allowed, it.Outer)
	}
	for id, r := range want {
		it, ok := byID[id]
		if !ok {
			t.Errorf("%s: reply %s (name %.60q) is missing", where, id, r.name)
			continue
		}
		if len(plain) > 0 && !slices.ContainsFunc(allowed, func(a map[string]int) bool { return maps.Equal(a, it.Outer) }) {
			t.Errorf("%s: reply %s (name %.60q) has other elements than a plain reply: %v, want one of %v", where, id, r.name, it.Outer, allowed)
		}
		for _, el := range it.Inner {
			href := strings.ToLower(el.Attrs["href"])
			link := el.Sig == "a[href rel]" && el.Attrs["rel"] == "nofollow ugc" && (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://"))
			if el.Sig != "p[]" && el.Sig != "br[]" && !link {
				t.Errorf("%s: reply %s (text %.60q) shows the element %s %v, which came from its text", where, id, r.body, el.Sig, el.Attrs)
			}
		}
		if it.Name != r.name {
			t.Errorf("%s: reply %s shows the name %.80q, want %.80q", where, id, it.Name, r.name)
		}
		if !hostile.SameAddress(it.Site, r.site) {
			t.Errorf("%s: reply %s links to %.80q, want %.80q", where, id, it.Site, r.site)
		}
		if got, want := it.Text, r.body; !hostile.SameText(got, want) {
			t.Errorf("%s: reply %s shows the text %.80q, want %.80q (spacing aside)", where, id, got, want)
		}
	}
}

// Ensure the hostile corpus, sent as replies' names, websites and texts (a few through
// the reply form in Chromium, the rest stored directly, as the form stores them) runs
// nothing in the browser: no dialog, console message or Content Security Policy
// violation on the reader's held-reply page, on every page of the moderation queue or
// on the article with all of them approved; and adds no element: each reply has the
// elements of a plain reply, and the rest of the article page is unchanged.
func TestBrowser_HostileRepliesRunNoScript(t *testing.T) {
	t.Parallel()
	reader := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a)
	ctx := context.Background()
	corpus := hostile.Corpus(t)
	article, err := a.Store.PublishedArticle(ctx, demo.ArticleSlug)
	if err != nil {
		t.Fatal(err)
	}
	articleURL := base + "/articles/" + demo.ArticleSlug
	problems := watchPageProblems(t, reader)
	watch := watchHostile(t, reader)

	// Plain replies, one with a website and one without, show what a reply is made of.
	insert := func(c []*model.Comment) {
		t.Helper()
		err := a.Store.Tx(ctx, func(tx *store.Store) error {
			for _, cm := range c {
				if err := tx.CreateComment(ctx, cm); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	reply := func(email, name, site, body string, status model.CommentStatus) *model.Comment {
		return &model.Comment{ArticleID: article.ID, AuthorName: name, AuthorEmail: email, AuthorURL: site, Body: body,
			Status: status, UserAgent: "Mozilla/5.0 (hostile test)", ClientHash: "hostile-test", ClientPrefix: "127.0.0.0/24",
			HeldReason: "every reply is held (manual moderation)"}
	}
	plainApproved := []*model.Comment{
		reply("plain-1@example.com", "Plain Reader One", "https://plain.example.org/", "A plain reply.", model.CommentApproved),
		reply("plain-2@example.com", "Plain Reader Two", "", "Another plain reply.", model.CommentApproved),
	}
	insert(plainApproved)
	mustRun(t, reader, "open the article", chromedp.Navigate(articleURL))
	reference := articleShape(t, reader)
	problems.check(t, "loading the article with plain replies")
	watch.check(t, reader, "loading the article with plain replies")

	// A few through the reply form, as a reader's browser sends them.
	p := slices.IndexFunc(corpus, func(s string) bool { return strings.HasPrefix(s, "jaVasCript:") })
	if p < 0 {
		t.Fatal("the corpus has no XSS polyglot")
	}
	polyglot := corpus[p]
	formReplies := []struct{ comment, name, site string }{
		{"</textarea><script>alert(1)</script>\n\"><svg/onload=alert(1)>", "\"><svg/onload=alert(1)>", `https://example.org/"><svg/onload=alert(1)>`},
		{"[x](javascript:alert(1)) <img src=x onerror=console.log(1)>\n\n{{.}} ${7*7}", "{{.}} {{template \"x\"}} ${7*7} <%= 7*7 %>", ""},
		{polyglot, "\u202Egnp.exe\u202C evil \u202Dltr\u202C", `https://example.org/?q=<script>alert(1)</script>&x="'`},
	}
	for i, f := range formReplies {
		mustRun(t, reader, "open the article", chromedp.Navigate(articleURL))
		mustRun(t, reader, "wait for the reply form", chromedp.WaitVisible(chromedp.CSS("#respond")))
		// Key by key into four fields: a bound of a step per field.
		mustRunWithin(t, reader, "type the reply", 4*actionTimeout, fillReplyForm(f.comment, f.name, fmt.Sprintf("form-%d@example.com", i), f.site))
		// Typing cannot enter every character (direction controls are dropped): what is
		// sent is what the form holds.
		typed := storedReply{
			name: mustRun(t, reader, "read the name", chromedp.Value(chromedp.CSS("#author"))),
			site: mustRun(t, reader, "read the website", chromedp.Value(chromedp.CSS("#url"))),
			body: mustRun(t, reader, "read the comment", chromedp.Value(chromedp.CSS("#comment"))),
		}
		if typed.body != f.comment {
			t.Errorf("the comment box holds %q, want %q as typed", typed.body, f.comment)
		}
		submitReplyAndWaitForPending(t, reader)
		heldID := mustRun(t, reader, "read the held reply's id", chromedp.Evaluate[string](`document.querySelector("li.comment-pending").id`))
		checkReplies(t, "the reader's held reply", articleShape(t, reader), "comment-",
			map[string]storedReply{strings.TrimPrefix(heldID, "comment-"): typed}, nil)
		problems.check(t, "posting a hostile reply through the form")
		watch.check(t, reader, "posting a hostile reply through the form")
	}

	// The rest stored as the form would store them: a field the form refuses is plain.
	var held []*model.Comment
	for i, s := range corpus {
		c := reply(fmt.Sprintf("hostile-%d@example.com", i), s, s, s, model.CommentPending)
		var invalid *model.ValidationError
		if err := c.Validate(); err != nil && !errors.As(err, &invalid) {
			t.Fatal(err)
		} else if invalid != nil {
			for field := range invalid.Fields {
				switch field {
				case model.FieldBody:
					c.Body = "A plain reply."
				case model.FieldName:
					c.AuthorName = "Plain Reader"
				case model.FieldURL:
					c.AuthorURL = ""
				}
			}
		}
		held = append(held, c)
	}
	plainHeld := []*model.Comment{
		reply("plain-3@example.com", "Plain Reader Three", "https://plain.example.org/", "A plain held reply.", model.CommentPending),
		reply("plain-4@example.com", "Plain Reader Four", "", "Another plain held reply.", model.CommentPending),
	}
	insert(append(held, plainHeld...))
	want := storedReplies(t, a, model.CommentPending)
	for _, c := range plainHeld {
		delete(want, fmt.Sprint(c.ID))
	}
	if len(want) < len(corpus)+len(formReplies) {
		t.Fatalf("%d replies held, want the %d of the corpus and the form", len(want), len(corpus)+len(formReplies))
	}

	// A moderator reads every page of the queue, in a browser profile of their own.
	staff, cancel := chromedp.NewContext(reader, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(staff); err != nil {
		t.Fatal(err)
	}
	const modEmail, modPassword = "mona.hostile@example.com", "quiet violet harbour"
	if err := app.AddUser(ctx, a.Config, modEmail, "Mona Moderator", model.RoleModerator, strings.NewReader(modPassword+"\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	staffProblems := watchPageProblems(t, staff)
	staffWatch := watchHostile(t, staff)
	signInBrowser(t, staff, base, modEmail, modPassword)
	queue := domShape{}
	for page := 1; ; page++ {
		mustRun(t, staff, "open the queue", chromedp.Navigate(fmt.Sprintf("%s/admin/comments?page=%d", base, page)))
		shape := queueShape(t, staff)
		queue.Items = append(queue.Items, shape.Items...)
		staffProblems.check(t, fmt.Sprintf("moderation queue page %d", page))
		staffWatch.check(t, staff, fmt.Sprintf("moderation queue page %d", page))
		if next := mustRun(t, staff, "look for the next page", chromedp.Evaluate[bool](`!!document.querySelector('a[rel="next"]')`)); !next {
			break
		}
	}
	checkReplies(t, "moderation queue", queue, "reply-", want, []string{fmt.Sprint(plainHeld[0].ID), fmt.Sprint(plainHeld[1].ID)})

	// The reader reads the article with all of them approved.
	var ids []int64
	for _, it := range queue.Items {
		var id int64
		if _, err := fmt.Sscanf(it.ID, "reply-%d", &id); err == nil {
			ids = append(ids, id)
		}
	}
	if n, err := a.Store.SetCommentStatus(ctx, ids, model.CommentApproved, "", time.Now()); err != nil || n != len(want)+len(plainHeld) {
		t.Fatalf("approved %d replies (%v), want %d", n, err, len(want)+len(plainHeld))
	}
	mustRun(t, reader, "open the article", chromedp.Navigate(articleURL))
	shown := articleShape(t, reader)
	problems.check(t, "reading the article with the hostile replies")
	watch.check(t, reader, "reading the article with the hostile replies")
	checkReplies(t, "article page", shown, "comment-", want, []string{fmt.Sprint(plainApproved[0].ID), fmt.Sprint(plainApproved[1].ID)})
	if !maps.Equal(reference.Outside, shown.Outside) {
		t.Errorf("outside the replies, the article's elements changed: %v, before %v", shown.Outside, reference.Outside)
	}
	if got := len(shown.Items) - len(reference.Items); got != len(want)+len(plainHeld) {
		t.Errorf("the article shows %d more replies than before, want %d", got, len(want)+len(plainHeld))
	}
	// A direction override typed before a link or in a name must not turn them around
	// on screen: names and links in replies are isolated from the text around them.
	notIsolated := mustRun(t, reader, "read the replies' names and links", chromedp.Evaluate[[]string](`
		[...document.querySelectorAll(".comment-author, .comment-content a")]
			.filter(el => getComputedStyle(el).unicodeBidi !== "isolate")
			.map(el => el.className || el.tagName)`))
	if len(notIsolated) > 0 {
		t.Errorf("%d names or links in replies are not bidi-isolated, so an override in the text reverses them: %v", len(notIsolated), notIsolated[:min(5, len(notIsolated))])
	}
}

// storedReplies returns the replies with the status, by ID, as stored.
func storedReplies(t *testing.T, a *app.App, status model.CommentStatus) map[string]storedReply {
	t.Helper()
	db := storetest.Open(t, a.Config.DBPath)
	rows, err := db.Query(`SELECT id, author_name, author_url, body FROM comments WHERE status = ?`, string(status))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	replies := map[string]storedReply{}
	for rows.Next() {
		var id int64
		var r storedReply
		if err := rows.Scan(&id, &r.name, &r.site, &r.body); err != nil {
			t.Fatal(err)
		}
		replies[fmt.Sprint(id)] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return replies
}

// previewElement is an element of the live preview, as the browser built it.
type previewElement struct {
	Tag   string            `json:"tag"`
	Attrs map[string]string `json:"attrs"`
}

// readPreview lists the elements inside the live preview.
const readPreview = `[...document.querySelectorAll("#live-preview *")].map(el => ({
  tag: el.localName, attrs: Object.fromEntries([...el.attributes].map(a => [a.name, a.value]))}))`

// previewProblems says what in the live preview could run or restyle the page.
func previewProblems(elements []previewElement) []string {
	var problems []string
	for _, el := range elements {
		switch el.Tag {
		case "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "link", "meta", "template", "portal", "form":
			problems = append(problems, fmt.Sprintf("an element %s %v", el.Tag, el.Attrs))
		}
		for name, value := range el.Attrs {
			cleaned := strings.Map(func(r rune) rune {
				if r <= ' ' || r == 0x7f {
					return -1
				}
				return r
			}, strings.ToLower(value))
			switch {
			case strings.HasPrefix(name, "on"):
				problems = append(problems, fmt.Sprintf("an event handler %s=%.60q on %s", name, value, el.Tag))
			case name == "style":
				problems = append(problems, fmt.Sprintf("a style attribute %.60q on %s", value, el.Tag))
			case (name == "href" || name == "src" || name == "srcset" || name == "action" || name == "formaction" || name == "xlink:href") &&
				(strings.HasPrefix(cleaned, "javascript:") || strings.HasPrefix(cleaned, "data:") || strings.HasPrefix(cleaned, "vbscript:")):
				problems = append(problems, fmt.Sprintf("%s=%.60q on %s", name, value, el.Tag))
			}
		}
	}
	return problems
}

// Ensure the editor's live preview runs nothing from the hostile corpus in Chromium:
// typed into the body (in batches, through the editor's own script) and sent one by
// one into the same preview, no string opens a dialog, writes to the console, breaks
// the Content Security Policy, or leaves script, an event handler, a style, a frame
// or a javascript: or data: address in the preview; and the page around the preview
// keeps its elements.
func TestBrowser_HostileEditorPreviewRunsNoScript(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	corpus := hostile.Corpus(t)
	const email, password = "ed.hostile@example.com", "writing by lamplight"
	if err := app.AddUser(context.Background(), a.Config, email, "Ed Editor", model.RoleEditor, strings.NewReader(password+"\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	problems := watchPageProblems(t, ctx)
	watch := watchHostile(t, ctx)
	signInBrowser(t, ctx, base, email, password)
	mustRun(t, ctx, "open the editor", chromedp.Navigate(base+"/admin/articles/new"))
	outside := `(() => { const n = {}; for (const el of document.querySelectorAll("*")) { if (!el.closest("#live-preview")) {
	  const s = el.localName + "[" + [...el.attributes].map(a => a.name).sort().join(" ") + "]"; n[s] = (n[s] || 0) + 1; } } return n; })()`
	reference := mustRun(t, ctx, "read the editor's DOM", chromedp.Evaluate[map[string]int](outside))
	problems.check(t, "opening the editor")
	watch.check(t, ctx, "opening the editor")

	// Typed into the body: the editor's script asks for the preview and shows it.
	const batches = 8
	for b := range batches {
		lo, hi := b*len(corpus)/batches, (b+1)*len(corpus)/batches
		marker := fmt.Sprintf("Preview batch %d of %d.", b+1, batches)
		body := marker + "\n\n" + strings.Join(corpus[lo:hi], "\n\n")
		quoted, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		var typed string // as a browser holds it: bytes that are not UTF-8 become U+FFFD
		if err := json.Unmarshal(quoted, &typed); err != nil {
			t.Fatal(err)
		}
		// As typing does: set the text, then tell the editor's script it changed.
		got := mustRun(t, ctx, "type a batch into the body", chromedp.Evaluate[string](`(() => {
		  const body = document.getElementById("body");
		  body.value = `+string(quoted)+`;
		  body.dispatchEvent(new Event("input", {bubbles: true}));
		  return body.value;
		})()`))
		if got != typed {
			t.Fatalf("the body holds %d bytes, want the %d typed", len(got), len(typed))
		}
		mustRun(t, ctx, "wait for the preview of "+marker, chromedp.Poll[bool](
			`document.getElementById("live-preview").textContent.includes(`+jsString(marker)+`)`,
			chromedp.WithPollingTimeout(actionTimeout)))
		elements := mustRun(t, ctx, "read the preview", chromedp.Evaluate[[]previewElement](readPreview))
		for _, p := range previewProblems(elements) {
			t.Errorf("live preview of strings %d to %d: %s", lo, hi-1, p)
		}
		if now := mustRun(t, ctx, "read the editor's DOM", chromedp.Evaluate[map[string]int](outside)); !maps.Equal(now, reference) {
			t.Errorf("live preview of strings %d to %d changed the editor around it: %v, before %v", lo, hi-1, now, reference)
		}
		problems.check(t, fmt.Sprintf("live preview of strings %d to %d", lo, hi-1))
		watch.check(t, ctx, fmt.Sprintf("live preview of strings %d to %d", lo, hi-1))
	}

	// One by one, into the same element the same way, so that no string hides another.
	values, err := json.Marshal(corpus)
	if err != nil {
		t.Fatal(err)
	}
	type previewResult struct {
		Status   int              `json:"status"`
		Elements []previewElement `json:"elements"`
	}
	results := mustRunWithin(t, ctx, "preview each string", corpusTimeout, chromedp.Evaluate[[]previewResult](`(async (values) => {
	  const preview = document.getElementById("live-preview");
	  const out = [];
	  for (const v of values) {
	    const data = new URLSearchParams();
	    data.set("body", v);
	    data.set("references", "1");
	    const res = await fetch("/admin/preview", {method: "POST", body: data, credentials: "same-origin"});
	    if (!res.ok) { out.push({status: res.status, elements: []}); continue; }
	    preview.innerHTML = await res.text();
	    out.push({status: res.status, elements: `+readPreview+`});
	  }
	  return out;
	})(`+string(values)+`)`, chromedp.EvalAwaitPromise))
	if len(results) != len(corpus) {
		t.Fatalf("%d previews for %d strings", len(results), len(corpus))
	}
	for i, r := range results {
		if r.Status != 200 {
			t.Errorf("string %d %.60q: the preview answered %d", i, corpus[i], r.Status)
		}
		for _, p := range previewProblems(r.Elements) {
			t.Errorf("string %d %.60q: live preview: %s", i, corpus[i], p)
		}
	}
	if now := mustRun(t, ctx, "read the editor's DOM", chromedp.Evaluate[map[string]int](outside)); !maps.Equal(now, reference) {
		t.Errorf("the previews changed the editor around them: %v, before %v", now, reference)
	}
	problems.check(t, "previewing each string")
	watch.check(t, ctx, "previewing each string")
}
