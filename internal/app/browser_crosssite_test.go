package app_test

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// forgeryPage is another site's page whose form posts itself to our site as soon as
// it has loaded. Its own inline script runs: only our pages forbid inline script.
var forgeryPage = template.Must(template.New("forgery").Parse(`<!doctype html>
<html><head><title>Win a prize</title></head>
<body>
<form id="forged" method="post" action="{{.Action}}">
{{range $name, $value := .Fields}}<input type="hidden" name="{{$name}}" value="{{$value}}">
{{end}}</form>
<script>window.addEventListener("load", () => document.getElementById("forged").submit());</script>
</body></html>`))

// forgery serves forgeryPage at /?action=URL&field=value…, every parameter but
// action becoming a hidden field.
func forgery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	action := q.Get("action")
	q.Del("action")
	fields := map[string]string{}
	for name := range q {
		fields[name] = q.Get(name)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	forgeryPage.Execute(w, struct {
		Action string
		Fields map[string]string
	}{action, fields})
}

// networkLog records the documents a tab received and the headers it sent.
type networkLog struct {
	mu        sync.Mutex
	documents []network.EventResponseReceived
	headers   map[network.RequestID]network.Headers
}

func watchNetwork(t *testing.T, ctx context.Context) *networkLog {
	t.Helper()
	nl := &networkLog{headers: map[network.RequestID]network.Headers{}}
	err := chromedp.Listen(ctx, func(ev any) {
		nl.mu.Lock()
		defer nl.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventResponseReceived:
			if ev.Type == network.ResourceTypeDocument && ev.Response != nil {
				nl.documents = append(nl.documents, *ev)
			}
		case *network.EventRequestWillBeSentExtraInfo:
			nl.headers[ev.RequestID] = ev.Headers
		}
	})
	if err != nil {
		t.Fatalf("listen to the tab's network events: %v", err)
	}
	return nl
}

// seen returns how many documents the tab has received.
func (nl *networkLog) seen() int {
	nl.mu.Lock()
	defer nl.mu.Unlock()
	return len(nl.documents)
}

// waitFor waits for a cond that reads the log, failing the test after actionTimeout.
// Chromium reports responses and the headers sent apart from the navigation, so
// they may come a little after it.
func (nl *networkLog) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		nl.mu.Lock()
		ok := cond()
		nl.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Chromium did not report %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// document returns the first document received from under base after the first
// skip documents.
func (nl *networkLog) document(t *testing.T, base string, skip int) network.EventResponseReceived {
	t.Helper()
	var found network.EventResponseReceived
	nl.waitFor(t, "a page from "+base, func() bool {
		for _, d := range nl.documents[min(skip, len(nl.documents)):] {
			if strings.HasPrefix(d.Response.URL, base+"/") {
				found = d
				return true
			}
		}
		return false
	})
	return found
}

// header returns the header name that request id was sent with.
func (nl *networkLog) header(t *testing.T, id network.RequestID, name string) string {
	t.Helper()
	var value string
	nl.waitFor(t, "the headers of request "+string(id), func() bool {
		h, ok := nl.headers[id]
		for k, v := range h {
			if strings.EqualFold(k, name) {
				value = fmt.Sprint(v)
			}
		}
		return ok
	})
	return value
}

