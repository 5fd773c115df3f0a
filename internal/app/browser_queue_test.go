package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// queueSite is an app with a moderator signed in to a browser tab, and replies of its
// own waiting in the queue.
type queueSite struct {
	app  *app.App
	base string
	tab  context.Context
	ids  []int64 // the replies added, oldest first: the queue lists them the other way
}

// newQueueSite starts an app, adds the replies named by names as pending (the first
// the oldest), and signs a moderator in.
func newQueueSite(t *testing.T, names ...string) *queueSite {
	t.Helper()
	tab := newBrowser(t)
	a, base := startApp(t)
	ctx := context.Background()
	if err := app.AddUser(ctx, a.Config, "mo.keys@example.com", "Mo Keys", model.RoleModerator,
		strings.NewReader("quiet violet harbour\n"), io.Discard); err != nil {
		t.Fatalf("add the moderator: %v", err)
	}
	q := &queueSite{app: a, base: base, tab: tab}
	start := time.Now().UTC().Add(-time.Hour)
	for i, name := range names {
		c := model.Comment{ArticleID: 1, AuthorName: name, AuthorEmail: fmt.Sprintf("reader%d@example.com", i),
			Body: "A question from " + name + " about twitches.", Status: model.CommentPending,
			CreatedAt: start.Add(time.Duration(i) * time.Minute)}
		if err := a.Store.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		q.ids = append(q.ids, c.ID)
	}
	signInBrowser(t, tab, base, "mo.keys@example.com", "quiet violet harbour")
	return q
}

// status returns the status of the reply id, or "" when there is none.
func (q *queueSite) status(t *testing.T, id int64) string {
	t.Helper()
	db := storetest.Open(t, q.app.Config.DBPath)
	var status string
	switch err := db.QueryRow(`SELECT status FROM comments WHERE id = ?`, id).Scan(&status); {
	case errors.Is(err, sql.ErrNoRows):
		return ""
	case err != nil:
		t.Fatal(err)
	}
	return status
}

// exec runs a statement on the app's database.
func (q *queueSite) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	db := storetest.Open(t, q.app.Config.DBPath)
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

// waitStatus waits until the reply id has status want ("" for deleted).
func (q *queueSite) waitStatus(t *testing.T, id int64, want string) {
	t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for got := q.status(t, id); got != want; got = q.status(t, id) {
		if time.Now().After(deadline) {
			t.Fatalf("reply %d is %q, want %q", id, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// open opens the queue at path and marks the page, so that a test can tell that no
// later step loaded another.
func (q *queueSite) open(t *testing.T, path string) {
	t.Helper()
	mustRun(t, q.tab, "open "+path, chromedp.Navigate(q.base+path))
	waitLoaded(t, q.tab)
	mustRun(t, q.tab, "mark the page", chromedp.Evaluate[chromedp.Void](`window.sameQueuePage = true`))
}

// samePage fails the test if the page was loaded again since open.
func (q *queueSite) samePage(t *testing.T, when string) {
	t.Helper()
	if !mustRun(t, q.tab, "look for the page's mark", chromedp.Evaluate[bool](`window.sameQueuePage === true`)) {
		t.Fatalf("%s: the page was loaded again; the action should have been done in place", when)
	}
}

// tabs returns the queue's tab counts as "Pending 2 Approved 3 …".
func (q *queueSite) tabs(t *testing.T) string {
	t.Helper()
	return mustRun(t, q.tab, "read the tabs", chromedp.Evaluate[string](
		`[...document.querySelectorAll("nav.tabs a")].map(a => a.textContent.trim().replace(/\s+/g, " ")).join(" | ")`))
}

// text returns the text of the element that selector finds, its spaces and line
// breaks each made one space.
func (q *queueSite) text(t *testing.T, selector string) string {
	t.Helper()
	return strings.Join(strings.Fields(mustRun(t, q.tab, "read "+selector, chromedp.Text(chromedp.CSS(selector)))), " ")
}

// focusedRow returns the id of the queue row that has the focus, or "".
func (q *queueSite) focusedRow(t *testing.T) string {
	t.Helper()
	return mustRun(t, q.tab, "find the focused row", chromedp.Evaluate[string](
		`(document.activeElement.closest(".queue-item") || {id: ""}).id`))
}

func rowID(id int64) string { return fmt.Sprintf("reply-%d", id) }

// Ensure the queue's keys work: the hint shows, j and k move a visible focus between
// replies, a approves the reply moved to (and only it), z undoes, x ticks, ? lists
// the keys until Escape, r opens the reply's edit page, and keys typed in a field
// stay there.
func TestBrowser_QueueKeys(t *testing.T) {
	t.Parallel()
	q := newQueueSite(t, "Ada Oldest", "Ben Middle", "Cy Newest")
	oldest, middle, newest := q.ids[0], q.ids[1], q.ids[2]
	problems := watchPageProblems(t, q.tab)
	q.open(t, "/admin/comments")
	problems.check(t, "opening the queue")

	if hint := mustRun(t, q.tab, "read the keys hint", chromedp.Evaluate[string](
		`(() => { const h = document.querySelector(".keys-hint"); return h && !h.hidden && h.offsetHeight > 0 ? h.textContent.trim().replace(/\s+/g, " ") : "" })()`)); hint != "Press ? for keyboard shortcuts" {
		t.Errorf("keys hint = %q, want it shown as %q", hint, "Press ? for keyboard shortcuts")
	}

	// Newest first: j goes to Cy, j again to Ben, k back to Cy, j to Ben.
	for i, step := range []struct {
		key  string
		want int64
	}{{"j", newest}, {"j", middle}, {"k", newest}, {"j", middle}} {
		mustRun(t, q.tab, "press "+step.key, chromedp.KeyEvent(step.key))
		if got := q.focusedRow(t); got != rowID(step.want) {
			t.Fatalf("after key %d (%s) the focus is on row %q, want %q", i+1, step.key, got, rowID(step.want))
		}
	}
	type ring struct {
		Outline string  `json:"outline"`
		Width   string  `json:"width"`
		Current bool    `json:"current"`
		InView  bool    `json:"inView"`
		Top     float64 `json:"top"`
		Bottom  float64 `json:"bottom"`
		Height  float64 `json:"height"`
	}
	r := mustRun(t, q.tab, "read the focus ring", chromedp.Evaluate[ring](`(() => {
		const row = document.activeElement, s = getComputedStyle(row), box = row.getBoundingClientRect();
		return {outline: s.outlineStyle, width: s.outlineWidth, current: row.classList.contains("is-current"),
			inView: box.top >= 0 && box.bottom <= window.innerHeight + 1, top: box.top, bottom: box.bottom, height: window.innerHeight};
	})()`))
	if r.Outline != "solid" || r.Width != "3px" || !r.Current || !r.InView {
		t.Errorf("the current row shows %+v; want a 3px solid focus ring, marked current, scrolled into view", r)
	}

	// a approves Ben's reply, in place.
	mustRun(t, q.tab, "press a", chromedp.KeyEvent("a"))
	q.waitStatus(t, middle, "approved")
	mustRun(t, q.tab, "see the outcome in the row", chromedp.WaitVisible(chromedp.CSS("#"+rowID(middle)+" .queue-result")))
	if q.status(t, oldest) != "pending" || q.status(t, newest) != "pending" {
		t.Errorf("a approved another reply too: oldest %s, newest %s", q.status(t, oldest), q.status(t, newest))
	}
	q.samePage(t, "after a")

	// z undoes it.
	mustRun(t, q.tab, "press z", chromedp.KeyEvent("z"))
	q.waitStatus(t, middle, "pending")
	mustRun(t, q.tab, "see the row back", chromedp.WaitVisible(chromedp.CSS("#"+rowID(middle)+" .row-actions")))

	// x ticks the current reply's box, and again unticks it.
	mustRun(t, q.tab, "press j", chromedp.KeyEvent("j"))
	if got := q.focusedRow(t); got != rowID(oldest) {
		t.Fatalf("after j the focus is on %q, want %q", got, rowID(oldest))
	}
	ticked := func() string {
		return mustRun(t, q.tab, "read the ticks", chromedp.Evaluate[string](
			`[...document.querySelectorAll('input[name="ids"]:checked')].map(b => b.value).join(",")`))
	}
	mustRun(t, q.tab, "press x", chromedp.KeyEvent("x"))
	if got := ticked(); got != fmt.Sprint(oldest) {
		t.Errorf("after x the ticked replies are %q, want %d", got, oldest)
	}
	mustRun(t, q.tab, "press x again", chromedp.KeyEvent("x"))
	if got := ticked(); got != "" {
		t.Errorf("after x twice the ticked replies are %q, want none", got)
	}

	// ? lists the keys; Escape closes the list.
	dialogOpen := func() bool {
		return mustRun(t, q.tab, "look at the list of keys", chromedp.Evaluate[bool](`document.getElementById("queue-keys").open`))
	}
	mustRun(t, q.tab, "press ?", chromedp.KeyEvent("?"))
	if !dialogOpen() {
		t.Fatal("? did not open the list of keys")
	}
	if text := mustRun(t, q.tab, "read the list of keys", chromedp.Text(chromedp.CSS("#queue-keys .keys-list"))); !strings.Contains(text, "Approve") || !strings.Contains(text, "Undo the last action") {
		t.Errorf("the list of keys reads %q", text)
	}
	// Keys pressed while the list is open do nothing to the replies.
	mustRun(t, q.tab, "press a in the list", chromedp.KeyEvent("a"))
	mustRun(t, q.tab, "press Escape", chromedp.KeyEvent(kb.Escape))
	if dialogOpen() {
		t.Fatal("Escape did not close the list of keys")
	}
	if st := q.status(t, oldest); st != "pending" {
		t.Errorf("a pressed in the list of keys made the reply %s", st)
	}

	// Keys typed into the search field are text, not shortcuts; with Ctrl they are
	// the browser's.
	mustRun(t, q.tab, "focus the search field", chromedp.Focus(chromedp.CSS("#filter-q")))
	mustRun(t, q.tab, "type in it", chromedp.KeyEvent("jatsz"))
	if v := mustRun(t, q.tab, "read the search field", chromedp.Value(chromedp.CSS("#filter-q"))); v != "jatsz" {
		t.Errorf("the search field holds %q, want what was typed", v)
	}
	mustRun(t, q.tab, "leave the field", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	mustRun(t, q.tab, "press k", chromedp.KeyEvent("k"))
	mustRun(t, q.tab, "press Ctrl+a", chromedp.KeyEvent("a", chromedp.KeyModifiers(kb.ModifierCtrl)))
	for _, id := range q.ids {
		if st := q.status(t, id); st != "pending" {
			t.Errorf("reply %d is %s after keys typed in a field or with Ctrl; want pending", id, st)
		}
	}
	q.samePage(t, "after the keys")

	// r opens the edit page of the current reply.
	if got := q.focusedRow(t); got != rowID(middle) {
		t.Fatalf("after k from the last reply the focus is on %q, want %q", got, rowID(middle))
	}
	mustRun(t, q.tab, "press r", chromedp.KeyEvent("r"))
	waitFor(t, q.tab, "the edit page", fmt.Sprintf(`location.pathname === "/admin/comments/%d/edit"`, middle))
	problems.check(t, "using the keys")
}

// Ensure a row's action is done in place: the row says what happened and offers Undo,
// the tabs count again, a live region tells screen readers, Undo puts the reply back
// and the row with it; Delete asks first; an error shows in the row; and no page is
// loaded on the way.
func TestBrowser_QueueActsInPlaceWithUndo(t *testing.T) {
	t.Parallel()
	q := newQueueSite(t, "Dana Approve", "Eli Gone")
	reply, gone := q.ids[0], q.ids[1]
	problems := watchPageProblems(t, q.tab)
	q.open(t, "/admin/comments")
	before := q.tabs(t)
	if !strings.HasPrefix(before, "Pending 2 | Approved ") {
		t.Fatalf("tabs = %q, want Pending 2 first", before)
	}

	row := "#" + rowID(reply)
	mustRun(t, q.tab, "click Approve", chromedp.Click(chromedp.CSS(row+` button[formaction$="/action/approve"]`)))
	mustRun(t, q.tab, "see Undo", chromedp.WaitVisible(chromedp.CSS(row+" .queue-result button.undo")))
	q.waitStatus(t, reply, "approved")
	if got := q.text(t, row+" .queue-result"); got != "Approved. The reply by Dana Approve. Undo" {
		t.Errorf("the row says %q", got)
	}
	if got := mustRun(t, q.tab, "find the focus", chromedp.Evaluate[string](`document.activeElement.className`)); got != "undo" {
		t.Errorf("after Approve the focus is on %q, want the Undo button", got)
	}
	mustRun(t, q.tab, "wait for the announcement", chromedp.Poll[bool](
		`document.getElementById("queue-announce").textContent.startsWith("Approved. The reply by Dana Approve.")`,
		chromedp.WithPollingTimeout(5*time.Second)))
	if got := q.tabs(t); !strings.HasPrefix(got, "Pending 1 | ") || got == before {
		t.Errorf("tabs after Approve = %q, want Pending 1 (was %q)", got, before)
	}
	if got := mustRun(t, q.tab, "read the header count", chromedp.Text(chromedp.CSS(`.admin-nav a[href="/admin/comments"] .count`))); got != "1 pending" {
		t.Errorf("header count = %q, want %q", got, "1 pending")
	}
	if got := mustRun(t, q.tab, "read the total", chromedp.Text(chromedp.CSS(".bulk-bar .total"))); got != "1 reply" {
		t.Errorf("total = %q, want %q", got, "1 reply")
	}
	q.samePage(t, "after Approve")

	mustRun(t, q.tab, "click Undo", chromedp.Click(chromedp.CSS(row+" .queue-result button.undo")))
	q.waitStatus(t, reply, "pending")
	mustRun(t, q.tab, "see the row's buttons again", chromedp.WaitVisible(chromedp.CSS(row+` button[formaction$="/action/approve"]`)))
	if got := q.tabs(t); got != before {
		t.Errorf("tabs after Undo = %q, want %q as before", got, before)
	}
	if n := mustRun(t, q.tab, "count results", chromedp.Evaluate[int](`document.querySelectorAll(".queue-result").length`)); n != 0 {
		t.Errorf("%d rows still show an outcome after Undo", n)
	}
	q.samePage(t, "after Undo")

	// An error shows in the row: the reply went away behind the page's back.
	q.exec(t, `DELETE FROM comments WHERE id = ?`, gone)
	other := "#" + rowID(gone)
	mustRun(t, q.tab, "click Spam on a deleted reply", chromedp.Click(chromedp.CSS(other+` button[formaction$="/action/spam"]`)))
	mustRun(t, q.tab, "see the error", chromedp.WaitVisible(chromedp.CSS(other+` .queue-error[role="alert"]`)))
	if got := mustRun(t, q.tab, "read the error", chromedp.Text(chromedp.CSS(other+" .queue-error"))); got != "Reply not found. There is no reply with this number. It may have been deleted permanently." {
		t.Errorf("error = %q", got)
	}
	q.samePage(t, "after the error")

	// Spam, then Delete from the Spam tab, which asks first and offers no undo.
	mustRun(t, q.tab, "click Spam", chromedp.Click(chromedp.CSS(row+` button[formaction$="/action/spam"]`)))
	q.waitStatus(t, reply, "spam")
	q.open(t, "/admin/comments?status=spam")
	mustRun(t, q.tab, "click Delete permanently", chromedp.Click(chromedp.CSS(row+` button[formaction$="/action/delete"]`)))
	mustRun(t, q.tab, "see the question", chromedp.WaitVisible(chromedp.CSS(row+" .queue-confirm")))
	if st := q.status(t, reply); st != "spam" {
		t.Fatalf("the reply is %q before the deletion was confirmed", st)
	}
	mustRun(t, q.tab, "click Cancel", chromedp.Click(chromedp.CSS(row+" .queue-confirm button:not(.danger)")))
	mustRun(t, q.tab, "click Delete permanently again", chromedp.Click(chromedp.CSS(row+` button[formaction$="/action/delete"]`)))
	mustRun(t, q.tab, "confirm", chromedp.Click(chromedp.CSS(row+" .queue-confirm button.danger")))
	q.waitStatus(t, reply, "")
	mustRun(t, q.tab, "see the outcome", chromedp.WaitVisible(chromedp.CSS(row+" .queue-result")))
	if got := q.text(t, row+" .queue-result"); got != "Deleted permanently. The reply by Dana Approve." {
		t.Errorf("the row says %q, want no Undo", got)
	}
	q.samePage(t, "after Delete")
	problems.check(t, "acting in place")
}

// Ensure "Tick all on this page" ticks every reply, shows a partial tick when one is
// unticked, and that the bulk action then applies to the ticked ones.
func TestBrowser_QueueSelectAll(t *testing.T) {
	t.Parallel()
	q := newQueueSite(t, "Fay One", "Gus Two", "Hal Three")
	problems := watchPageProblems(t, q.tab)
	q.open(t, "/admin/comments")
	mustRun(t, q.tab, "see Tick all", chromedp.WaitVisible(chromedp.CSS("#select-page")))
	mustRun(t, q.tab, "click Tick all", chromedp.Click(chromedp.CSS("#select-page")))
	count := func() int {
		return mustRun(t, q.tab, "count ticks", chromedp.Evaluate[int](`document.querySelectorAll('input[name="ids"]:checked').length`))
	}
	if n := count(); n != 3 {
		t.Fatalf("%d replies ticked after Tick all, want 3", n)
	}
	mustRun(t, q.tab, "untick Hal's", chromedp.Click(chromedp.CSS(fmt.Sprintf("#select-%d", q.ids[2]))))
	if mixed := mustRun(t, q.tab, "read Tick all", chromedp.Evaluate[bool](`(() => { const b = document.getElementById("select-page"); return b.indeterminate && !b.checked })()`)); !mixed {
		t.Error("Tick all is not shown partly ticked with two of three ticked")
	}
	mustRun(t, q.tab, "choose Spam", chromedp.SetValue(chromedp.CSS("#bulk-action"), "spam"))
	if flash := clickAndWaitFlash(t, q.tab, "apply", `.bulk-bar button[type="submit"]`); flash != "Marked as spam. (2 replies)" {
		t.Errorf("flash = %q", flash)
	}
	for i, want := range []string{"spam", "spam", "pending"} {
		if got := q.status(t, q.ids[i]); got != want {
			t.Errorf("reply %d is %s, want %s", i, got, want)
		}
	}
	problems.check(t, "ticking all")
}