// Ensure a page on another origin cannot use a reader's browser to post a reply, nor
// a signed-in moderator's browser to post one or to approve a held reply: each forged
// form gets 403 and changes nothing, while the same forms sent from the site's own
// pages work.
func TestBrowser_CrossSitePostsRefused(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	relaxPolicy(t, a)
	db := openRaw(t, a.Config.DBPath)
	const (
		modEmail    = "moss.moderator@example.com"
		modPassword = "copper kettle lantern"
	)
	if err := app.AddUser(context.Background(), a.Config, modEmail, "Moss Moderator", model.RoleModerator,
		strings.NewReader(modPassword+"\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	attacker := httptest.NewServer(http.HandlerFunc(forgery))
	defer attacker.Close()
	port := attacker.URL[strings.LastIndex(attacker.URL, ":")+1:]
	// 127.0.0.1 on another port is the same site as ours but another origin, so the
	// browser sends our SameSite=Lax cookie with the forged POST: only the origin
	// check stands in the way. localhost is another site altogether.
	origins := []string{"http://127.0.0.1:" + port, "http://localhost:" + port}
	netLog := watchNetwork(t, ctx)
	replyURL := base + "/articles/" + demo.ArticleSlug + "/comments"

	// forge has the attacker's page on origin post fields to action, and returns the
	// status of the answer and the Sec-Fetch-Site and Cookie headers the browser sent.
	forge := func(origin, action string, fields url.Values) (int64, string, string) {
		t.Helper()
		q := url.Values{"action": {action}}
		for k, v := range fields {
			q[k] = v
		}
		onOurSite := func(ev page.EventFrameNavigated) bool {
			return ev.Frame != nil && ev.Frame.ParentID == "" && strings.HasPrefix(ev.Frame.URL, base+"/")
		}
		skip := netLog.seen()
		mustRun(t, ctx, "open the forging page on "+origin, chromedp.WaitEvent(page.FrameNavigated, onOurSite,
			chromedp.Navigate(origin+"/?"+q.Encode())))
		heading := readWhenShown(t, ctx, "read the heading of the answer to the forged form", `(() => {
			const h = document.querySelector("h1");
			return location.href.startsWith(`+jsString(base+"/")+`) && document.readyState !== "loading" && h ? h.innerText : "";
		})()`)
		ev := netLog.document(t, base, skip)
		if ev.Response.URL != action {
			t.Errorf("the form forged on %s led to %s (status %d), want the answer from %s itself", origin, ev.Response.URL, ev.Response.Status, action)
		}
		if heading != "Request refused" {
			t.Errorf("forged POST to %s from %s: the page says %q, want %q", action, origin, heading, "Request refused")
		}
		return ev.Response.Status, netLog.header(t, ev.RequestID, "Sec-Fetch-Site"), netLog.header(t, ev.RequestID, "Cookie")
	}
	countReplies := func(text string) int {
		return queryInt(t, db, `SELECT count(*) FROM comments WHERE body = ?`, text)
	}

	// A reader who is not signed in.
	const forgedText = "Forged: buy cheap supplements at example.net"
	forgedReply := url.Values{"comment": {forgedText}, "author": {"Mallory"}, "email": {"mallory@example.net"}, "comment_parent": {"0"}}
	for i, origin := range origins {
		status, fetchSite, _ := forge(origin, replyURL, forgedReply)
		if status != http.StatusForbidden {
			t.Errorf("forged reply from %s as a reader: status %d, want 403", origin, status)
		}
		if want := []string{"same-site", "cross-site"}[i]; fetchSite != want {
			t.Errorf("forged reply from %s went with Sec-Fetch-Site %q; the test expects %q", origin, fetchSite, want)
		}
	}
	if n := countReplies(forgedText); n != 0 {
		t.Fatalf("%d forged replies stored", n)
	}

	// The same form from the site's own page is taken.
	const ownText = "Stretching my calves before bed helps with the night twitches."
	mustRun(t, ctx, "open the article", chromedp.Navigate(base+"/articles/"+demo.ArticleSlug))
	mustRun(t, ctx, "fill the reply form", fillReplyForm(ownText, "Rowan Reader", "rowan.reader@example.com", ""))
	submitReplyAndWaitForPending(t, ctx)
	var replyID int64
	var status string
	if err := db.QueryRow(`SELECT id, status FROM comments WHERE body = ?`, ownText).Scan(&replyID, &status); err != nil {
		t.Fatalf("the reply sent from the site's own page is not stored: %v", err)
	}
	if status != string(model.CommentPending) {
		t.Fatalf("the reply sent from the site's own page is %s, want pending", status)
	}

	// A moderator signed in in the same browser.
	signInBrowser(t, ctx, base, modEmail, modPassword)
	approveURL := fmt.Sprintf("%s/admin/comments/%d/action/approve", base, replyID)
	for _, origin := range origins {
		status, fetchSite, cookie := forge(origin, approveURL, nil)
		if status != http.StatusForbidden {
			t.Errorf("forged approval from %s: status %d, want 403", origin, status)
		}
		if origin == origins[0] && (fetchSite != "same-site" || !strings.Contains(cookie, "fascicle_session=")) {
			t.Errorf("forged approval from %s went with Sec-Fetch-Site %q and cookies %q; the test expects a same-site request carrying the session",
				origin, fetchSite, cookie)
		}
		// A moderator's own reply would be published at once.
		if status, _, _ := forge(origin, replyURL, forgedReply); status != http.StatusForbidden {
			t.Errorf("forged reply from %s as a signed-in moderator: status %d, want 403", origin, status)
		}
	}
	if got := queryText(t, db, `SELECT status FROM comments WHERE id = ?`, replyID); got != string(model.CommentPending) {
		t.Errorf("after the forged approvals the reply is %s, want pending", got)
	}
	if n := countReplies(forgedText); n != 0 {
		t.Errorf("%d forged replies stored", n)
	}

	// The same approval from the site's own queue works.
	mustRun(t, ctx, "open the queue", chromedp.Navigate(base+"/admin/comments"))
	approve := fmt.Sprintf(`li#reply-%d button[formaction="/admin/comments/%d/action/approve"]`, replyID, replyID)
	mustRun(t, ctx, "approve from the queue", chromedp.Click(chromedp.CSS(approve)))
	mustRun(t, ctx, "see it approved in place", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("li#reply-%d .queue-result", replyID))))
	if got := queryText(t, db, `SELECT status FROM comments WHERE id = ?`, replyID); got != string(model.CommentApproved) {
		t.Errorf("after Approve in the queue the reply is %s, want approved", got)
	}
}

// readWhenShown evaluates expr in the tab every 10 ms until it yields a text that is
// not empty, and returns that text, failing the test after actionTimeout. expr checks
// that the page is there and reads it in one step, so that the page cannot change
// between a wait and a read, as it can between chromedp.WaitReady and chromedp.Text
// (whose node may be gone by then). While the tab changes documents an evaluation can
// fail; it is tried again.
func readWhenShown(t *testing.T, ctx context.Context, what, expr string) string {
	t.Helper()
	actx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	var lastErr error
	for {
		text, err := chromedp.Run(actx, chromedp.Evaluate[string](expr))
		if err == nil && text != "" {
			return text
		}
		if err != nil && actx.Err() == nil {
			lastErr = err
		}
		select {
		case <-actx.Done():
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s: nothing to read within %v; the browser is on %s (last error: %v)", what, actionTimeout, loc, lastErr)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// queryText returns the one text value that query selects.
func queryText(t *testing.T, db *storetest.DB, query string, args ...any) string {
	t.Helper()
	var s string
	if err := db.QueryRow(query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}
