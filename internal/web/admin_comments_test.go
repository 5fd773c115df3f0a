package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// replyRow is a reply written straight into the database, for the queue tests.
type replyRow struct {
	Article  int64 // the demo article when zero
	Parent   int64 // 0 for a reply to the article
	Name     string
	Email    string
	URL      string
	Body     string
	Status   string // pending when empty
	Reason   string
	Prefix   string
	Agent    string
	Age      time.Duration // how long before the site's clock it was written
	Previous string
}

// addReplyRow inserts r and returns its ID.
func (s *site) addReplyRow(t testing.TB, r replyRow) int64 {
	t.Helper()
	if r.Article == 0 {
		r.Article = 1
	}
	if r.Status == "" {
		r.Status = "pending"
	}
	if r.Name == "" {
		r.Name = "Queue Reader"
	}
	if r.Email == "" {
		r.Email = "queue.reader@example.com"
	}
	var parent any
	if r.Parent != 0 {
		parent = r.Parent
	}
	created := s.clock().Add(-r.Age).UTC()
	id, err := s.db.Insert(`INSERT INTO comments (article_id, parent_id, author_name, author_email, author_url, body, status,
		held_reason, previous_status, client_prefix, user_agent, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Article, parent, r.Name, r.Email, r.URL, r.Body, r.Status, r.Reason, r.Previous, r.Prefix, r.Agent, created, created)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.EncryptPlainEmails(context.Background()); err != nil {
		t.Fatal(err)
	}
	return id
}

// parentOf returns the parent_id of a reply; 0 for a reply to the article.
func (s *site) parentOf(t testing.TB, id int64) int64 {
	t.Helper()
	var parent sql.NullInt64
	if err := s.db.QueryRow(`SELECT parent_id FROM comments WHERE id = ?`, id).Scan(&parent); err != nil {
		t.Fatal(err)
	}
	return parent.Int64
}

// wantSeeOtherTo checks that the response redirects with 303 to exactly target.
func (r *response) wantSeeOtherTo(target string) *response {
	r.t.Helper()
	r.wantStatus(http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != target {
		r.t.Errorf("Location = %q, want %q", got, target)
	}
	return r
}

// wantInOrder checks that the texts appear in the body in the order given, each after
// the one before.
func (r *response) wantInOrder(texts ...string) *response {
	r.t.Helper()
	rest, after := r.Body, "the start"
	for _, text := range texts {
		i := strings.Index(rest, text)
		if i < 0 {
			r.t.Errorf("response lacks %q after %q", text, after)
			return r
		}
		rest, after = rest[i+len(text):], text
	}
	return r
}

// moderator signs in a new moderator and returns the session cookie.
func (s *site) moderator(t testing.TB) *http.Cookie {
	t.Helper()
	return s.signIn(t, s.addUser(t, model.RoleModerator))
}

// Ensure the queue has a tab per status with its count, lists the chosen status newest
// first, and nothing else.
func TestQueue_TabsCountsAndOrder(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	older := s.addReplyRow(t, replyRow{Body: "Older held reply", Age: 2 * time.Hour})
	newer := s.addReplyRow(t, replyRow{Body: "Newer held reply", Age: time.Hour})
	s.addReplyRow(t, replyRow{Body: "Spammy reply", Status: "spam"})
	s.addReplyRow(t, replyRow{Body: "Binned reply one", Status: "trash"})
	s.addReplyRow(t, replyRow{Body: "Binned reply two", Status: "trash"})

	tests := []struct {
		Name               string
		URL                string
		ExpectedStatus     int
		ExpectedContent    []string
		NotExpectedContent []string
	}{
		{
			Name: "PendingByDefault", URL: "/admin/comments", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<a href="/admin/comments?status=pending" aria-current="page" class="active">Pending <span class="count">2</span></a>`,
				`<a href="/admin/comments?status=approved">Approved <span class="count">3</span></a>`,
				`<a href="/admin/comments?status=spam">Spam <span class="count">1</span></a>`,
				`<a href="/admin/comments?status=trash">Trash <span class="count">2</span></a>`,
				"Newer held reply", "Older held reply", "2 replies",
			},
			NotExpectedContent: []string{"Spammy reply", "Binned reply", "Priya N.", "My eyelid twitched", `rel="next"`},
		},
		{
			Name: "Approved", URL: "/admin/comments?status=approved", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<a href="/admin/comments?status=approved" aria-current="page" class="active">Approved <span class="count">3</span></a>`,
				"My eyelid twitched", "Same here with my calves", "Thank you for explaining negative myoclonus", "3 replies",
			},
			NotExpectedContent: []string{"held reply", "Spammy reply", "Binned reply", `aria-current="page" class="active">Pending`},
		},
		{
			Name: "Spam", URL: "/admin/comments?status=spam", ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Spammy reply", "1 reply", `<option value="restore">Not spam</option>`},
			NotExpectedContent: []string{"held reply", "Binned reply", "My eyelid twitched", `<option value="approve">`},
		},
		{
			Name: "Trash", URL: "/admin/comments?status=trash", ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Binned reply one", "Binned reply two", "2 replies", `<option value="delete">Delete permanently</option>`},
			NotExpectedContent: []string{"held reply", "Spammy reply", "My eyelid twitched"},
		},
		{Name: "ErrUnknownStatus", URL: "/admin/comments?status=deleted", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Page not found"}},
		{Name: "ErrPageZero", URL: "/admin/comments?page=0", ExpectedStatus: http.StatusNotFound},
		{Name: "ErrPageNotANumber", URL: "/admin/comments?page=two", ExpectedStatus: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s.getAs(t, mod, tt.URL).wantStatus(tt.ExpectedStatus).wantContains(tt.ExpectedContent...).wantNotContains(tt.NotExpectedContent...)
		})
	}
	t.Run("NewestFirst", func(t *testing.T) {
		s.getAs(t, mod, "/admin/comments").wantInOrder(`id="reply-`+itoa(newer)+`"`, `id="reply-`+itoa(older)+`"`)
		s.getAs(t, mod, "/admin/comments?status=approved").wantInOrder(`id="reply-3"`, `id="reply-2"`, `id="reply-1"`)
	})
}

// Ensure the queue shows web.CommentsPerPage replies a page, with links to older and
// newer pages that keep the filter.
func TestQueue_Paginates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	total := web.CommentsPerPage + 1
	for i := 1; i <= total; i++ {
		s.addReplyRow(t, replyRow{Body: fmt.Sprintf("Generated reply %02d", i), Age: time.Duration(total-i+1) * time.Minute})
	}
	first := s.getAs(t, mod, "/admin/comments").wantStatus(http.StatusOK)
	first.wantContains(fmt.Sprintf("Generated reply %02d", total), "Generated reply 02", fmt.Sprintf("%d replies", total),
		`<a rel="next" href="/admin/comments?page=2&amp;status=pending">Older →</a>`, "Page 1")
	first.wantNotContains("Generated reply 01", `rel="prev"`)
	first.wantInOrder(fmt.Sprintf("Generated reply %02d", total), "Generated reply 02")

	second := s.getAs(t, mod, "/admin/comments?page=2&status=pending").wantStatus(http.StatusOK)
	second.wantContains("Generated reply 01", `<a rel="prev" href="/admin/comments?status=pending">← Newer</a>`, "Page 2")
	second.wantNotContains("Generated reply 02", `rel="next"`)

	t.Run("KeepsTheFilter", func(t *testing.T) {
		s.getAs(t, mod, "/admin/comments?q=Generated").wantStatus(http.StatusOK).
			wantContains(`<a rel="next" href="/admin/comments?page=2&amp;q=Generated&amp;status=pending">Older →</a>`)
		s.getAs(t, mod, "/admin/comments?q=Generated&page=2").wantStatus(http.StatusOK).
			wantContains("Generated reply 01", `<a rel="prev" href="/admin/comments?q=Generated&amp;status=pending">← Newer</a>`)
	})
}

// Ensure a moderator can choose 20, 50 or 100 replies a page, sees "Page N of M", and
// can apply an action to every reply on the page or to every reply the filter selects
// on every page, without ticking each.
func TestQueue_PageSizesAndBulkScopes(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	const total = 45
	for i := 1; i <= total; i++ {
		s.addReplyRow(t, replyRow{Body: fmt.Sprintf("Waiting reply %02d", i), Age: time.Duration(total-i+1) * time.Minute})
	}
	other := s.addReplyRow(t, replyRow{Body: "Not in the filter", Age: time.Hour})
	s.getAs(t, mod, "/admin/comments").wantStatus(http.StatusOK).
		wantContains("Page 1 of 3", `<option value="20" selected>20</option>`, "all 20 on this page", "all 46 pending replies")
	fifty := s.getAs(t, mod, "/admin/comments?per_page=50").wantStatus(http.StatusOK)
	fifty.wantContains(`<option value="50" selected>50</option>`, "Waiting reply 01", "Not in the filter").
		wantNotContains(`rel="next"`, "Page 1 of", "all 46 pending replies") // the page holds them all
	s.getAs(t, mod, "/admin/comments?per_page=7").wantStatus(http.StatusOK).wantContains("Page 1 of 3") // not a choice: 20

	page := s.getAs(t, mod, "/admin/comments?q=Waiting").wantStatus(http.StatusOK)
	var pageIDs []string
	for _, m := range regexp.MustCompile(`name="page_ids" value="(\d+)"`).FindAllStringSubmatch(page.Body, -1) {
		pageIDs = append(pageIDs, m[1])
	}
	if len(pageIDs) != web.CommentsPerPage {
		t.Fatalf("%d page IDs in the form, want %d", len(pageIDs), web.CommentsPerPage)
	}
	s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"approve"}, "scope": {"page"}, "page_ids": pageIDs,
		"return": {"/admin/comments?q=Waiting"}}, mod).wantSeeOtherTo("/admin/comments?done=approve&n=20&q=Waiting")
	if n := s.count(t, `SELECT count(*) FROM comments WHERE status = 'approved' AND body LIKE 'Waiting%'`); n != 20 {
		t.Fatalf("%d approved after the page's action, want 20", n)
	}
	s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"spam"}, "scope": {"matching"}, "status": {"pending"}, "q": {"Waiting"},
		"return": {"/admin/comments?q=Waiting"}}, mod).wantSeeOtherTo("/admin/comments?done=spam&n=25&q=Waiting")
	if n := s.count(t, `SELECT count(*) FROM comments WHERE status = 'spam' AND body LIKE 'Waiting%'`); n != 25 {
		t.Errorf("%d marked as spam across pages, want the 25 still pending", n)
	}
	if n := s.count(t, `SELECT count(*) FROM comments WHERE id = ? AND status = 'pending'`, other); n != 1 {
		t.Error("a reply outside the filter was moved")
	}
}

// Ensure the queue can be narrowed to one article and searched by text, name and email,
// with % and _ taken literally.
func TestQueue_FilterAndSearch(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	other := addArticle(t, s, "magnesium-and-sleep", model.ArticlePublished)
	s.addReplyRow(t, replyRow{Name: "Alice Alpha", Email: "alice@alpha.example", Body: "Alpha says caffeine is the culprit."})
	s.addReplyRow(t, replyRow{Article: other.ID, Name: "Bob Beta", Email: "bob_beta@beta.example", Body: "Beta is 100% sure about magnesium."})
	s.addReplyRow(t, replyRow{Name: "Carol Gamma", Email: "bobxbeta@gamma.example", Body: "Gamma is 100 percent unsure."})

	tests := []struct {
		Name    string
		Query   string
		Want    []string
		NotWant []string
	}{
		{Name: "ByArticle", Query: "article=" + itoa(other.ID),
			Want:    []string{"Beta is 100% sure", `<option value="` + itoa(other.ID) + `" selected>Title of magnesium-and-sleep</option>`, "1 reply", "Clear</a>"},
			NotWant: []string{"Alpha says", "Gamma is"}},
		{Name: "ByDemoArticle", Query: "article=1", Want: []string{"Alpha says", "Gamma is", "2 replies"}, NotWant: []string{"Beta is"}},
		{Name: "ByText", Query: "q=caffeine", Want: []string{"Alpha says caffeine", `name="q" type="search" value="caffeine"`}, NotWant: []string{"Beta is", "Gamma is"}},
		{Name: "ByName", Query: "q=Carol+Gamma", Want: []string{"Gamma is 100 percent"}, NotWant: []string{"Alpha says", "Beta is"}},
		// Emails are encrypted: a search finds a whole email, in any case, not a part.
		{Name: "ByEmail", Query: "q=Alice%40Alpha.example", Want: []string{"Alpha says"}, NotWant: []string{"Beta is", "Gamma is"}},
		{Name: "ByPartOfEmail", Query: "q=alice%40alpha", Want: []string{"No pending replies match this filter."}, NotWant: []string{"Alpha says"}},
		{Name: "PercentIsLiteral", Query: "q=100%25", Want: []string{"Beta is 100% sure"}, NotWant: []string{"Gamma is 100 percent", "Alpha says"}},
		{Name: "UnderscoreIsLiteral", Query: "q=Beta+is+100%25", Want: []string{"Beta is"}, NotWant: []string{"Gamma is", "Alpha says"}},
		{Name: "UnderscoreIsNotAWildcard", Query: "q=Gamma_is", Want: []string{"No pending replies match this filter."}, NotWant: []string{"Gamma is"}},
		{Name: "ArticleAndText", Query: "article=1&q=100", Want: []string{"Gamma is"}, NotWant: []string{"Beta is", "Alpha says"}},
		{Name: "NoMatch", Query: "q=zebra", Want: []string{"No pending replies match this filter."}, NotWant: []string{"Alpha says", "Beta is", "Gamma is"}},
		{Name: "OtherStatus", Query: "status=approved&q=caffeine", Want: []string{"No approved replies match this filter."}, NotWant: []string{"Alpha says"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s.getAs(t, mod, "/admin/comments?"+tt.Query).wantStatus(http.StatusOK).wantContains(tt.Want...).wantNotContains(tt.NotWant...)
		})
	}
}

// Ensure a search longer than the queue keeps is cut between characters, never inside
// one, so the page stays valid UTF-8.
func TestQueue_LongSearchCutBetweenCharacters(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	query := strings.Repeat("a", 199) + "é" // "é" is bytes 200 and 201
	res := s.getAs(t, mod, "/admin/comments?q="+url.QueryEscape(query)).wantStatus(http.StatusOK)
	if !utf8.ValidString(res.Body) {
		i := strings.Index(res.Body, `name="q"`)
		t.Errorf("the queue page is not valid UTF-8; the search box holds %q", res.Body[i:min(len(res.Body), i+240)])
	}
	res.wantContains(`value="` + strings.Repeat("a", 199))
}

// Ensure each row shows what a moderator needs to judge a reply (who, from where, with
// what, on which article, in answer to whom, why it was held) and shows the text
// escaped.
func TestQueue_RowShowsEverything(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	form := validReply()
	form.Set("comment_parent", "2")
	form.Set("comment", "<script>alert(1)</script> Calves too.")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	id, _, _ := s.lastReply(t)
	s.addReplyRow(t, replyRow{Body: "Buy pills", Status: "spam", Reason: "contains the spam word “pills”", Age: time.Hour})

	res := s.getAs(t, mod, "/admin/comments").wantStatus(http.StatusOK)
	res.wantContains(
		`<li class="queue-item" id="reply-`+itoa(id)+`">`,
		`<strong class="queue-name">Reader One</strong>`,
		`<a class="queue-email" href="mailto:reader.one@example.com">reader.one@example.com</a>`,
		`<a class="queue-url" href="https://reader.example.org/" rel="nofollow noopener noreferrer">https://reader.example.org/</a>`,
		`<span class="queue-client" title="Network of the sender (anonymised)">192.0.2.0/24</span>`,
		`<details class="queue-ua"><summary>Unknown browser</summary>Mozilla/5.0 (test)</details>`,
		`<a href="/articles/understanding-involuntary-muscle-twitches">Understanding Involuntary Muscle Twitches: Causes and Management</a>`,
		"· in reply to Tom Whitaker",
		"&lt;script&gt;alert(1)&lt;/script&gt; Calves too.",
		`<p class="held-reason"><strong>Held because:</strong> every reply is held (manual moderation)</p>`,
	)
	res.wantNotContains("<script>alert(1)", "192.0.2.1", "Buy pills")

	t.Run("SpamReason", func(t *testing.T) {
		s.getAs(t, mod, "/admin/comments?status=spam").wantStatus(http.StatusOK).
			wantContains(`<strong>Spam because:</strong> contains the spam word “pills”`).wantNotContains("Held because:")
	})
	t.Run("TopLevelReplyHasNoParent", func(t *testing.T) {
		res := s.getAs(t, mod, "/admin/comments?status=approved").wantStatus(http.StatusOK)
		res.wantContains("· in reply to Priya N.", `href="/articles/understanding-involuntary-muscle-twitches#comment-1"`)
		if n := strings.Count(res.Body, "in reply to"); n != 1 {
			t.Errorf(`"in reply to" appears %d times among the approved replies, want once (Tom's)`, n)
		}
	})
}

// Ensure each per-row action moves the reply where it should, restore returns it to
// where it was, and delete works only from spam and trash.
func TestModeration_RowActions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	tests := []struct {
		Name    string
		Start   string
		Actions []string
		Want    string // "" when the reply must be gone
		WantN   int    // how many the last action changed
	}{
		{Name: "ApprovePending", Start: "pending", Actions: []string{"approve"}, Want: "approved", WantN: 1},
		{Name: "UnapproveApproved", Start: "approved", Actions: []string{"unapprove"}, Want: "pending", WantN: 1},
		{Name: "SpamPending", Start: "pending", Actions: []string{"spam"}, Want: "spam", WantN: 1},
		{Name: "TrashApproved", Start: "approved", Actions: []string{"trash"}, Want: "trash", WantN: 1},
		{Name: "ApproveApprovedChangesNothing", Start: "approved", Actions: []string{"approve"}, Want: "approved", WantN: 0},
		{Name: "RestoreFromTrashGivesApproved", Start: "approved", Actions: []string{"trash", "restore"}, Want: "approved", WantN: 1},
		{Name: "RestoreFromSpamGivesPending", Start: "pending", Actions: []string{"spam", "restore"}, Want: "pending", WantN: 1},
		{Name: "RestoreAfterSpamThenTrashGivesApproved", Start: "approved", Actions: []string{"spam", "trash", "restore"}, Want: "approved", WantN: 1},
		{Name: "RestoreSpamCaughtOnArrivalGivesPending", Start: "spam", Actions: []string{"restore"}, Want: "pending", WantN: 1},
		{Name: "RestorePendingChangesNothing", Start: "pending", Actions: []string{"restore"}, Want: "pending", WantN: 0},
		{Name: "DeleteFromSpam", Start: "pending", Actions: []string{"spam", "delete"}, Want: "", WantN: 1},
		{Name: "DeleteFromTrash", Start: "approved", Actions: []string{"trash", "delete"}, Want: "", WantN: 1},
		{Name: "DeletePendingDoesNothing", Start: "pending", Actions: []string{"delete"}, Want: "pending", WantN: 0},
		{Name: "DeleteApprovedDoesNothing", Start: "approved", Actions: []string{"delete"}, Want: "approved", WantN: 0},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			id := s.addReplyRow(t, replyRow{Status: tt.Start, Body: "Reply for " + tt.Name})
			for i, action := range tt.Actions {
				n := 1
				if i == len(tt.Actions)-1 {
					n = tt.WantN
				}
				s.postForm(t, "/admin/comments/"+itoa(id)+"/action/"+action, url.Values{"return": {"/admin/comments?status=" + tt.Start}}, mod).
					wantSeeOtherTo(fmt.Sprintf("/admin/comments?done=%s&n=%d&status=%s", action, n, tt.Start))
			}
			exists := s.count(t, `SELECT count(*) FROM comments WHERE id = ?`, id) == 1
			switch {
			case tt.Want == "" && exists:
				t.Errorf("reply still exists with status %q, want it deleted", s.status(t, id))
			case tt.Want != "" && !exists:
				t.Errorf("reply was deleted, want status %q", tt.Want)
			case tt.Want != "":
				if got := s.status(t, id); got != tt.Want {
					t.Errorf("status = %q, want %q", got, tt.Want)
				}
			}
		})
	}
	t.Run("FlashAfterAction", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "Flash me"})
		res := s.postForm(t, "/admin/comments/"+itoa(id)+"/action/spam", nil, mod).wantSeeOtherTo("/admin/comments?done=spam&n=1")
		s.getAs(t, mod, res.Header.Get("Location")).wantStatus(http.StatusOK).wantContains(`<p class="flash" role="status">Marked as spam.</p>`)
	})
	t.Run("ErrUnknownAction", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "Unknown action"})
		s.postForm(t, "/admin/comments/"+itoa(id)+"/action/publish", nil, mod).wantStatus(http.StatusNotFound)
		s.postForm(t, "/admin/comments/abc/action/approve", nil, mod).wantStatus(http.StatusNotFound)
		if got := s.status(t, id); got != "pending" {
			t.Errorf("status = %q, want pending", got)
		}
	})
	// A made-up ID, or a reply deleted since the queue was loaded, is not found, as on
	// every other page: no "Nothing changed" redirect that hides the mistake.
	t.Run("ErrUnknownReplyNotFound", func(t *testing.T) {
		gone := s.addReplyRow(t, replyRow{Status: "trash", Body: "Deleted by another moderator"})
		s.postForm(t, "/admin/comments/"+itoa(gone)+"/action/delete", nil, mod).wantSeeOtherTo("/admin/comments?done=delete&n=1")
		before := s.contentSnapshot(t)
		for _, id := range []string{"99999", "0", "-1", "9223372036854775807", itoa(gone)} {
			for _, action := range []string{"approve", "unapprove", "spam", "trash", "restore", "delete"} {
				s.postForm(t, "/admin/comments/"+id+"/action/"+action, url.Values{"return": {"/admin/comments?status=trash"}}, mod).
					wantStatus(http.StatusNotFound).
					wantContains("Reply not found", "There is no reply with this number. It may have been deleted permanently.",
						`<a href="/admin/comments">Go to the moderation queue</a>`)
			}
		}
		if s.contentSnapshot(t) != before {
			t.Error("an action on a reply that does not exist changed the content")
		}
		// The moderator stays in the staff pages: their header, not the public one.
		s.getAs(t, mod, "/admin/comments/99999/edit").wantStatus(http.StatusNotFound).
			wantContains(`class="site-header admin-header"`, "Sign out").wantNotContains(`role="search"`)
	})
	t.Run("SignedOutChangesNothing", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "Nobody signed in"})
		s.postForm(t, "/admin/comments/"+itoa(id)+"/action/approve", nil, nil).wantSeeOtherTo("/admin/login")
		if got := s.status(t, id); got != "pending" {
			t.Errorf("status = %q, want pending", got)
		}
	})
}

// postJSON is postForm from a script that asks for JSON, as the queue's does.
func (s *site) postJSON(t testing.TB, target string, form url.Values, cookie *http.Cookie) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "application/json")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// wantJSON checks that the response is JSON and decodes it into v.
func (r *response) wantJSON(v any) *response {
	r.t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Fatalf("Content-Type = %q, want JSON; body:\n%.500s", ct, r.Body)
	}
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		r.t.Fatalf("decode %q: %v", r.Body, err)
	}
	return r
}

// Ensure a row's action asked for as JSON (the queue's script, acting in place) does
// what the form does and answers with the reply's new status, the words for it, the
// action that undoes it and the tabs' counts; that the undo puts the reply back; and
// that a refusal answers JSON with the error page's words and status.
func TestModeration_RowActionAsJSON(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	type outcome struct {
		ID      int64          `json:"id"`
		Action  string         `json:"action"`
		Changed bool           `json:"changed"`
		Status  string         `json:"status"`
		Message string         `json:"message"`
		Undo    string         `json:"undo"`
		Counts  map[string]int `json:"counts"`
	}
	counts := func() map[string]int {
		m := map[string]int{"reported": 0}
		for _, st := range []string{"pending", "approved", "spam", "trash"} {
			m[st] = s.count(t, `SELECT count(*) FROM comments WHERE status = ?`, st)
		}
		return m
	}
	act := func(id int64, action string) outcome {
		t.Helper()
		var got outcome
		s.postJSON(t, "/admin/comments/"+itoa(id)+"/action/"+action, url.Values{"return": {"/admin/comments"}}, mod).
			wantStatus(http.StatusOK).wantJSON(&got)
		return got
	}
	tests := []struct {
		Name  string
		Start string
		Do    string
		Want  outcome // ID and Counts filled in by the test
	}{
		{"Approve", "pending", "approve", outcome{Action: "approve", Changed: true, Status: "approved", Message: "Approved.", Undo: "unapprove"}},
		{"Unapprove", "approved", "unapprove", outcome{Action: "unapprove", Changed: true, Status: "pending", Message: "Unapproved: back in Pending.", Undo: "approve"}},
		{"Spam", "pending", "spam", outcome{Action: "spam", Changed: true, Status: "spam", Message: "Marked as spam.", Undo: "restore"}},
		{"Trash", "approved", "trash", outcome{Action: "trash", Changed: true, Status: "trash", Message: "Moved to the trash.", Undo: "restore"}},
		{"Restore", "spam", "restore", outcome{Action: "restore", Changed: true, Status: "pending", Message: "Restored.", Undo: "spam"}},
		{"DeleteHasNoUndo", "trash", "delete", outcome{Action: "delete", Changed: true, Status: "", Message: "Deleted permanently."}},
		{"NothingChanged", "approved", "approve", outcome{Action: "approve", Status: "approved",
			Message: "Nothing changed: this reply was already there, or cannot take that action."}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			id := s.addReplyRow(t, replyRow{Status: tt.Start, Body: "JSON " + tt.Name})
			got := act(id, tt.Do)
			tt.Want.ID, tt.Want.Counts = id, counts()
			if !reflect.DeepEqual(got, tt.Want) {
				t.Fatalf("answer = %+v\nwant     %+v", got, tt.Want)
			}
			if tt.Want.Status == "" {
				if n := s.count(t, `SELECT count(*) FROM comments WHERE id = ?`, id); n != 0 {
					t.Fatalf("the reply is still there after delete")
				}
				return
			}
			if st := s.status(t, id); st != tt.Want.Status {
				t.Fatalf("status = %q, want %q", st, tt.Want.Status)
			}
			if tt.Want.Undo == "" {
				return
			}
			back := act(id, tt.Want.Undo)
			if !back.Changed || back.Status != tt.Start || s.status(t, id) != tt.Start {
				t.Errorf("undo by %s = %+v, status now %q; want it back in %s", tt.Want.Undo, back, s.status(t, id), tt.Start)
			}
		})
	}
	t.Run("ErrUnknownReplyNotFound", func(t *testing.T) {
		var got struct{ Error, Message string }
		s.postJSON(t, "/admin/comments/99999/action/approve", nil, mod).wantStatus(http.StatusNotFound).wantJSON(&got)
		if got.Error != "Reply not found" || got.Message != "There is no reply with this number. It may have been deleted permanently." {
			t.Errorf("answer = %+v", got)
		}
	})
	t.Run("ErrUnknownAction", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "JSON unknown action"})
		var got struct{ Error, Message string }
		s.postJSON(t, "/admin/comments/"+itoa(id)+"/action/publish", nil, mod).wantStatus(http.StatusNotFound).wantJSON(&got)
		if got.Error != "Page not found" || s.status(t, id) != "pending" {
			t.Errorf("answer = %+v, status %q; want Page not found and the reply still pending", got, s.status(t, id))
		}
	})
	t.Run("CrossSiteRefused", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "JSON from another site"})
		req := httptest.NewRequest(http.MethodPost, "/admin/comments/"+itoa(id)+"/action/approve", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Accept", "application/json")
		req.AddCookie(mod)
		var got struct{ Error, Message string }
		s.do(t, req).wantStatus(http.StatusForbidden).wantJSON(&got)
		if got.Error != "Request refused" || s.status(t, id) != "pending" {
			t.Errorf("answer = %+v, status %q; want Request refused and the reply still pending", got, s.status(t, id))
		}
	})
	// Signed out, a script is sent to sign in like a form; it then submits the form
	// itself, which shows the sign-in page.
	t.Run("SignedOutChangesNothing", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "JSON nobody signed in"})
		s.postJSON(t, "/admin/comments/"+itoa(id)+"/action/approve", nil, nil).wantSeeOtherTo("/admin/login")
		if got := s.status(t, id); got != "pending" {
			t.Errorf("status = %q, want pending", got)
		}
	})
	// A browser's own request, which accepts anything, still gets the page.
	t.Run("BrowserGetsRedirect", func(t *testing.T) {
		id := s.addReplyRow(t, replyRow{Body: "JSON plain browser"})
		req := httptest.NewRequest(http.MethodPost, "/admin/comments/"+itoa(id)+"/action/approve", strings.NewReader("return=%2Fadmin%2Fcomments"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		req.AddCookie(mod)
		s.do(t, req).wantSeeOtherTo("/admin/comments?done=approve&n=1")
	})
}

// Ensure deleting a reply that has replies keeps them, one level up.
func TestModeration_DeleteMovesRepliesUp(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	under := s.addReplyRow(t, replyRow{Parent: 2, Status: "approved", Name: "Third Level", Body: "Reply under Tom's reply"})
	remove := func(t testing.TB, id int64) {
		t.Helper()
		s.postForm(t, "/admin/comments/"+itoa(id)+"/action/trash", nil, mod).wantSeeOtherTo("/admin/comments?done=trash&n=1")
		s.postForm(t, "/admin/comments/"+itoa(id)+"/action/delete", nil, mod).wantSeeOtherTo("/admin/comments?done=delete&n=1")
		if n := s.count(t, `SELECT count(*) FROM comments WHERE id = ?`, id); n != 0 {
			t.Fatalf("reply %d was not deleted", id)
		}
	}

	t.Run("MiddleOfThread", func(t *testing.T) {
		remove(t, 2)
		if got := s.parentOf(t, under); got != 1 {
			t.Errorf("parent of the reply under Tom's = %d, want 1 (Tom's parent)", got)
		}
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		page.wantNotContains("Same here with my calves", `id="comment-2"`)
		page.wantContains(`<li id="comment-` + itoa(under) + `" class="comment depth-2">`)
		page.wantInOrder(`id="comment-1"`, `<ol class="children">`, "Reply under Tom&#39;s reply", `id="comment-3"`)
	})
	t.Run("TopOfThread", func(t *testing.T) {
		remove(t, 1)
		if got := s.parentOf(t, under); got != 0 {
			t.Errorf("parent of the reply = %d, want none", got)
		}
		s.get(t, articlePath).wantStatus(http.StatusOK).
			wantContains(`<li id="comment-`+itoa(under)+`" class="comment depth-1">`, "Reply under Tom&#39;s reply").
			wantNotContains("My eyelid twitched")
	})
}

// Ensure the bulk form acts on every ticked reply, says so when none was ticked, and
// refuses an unknown action.
func TestModeration_Bulk(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	a := s.addReplyRow(t, replyRow{Body: "Bulk a"})
	b := s.addReplyRow(t, replyRow{Body: "Bulk b"})
	c := s.addReplyRow(t, replyRow{Body: "Bulk c"})
	untouched := s.addReplyRow(t, replyRow{Body: "Not ticked"})
	ids := []string{itoa(a), itoa(b), "abc", itoa(c)}
	want := func(t *testing.T, status string, ids ...int64) {
		t.Helper()
		for _, id := range ids {
			if got := s.status(t, id); got != status {
				t.Errorf("reply %d: status %q, want %q", id, got, status)
			}
		}
	}

	t.Run("ErrUnknownAction", func(t *testing.T) {
		s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"publish"}, "ids": ids}, mod).
			wantStatus(http.StatusBadRequest).wantContains("Choose an action")
		want(t, "pending", a, b, c, untouched)
	})
	t.Run("ErrNoAction", func(t *testing.T) {
		s.postForm(t, "/admin/comments/bulk", url.Values{"action": {""}, "ids": ids}, mod).
			wantStatus(http.StatusBadRequest).wantContains("Choose an action")
		want(t, "pending", a, b, c, untouched)
	})
	t.Run("NothingTicked", func(t *testing.T) {
		res := s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"approve"}, "return": {"/admin/comments"}}, mod).
			wantSeeOtherTo("/admin/comments?done=none&n=0")
		s.getAs(t, mod, res.Header.Get("Location")).wantContains("Nothing was selected, so nothing changed.").wantNotContains("Approved.")
		want(t, "pending", a, b, c, untouched)
	})
	t.Run("Approve", func(t *testing.T) {
		s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"approve"}, "ids": ids, "return": {"/admin/comments?status=pending"}}, mod).
			wantSeeOtherTo("/admin/comments?done=approve&n=3&status=pending")
		want(t, "approved", a, b, c)
		want(t, "pending", untouched)
	})
	t.Run("TrashThenDelete", func(t *testing.T) {
		s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"trash"}, "ids": ids}, mod).wantSeeOtherTo("/admin/comments?done=trash&n=3")
		want(t, "trash", a, b, c)
		s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"delete"}, "ids": append(ids, itoa(untouched))}, mod).
			wantSeeOtherTo("/admin/comments?done=delete&n=3")
		if n := s.count(t, `SELECT count(*) FROM comments WHERE id IN (?, ?, ?)`, a, b, c); n != 0 {
			t.Errorf("%d of the trashed replies remain", n)
		}
		want(t, "pending", untouched)
	})
}

// Ensure an action returns to the queue page it came from, and never anywhere outside
// the queue.
func TestModeration_ReturnsOnlyToTheQueue(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	tests := []struct {
		Name   string
		Return string
		Want   string
	}{
		{"QueuePage", "/admin/comments?status=pending&page=2&q=x", "/admin/comments?done=approve&n=1&page=2&q=x&status=pending"},
		{"QueueReplacesOldOutcome", "/admin/comments?done=spam&n=7", "/admin/comments?done=approve&n=1"},
		{"Missing", "", "/admin/comments?done=approve&n=1"},
		{"OtherAdminPage", "/admin/settings", "/admin/comments?done=approve&n=1"},
		{"OtherSite", "https://evil.example/admin/comments", "/admin/comments?done=approve&n=1"},
		{"SchemeRelative", "//evil.example/admin/comments", "/admin/comments?done=approve&n=1"},
		{"Backslash", `/admin/comments\@evil.example`, "/admin/comments?done=approve&n=1"},
		{"PublicPage", articlePath, "/admin/comments?done=approve&n=1"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			id := s.addReplyRow(t, replyRow{Body: "Return " + tt.Name})
			s.postForm(t, "/admin/comments/"+itoa(id)+"/action/approve", url.Values{"return": {tt.Return}}, mod).wantSeeOtherTo(tt.Want)
		})
	}
}

// Ensure a moderator can correct a reply's name, website and text, which the article
// shows at once, and that a wrong value is refused with everything typed kept.
func TestEdit_Reply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	const tom = "/admin/comments/2/edit"
	type row struct{ Name, Email, URL, Body, Status string }
	saved := func(t testing.TB) row {
		t.Helper()
		var r row
		var sealed []byte
		if err := s.db.QueryRow(`SELECT author_name, author_email_enc, author_url, body, status FROM comments WHERE id = 2`).
			Scan(&r.Name, &sealed, &r.URL, &r.Body, &r.Status); err != nil {
			t.Fatal(err)
		}
		var err error
		if r.Email, err = testKeys.Open(sealed); err != nil {
			t.Fatal(err)
		}
		return r
	}
	original := saved(t)

	t.Run("ShowsTheValues", func(t *testing.T) {
		res := s.getAs(t, mod, tom+"?return="+url.QueryEscape("/admin/comments?status=approved")).wantStatus(http.StatusOK)
		res.wantContains(
			"<h1>Reply by Tom Whitaker</h1>", "· in reply to Priya N.", "tom.whitaker@example.net",
			`<a href="/admin/comments?status=approved">← Back to replies</a>`,
			`<input type="hidden" name="return" value="/admin/comments?status=approved">`,
			`id="author" name="author" type="text" value="Tom Whitaker"`,
			`id="url" name="url" type="url" value="https://example.net/tom"`,
			"required>\nSame here with my calves after long runs. Drinking more water on training days made the biggest difference for me.</textarea>",
			"<h2>Reply as staff</h2>",
		)
		res.wantNotContains("The changes were not saved.")
	})
	t.Run("ErrUnknownReply", func(t *testing.T) {
		s.getAs(t, mod, "/admin/comments/99999/edit").wantStatus(http.StatusNotFound)
		s.postForm(t, "/admin/comments/99999/edit", url.Values{"author": {"X"}, "comment": {"Y"}}, mod).wantStatus(http.StatusNotFound)
	})

	invalid := []struct {
		Name    string
		Field   string
		Value   string
		Message string
	}{
		{"ErrTextEmpty", "comment", "", "Comment is required."},
		{"ErrTextBlank", "comment", " \r\n ", "Comment is required."},
		{"ErrNameEmpty", "author", "", "Name is required."},
		{"ErrWebsiteJavascript", "url", "javascript:alert(1)", "Enter a web address that starts with http:// or https://, or leave it empty."},
	}
	for _, tt := range invalid {
		t.Run(tt.Name, func(t *testing.T) {
			form := url.Values{"author": {`Tom "W" <b>`}, "url": {"https://tom.example/"}, "comment": {"Typed <em>text</em> & more"}, "return": {"/admin/comments?status=approved"}}
			form.Set(tt.Field, tt.Value)
			res := s.postForm(t, tom, form, mod).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("The changes were not saved.", `<span class="field-error">`+html.EscapeString(tt.Message)+`</span>`,
				`<p class="has-error"><label for="`+tt.Field+`">`)
			res.wantContains(`value="`+html.EscapeString(form.Get("author"))+`"`, `value="`+html.EscapeString(form.Get("url"))+`"`,
				"required>\n"+html.EscapeString(strings.ReplaceAll(form.Get("comment"), "\r\n", "\n"))+`</textarea>`,
				`<input type="hidden" name="return" value="/admin/comments?status=approved">`)
			res.wantNotContains("<b>", "<em>text</em>")
			if got := saved(t); got != original {
				t.Errorf("saved after a refused edit: %+v, want %+v", got, original)
			}
		})
	}

	t.Run("Saved", func(t *testing.T) {
		form := url.Values{
			"author": {"Tom W."}, "url": {"https://tom.example/"}, "comment": {"Edited: water helped.\r\nSecond line <b>bold</b>"},
			// Fields the edit form does not have must not change anything.
			"email": {"someone.else@example.com"}, "status": {"spam"},
			"return": {"/admin/comments?status=approved"},
		}
		s.postForm(t, tom, form, mod).wantSeeOtherTo("/admin/comments?done=edited&n=1&status=approved")
		want := row{Name: "Tom W.", Email: "tom.whitaker@example.net", URL: "https://tom.example/", Body: "Edited: water helped.\nSecond line <b>bold</b>", Status: "approved"}
		if got := saved(t); got != want {
			t.Errorf("saved %+v, want %+v", got, want)
		}
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		page.wantContains(`<a href="https://tom.example/" rel="external nofollow ugc">Tom W.</a>`, "Edited: water helped.<br>", "Second line &lt;b&gt;bold&lt;/b&gt;")
		page.wantNotContains("Tom Whitaker", "Drinking more water", "<b>bold</b>", "someone.else@example.com")
	})
}

// Ensure a staff answer to a held reply approves it and is published at once under it,
// marked as staff, and that an empty answer is refused.
func TestStaffReply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	staff := s.addUser(t, model.RoleModerator)
	mod := s.signIn(t, staff)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	parent, status, _ := s.lastReply(t)
	if status != "pending" {
		t.Fatalf("reader's reply is %q, want pending", status)
	}
	edit := s.getAs(t, mod, "/admin/comments/"+itoa(parent)+"/edit").wantStatus(http.StatusOK)
	edit.wantContains("this reply is approved with it", "Approve and reply")

	t.Run("ErrEmpty", func(t *testing.T) {
		for _, text := range []string{"", " \r\n\t "} {
			before := s.count(t, `SELECT count(*) FROM comments`)
			res := s.postForm(t, "/admin/comments/"+itoa(parent)+"/reply", url.Values{"reply": {text}}, mod).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains(`<span class="field-error">Your reply is required.</span>`, "Reply by Reader One")
			res.wantNotContains("The changes were not saved.")
			if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
				t.Errorf("comments = %d after an empty staff reply, want %d", got, before)
			}
			if got := s.status(t, parent); got != "pending" {
				t.Errorf("reader's reply is %q after an empty staff reply, want pending", got)
			}
		}
	})
	t.Run("ApprovesAndPublishes", func(t *testing.T) {
		s.postForm(t, "/admin/comments/"+itoa(parent)+"/reply", url.Values{"reply": {"Glad it helped. See a doctor if it lasts.\r\nThe team"}, "return": {"/admin/comments"}}, mod).
			wantSeeOtherTo("/admin/comments?done=replied&n=1")
		if got := s.status(t, parent); got != "approved" {
			t.Errorf("reader's reply is %q, want approved", got)
		}
		var id, parentID, userID, articleID int64
		var st, name, body string
		if err := s.db.QueryRow(`SELECT id, status, parent_id, user_id, article_id, author_name, body FROM comments ORDER BY id DESC LIMIT 1`).
			Scan(&id, &st, &parentID, &userID, &articleID, &name, &body); err != nil {
			t.Fatal(err)
		}
		if st != "approved" || parentID != parent || userID != staff.ID || articleID != 1 || name != staff.Name || body != "Glad it helped. See a doctor if it lasts.\nThe team" {
			t.Errorf("staff reply saved as status=%q parent=%d user=%d article=%d name=%q body=%q", st, parentID, userID, articleID, name, body)
		}
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		page.wantContains(`<li id="comment-`+itoa(parent)+`" class="comment depth-1">`,
			`<li id="comment-`+itoa(id)+`" class="comment depth-2 comment-staff">`,
			`<span class="staff-badge">Staff</span>`, "Glad it helped. See a doctor if it lasts.<br>", "5 replies")
		page.wantInOrder(`id="comment-`+itoa(parent)+`"`, "Magnesium helped", `<ol class="children">`, `id="comment-`+itoa(id)+`"`, "Glad it helped")
		page.wantNotContains(staff.EmailAddress(), "reader.one@example.com", "awaiting moderation")
		if n := strings.Count(page.Body, "comment-staff"); n != 1 {
			t.Errorf("%d replies marked as staff, want 1", n)
		}
	})
	t.Run("ErrSpamCannotBeAnswered", func(t *testing.T) {
		spam := s.addReplyRow(t, replyRow{Status: "spam", Body: "Cheap pills"})
		before := s.count(t, `SELECT count(*) FROM comments`)
		res := s.postForm(t, "/admin/comments/"+itoa(spam)+"/reply", url.Values{"reply": {"An answer"}}, mod).wantStatus(http.StatusUnprocessableEntity)
		// The moderator must be told why nothing happened, and keep what they typed.
		res.wantContains("Only pending or approved replies can be answered.", ">\nAn answer</textarea>")
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Errorf("a staff reply to spam was saved")
		}
		if got := s.status(t, spam); got != "spam" {
			t.Errorf("spam reply is now %q", got)
		}
	})
}

// Ensure approving, unapproving, marking as spam and trashing change the article and
// the home page's reply count at once.
func TestModeration_PublicPageFollowsAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	id, _, _ := s.lastReply(t)
	steps := []struct {
		Action  string
		Visible bool
	}{
		{"approve", true}, {"unapprove", false}, {"approve", true}, {"spam", false}, {"restore", true}, {"trash", false}, {"restore", true},
	}
	s.get(t, articlePath).wantNotContains("Magnesium helped")
	for i, step := range steps {
		t.Run(fmt.Sprintf("%d_%s", i+1, step.Action), func(t *testing.T) {
			s.postForm(t, "/admin/comments/"+itoa(id)+"/action/"+step.Action, nil, mod).wantSeeOtherTo("/admin/comments?done=" + step.Action + "&n=1")
			page := s.get(t, articlePath).wantStatus(http.StatusOK)
			home := s.get(t, "/").wantStatus(http.StatusOK)
			if step.Visible {
				page.wantContains(`id="comment-`+itoa(id)+`"`, "Magnesium helped my cramps.", "4 replies to")
				home.wantContains("4 replies").wantNotContains("3 replies")
			} else {
				page.wantContains("3 replies to").wantNotContains(`id="comment-`+itoa(id)+`"`, "Magnesium helped", "Reader One")
				home.wantContains("3 replies").wantNotContains("4 replies")
			}
		})
	}
}

// Ensure commenters' emails are shown on the moderation queue and on no public page.
func TestModeration_EmailsOnlyForStaff(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	res := s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	own := strings.Split(res.Header.Get("Location"), "#")[0]
	s.postForm(t, "/admin/comments/1/reply", url.Values{"reply": {"Thanks for sharing."}}, mod).wantStatus(http.StatusSeeOther)
	// The staff answer keeps no email: an account's email is not a commenter's.
	emails := slices.DeleteFunc(s.commenterEmails(t), func(e string) bool { return e == "" })
	if len(emails) != 4 {
		t.Fatalf("%d emails in the database, want 4 (the demo's three and the reader's)", len(emails))
	}

	t.Run("OnTheQueue", func(t *testing.T) {
		staffPages := s.getAs(t, mod, "/admin/comments").Body + s.getAs(t, mod, "/admin/comments?status=approved").Body
		for _, email := range emails {
			if !strings.Contains(staffPages, email) {
				t.Errorf("the queue does not show %q", email)
			}
		}
	})
	for _, page := range []struct{ Name, URL string }{
		{"Home", "/"}, {"Article", articlePath}, {"OwnPendingReply", own}, {"ReplyTo", articlePath + "?replytocom=1"},
		{"NotFound", "/articles/no-such-article"}, {"QueueSignedOut", "/admin/comments"}, {"SignIn", "/admin/login"},
	} {
		t.Run("NotOn"+page.Name, func(t *testing.T) {
			res := s.get(t, page.URL)
			if res.Code != http.StatusOK && res.Code != http.StatusNotFound && res.Code != http.StatusSeeOther {
				t.Fatalf("status %d", res.Code)
			}
			res.wantNotContains(emails...)
		})
	}
	t.Run("NotOnRefusedReply", func(t *testing.T) {
		form := validReply()
		form.Set("email", "not-an-email")
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusUnprocessableEntity).wantNotContains(emails...)
	})
}

// Ensure the number of replies waiting is shown on every staff page.
func TestModeration_PendingCountOnEveryAdminPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	first := s.addReplyRow(t, replyRow{Body: "Waiting one"})
	second := s.addReplyRow(t, replyRow{Body: "Waiting two"})
	s.addReplyRow(t, replyRow{Body: "Spam is not waiting", Status: "spam"})
	pages := []string{"/admin/", "/admin/comments", "/admin/comments?status=trash", "/admin/comments/1/edit", "/admin/settings", "/admin/users"}
	check := func(t *testing.T, want string) {
		t.Helper()
		for _, p := range pages {
			res := s.getAs(t, admin, p).wantStatus(http.StatusOK)
			if want == "" {
				res.wantNotContains("Replies waiting for moderation", " pending</span>")
			} else {
				res.wantContains(`<span class="count" title="Replies waiting for moderation">` + want + `</span>`)
			}
		}
	}
	t.Run("Two", func(t *testing.T) { check(t, "2 pending") })
	t.Run("OneAfterApproving", func(t *testing.T) {
		s.postForm(t, "/admin/comments/"+itoa(first)+"/action/approve", nil, admin).wantStatus(http.StatusSeeOther)
		check(t, "1 pending")
	})
	t.Run("NoneLeft", func(t *testing.T) {
		s.postForm(t, "/admin/comments/"+itoa(second)+"/action/trash", nil, admin).wantStatus(http.StatusSeeOther)
		check(t, "")
	})
	t.Run("Moderator", func(t *testing.T) {
		s.addReplyRow(t, replyRow{Body: "Waiting three"})
		s.getAs(t, s.moderator(t), "/admin/").wantStatus(http.StatusOK).
			wantContains(`<span class="count" title="Replies waiting for moderation">1 pending</span>`)
	})
}

// Ensure an administrator sees the policy, can save a valid one, and that a wrong
// value is refused next to its field with everything typed kept and nothing saved.
func TestSettings_Policy(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	policy := func(t testing.TB) model.Policy {
		t.Helper()
		p, err := s.store.Policy(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	valid := func() url.Values {
		return url.Values{
			"auto_approve_known": {"on"}, "hold_links": {"3"},
			"hold_words": {"  Cheap \r\n\r\nCASINO\r\ncasino\r\n  free   money \r\n"}, "spam_words": {"Viagra\n\n"},
			"close_after_days": {"30"}, "thread_depth": {"3"}, "flood_seconds": {"20"}, "min_form_seconds": {"0"},
			"retain_spam_days": {"14"}, "retain_pending_days": {"0"}, "retain_client_days": {"7"}, "contact_email": {" editors@fascicle.test "},
			"hold_medical": {"on"}, "medicines": {"Ibuprofen\r\naspirin\r\n"}, "link_domains": {" NHS.uk\r\nwho.int"},
			"hide_after_reports": {"2"},
		}
	}

	t.Run("ShowsDefaults", func(t *testing.T) {
		res := s.getAs(t, admin, "/admin/settings").wantStatus(http.StatusOK)
		res.wantContains(
			`<input type="checkbox" id="hold_all" name="hold_all" checked>`,
			`<input type="checkbox" id="auto_approve_known" name="auto_approve_known" aria-describedby="auto_approve_known-hint">`,
			`id="hold_links" name="hold_links" type="number" min="0" max="100" value="2"`,
			`<textarea id="hold_words" name="hold_words" rows="5">`+"\n</textarea>",
			`<textarea id="spam_words" name="spam_words" rows="5">`+"\n</textarea>",
			`id="thread_depth" name="thread_depth" type="number" min="1" max="10" value="5"`,
			`id="close_after_days" name="close_after_days" type="number" min="0" value="0"`,
			`id="flood_seconds" name="flood_seconds" type="number" min="0" max="3600" value="15"`,
			`id="min_form_seconds" name="min_form_seconds" type="number" min="0" max="60" value="3"`,
			`id="retain_spam_days" name="retain_spam_days" type="number" min="0" max="3650" value="30"`,
			`id="retain_pending_days" name="retain_pending_days" type="number" min="0" max="3650" value="90"`,
			`id="retain_client_days" name="retain_client_days" type="number" min="0" max="3650" value="30"`,
			`id="contact_email" name="contact_email" type="email" value=""`,
			`<input type="checkbox" id="hold_medical" name="hold_medical" checked aria-describedby="medicines-hint">`,
			"\nacetaminophen\nparacetamol\n", "\nwho.int\ncdc.gov\n",
			`id="hide_after_reports" name="hide_after_reports" type="number" min="0" max="100" value="3"`,
		)
		res.wantNotContains("The settings were not saved.", "field-error")
	})
	t.Run("ErrModeratorNotAllowed", func(t *testing.T) {
		mod := s.moderator(t)
		s.getAs(t, mod, "/admin/settings").wantStatus(http.StatusForbidden)
		s.postForm(t, "/admin/settings", valid(), mod).wantStatus(http.StatusForbidden)
		if got := policy(t); !reflect.DeepEqual(got, model.DefaultPolicy()) {
			t.Errorf("a moderator changed the policy to %+v", got)
		}
	})

	invalid := []struct {
		Name    string
		Field   string
		Value   string
		Message string
	}{
		{"ErrHoldLinksNotANumber", "hold_links", "abc", "Enter a whole number."},
		{"ErrHoldLinksEmpty", "hold_links", "", "Enter a whole number."},
		{"ErrHoldLinksTooMany", "hold_links", "101", "Enter a number of links from 0 (never hold for links) to 100."},
		{"ErrThreadDepthZero", "thread_depth", "0", "Enter a depth from 1 (no nesting) to 10."},
		{"ErrThreadDepthTooDeep", "thread_depth", "11", "Enter a depth from 1 (no nesting) to 10."},
		{"ErrCloseAfterDaysFraction", "close_after_days", "1.5", "Enter a whole number."},
		{"ErrCloseAfterDaysNegative", "close_after_days", "-1", "Enter a number of days from 0 (never close) to 36500."},
		{"ErrFloodSecondsNegative", "flood_seconds", "-1", "Enter a number of seconds from 0 (no flood check) to 3600."},
		{"ErrMinFormSecondsTooLong", "min_form_seconds", "61", "Enter a number of seconds from 0 (no check) to 60."},
		{"ErrSpamWordTooLong", "spam_words", strings.Repeat("x", 201), "Each line must be at most 200 characters."},
		{"ErrRetainSpamDaysTooLong", "retain_spam_days", "3651", "Enter a number of days from 0 (keep until deleted) to 3650."},
		{"ErrRetainPendingDaysNegative", "retain_pending_days", "-1", "Enter a number of days from 0 (keep until deleted) to 3650."},
		{"ErrRetainClientDaysEmpty", "retain_client_days", "", "Enter a whole number."},
		{"ErrContactEmailInvalid", "contact_email", "editors at fascicle", "Enter an email address like editors@example.com, or leave it empty."},
		{"ErrHideAfterReportsNegative", "hide_after_reports", "-1", "Enter a number of readers from 0 (never hide) to 100."},
		{"ErrLinkDomainWithPath", "link_domains", "nhs.uk\nhttps://who.int/x", "“https://who.int/x” is not a domain: write one per line, such as nhs.uk, without https:// or a path."},
	}
	for _, tt := range invalid {
		t.Run(tt.Name, func(t *testing.T) {
			form := valid()
			form.Set(tt.Field, tt.Value)
			res := s.postForm(t, "/admin/settings", form, admin).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("The settings were not saved.")
			// The message sits between the field's label and the field itself.
			label := strings.Index(res.Body, `<label for="`+tt.Field+`">`)
			input := strings.Index(res.Body, `id="`+tt.Field+`" name="`+tt.Field+`"`)
			msg := strings.Index(res.Body, `<span class="field-error" id="`+tt.Field+`-error">`+html.EscapeString(tt.Message)+`</span>`)
			if label < 0 || input < 0 || msg < label || msg > input {
				t.Fatalf("message %q is not next to the %s field (label %d, message %d, field %d)", tt.Message, tt.Field, label, msg, input)
			}
			// And the field names it, for screen readers.
			tag := res.Body[input : input+strings.IndexByte(res.Body[input:], '>')]
			if !regexp.MustCompile(`aria-describedby="[^"]*\b`+tt.Field+`-error\b`).MatchString(tag) || !strings.Contains(tag, `aria-invalid="true"`) {
				t.Errorf("the %s field does not name its message: %s", tt.Field, tag)
			}
			if n := strings.Count(res.Body, `class="field-error"`); n != 1 {
				t.Errorf("%d field errors, want 1", n)
			}
			// Everything typed is still there, as typed.
			res.wantContains(`<input type="checkbox" id="hold_all" name="hold_all">`,
				`<input type="checkbox" id="auto_approve_known" name="auto_approve_known" checked aria-describedby="auto_approve_known-hint">`,
				">\n"+html.EscapeString(form.Get("hold_words"))+"</textarea>")
			for _, f := range []string{"hold_links", "thread_depth", "close_after_days", "flood_seconds", "min_form_seconds"} {
				res.wantContains(`id="` + f + `" name="` + f + `" type="number"`)
				if !strings.Contains(res.Body, `value="`+html.EscapeString(form.Get(f))+`" inputmode="numeric"`) {
					t.Errorf("%s lost its typed value %q", f, form.Get(f))
				}
			}
			if got := policy(t); !reflect.DeepEqual(got, model.DefaultPolicy()) {
				t.Errorf("policy after a refused form = %+v, want the default", got)
			}
		})
	}

	t.Run("Saved", func(t *testing.T) {
		s.postForm(t, "/admin/settings", valid(), admin).wantSeeOtherTo("/admin/settings?done=settings")
		want := model.Policy{
			HoldAll: false, AutoApproveKnown: true, HoldLinks: 3,
			HoldWords: []string{"cheap", "casino", "free   money"}, SpamWords: []string{"viagra"},
			CloseAfterDays: 30, ThreadDepth: 3, FloodSeconds: 20, MinFormSeconds: 0,
			RetainSpamDays: 14, RetainPendingDays: 0, RetainClientDays: 7, ContactEmail: "editors@fascicle.test",
			HoldMedical: true, Medicines: []string{"ibuprofen", "aspirin"}, LinkDomains: []string{"nhs.uk", "who.int"},
			HideAfterReports: 2,
		}
		if got := policy(t); !reflect.DeepEqual(got, want) {
			t.Errorf("saved policy = %+v, want %+v", got, want)
		}
		res := s.getAs(t, admin, "/admin/settings?done=settings").wantStatus(http.StatusOK)
		res.wantContains("Settings saved.", `<input type="checkbox" id="hold_all" name="hold_all">`,
			`<input type="checkbox" id="auto_approve_known" name="auto_approve_known" checked aria-describedby="auto_approve_known-hint">`,
			`<textarea id="hold_words" name="hold_words" rows="5">
cheap
casino
free   money</textarea>`, `name="thread_depth" type="number" min="1" max="10" value="3"`, `name="min_form_seconds" type="number" min="0" max="60" value="0"`)
	})
}

// Ensure the queue says who moved a reply and when ("Marked as spam by NAME"), not the
// rule that once held it, and still names the rule for what the rules sent to spam;
// and that an approved reply shows no reason for being held.
func TestQueue_SaysWhoMovedAReply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	held := s.wantReply(t, "pending", "every reply is held (manual moderation)")
	robot := validReply()
	robot.Set("comment", "Sent by a robot.")
	robot.Set("contact_me_by_fax_only", "filled")
	s.postReply(t, articlePath+"/comments", robot).wantStatus(http.StatusSeeOther)
	s.wantReply(t, "spam", "filled in the hidden field that only robots see")

	s.postForm(t, "/admin/comments/"+itoa(held)+"/action/spam", nil, mod).wantStatus(http.StatusSeeOther)
	spam := s.getAs(t, mod, "/admin/comments?status=spam").wantStatus(http.StatusOK)
	spam.wantContains("Marked as spam by Staff moderator, <time", "<strong>Spam because:</strong> filled in the hidden field that only robots see").
		wantNotContains("Spam because:</strong> every reply is held")
	s.postForm(t, "/admin/comments/"+itoa(held)+"/action/restore", nil, mod).wantStatus(http.StatusSeeOther)
	s.postForm(t, "/admin/comments/"+itoa(held)+"/action/approve", nil, mod).wantStatus(http.StatusSeeOther)
	s.getAs(t, mod, "/admin/comments?status=approved").wantStatus(http.StatusOK).
		wantNotContains("Held because:", "every reply is held (manual moderation)", "Marked as spam by")
}

// Ensure each reply in the queue says how many other replies with its email were
// approved and marked as spam, or that it is the first, without showing the email's
// hash.
func TestQueue_CommenterHistory(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	for _, text := range []string{"First words.", "Buy pills here.", "A third reply."} {
		form := validReply()
		form.Set("comment", text)
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	}
	s.exec(t, `UPDATE comments SET status = 'approved' WHERE body = 'First words.'`)
	s.exec(t, `UPDATE comments SET status = 'spam' WHERE body = 'Buy pills here.'`)
	stranger := validReply()
	stranger.Set("email", "someone.new@example.com")
	stranger.Set("comment", "Hello from someone new.")
	s.postReply(t, articlePath+"/comments", stranger).wantStatus(http.StatusSeeOther)
	s.getAs(t, mod, "/admin/comments").wantStatus(http.StatusOK).
		wantContains("Earlier with this email: 1 approved, <strong>1 spam</strong>", "First reply with this email")
	s.getAs(t, mod, "/admin/comments?status=approved").wantStatus(http.StatusOK).
		wantContains("Earlier with this email: 0 approved, <strong>1 spam</strong>")
}

// Ensure the queue marks in a held reply's text what the rule found (a dose, a
// medicine, a hold word), escaped like the rest, and marks nothing in a link or in a
// reply whose reason names nothing.
func TestQueue_MarksWhatTheRuleFound(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	s.addReplyRow(t, replyRow{Body: "I took 500 MG <b>twice</b>, see https://example.org/500-mg", Reason: "mentions a dose: 500 mg"})
	s.addReplyRow(t, replyRow{Body: "Nothing 500 mg to see.", Reason: "every reply is held (manual moderation)"})
	res := s.getAs(t, mod, "/admin/comments").wantStatus(http.StatusOK)
	res.wantContains("I took <mark>500 MG</mark> &lt;b&gt;twice&lt;/b&gt;, see <a href=\"https://example.org/500-mg\"",
		"<p>Nothing 500 mg to see.</p>",
		// Each row's buttons name the reply they act on, for a screen reader's list of buttons.
		`aria-label="Approve: the reply by Queue Reader">Approve</button>`)
	if n := strings.Count(res.Body, "<mark>"); n != 1 {
		t.Errorf("%d marks, want 1", n)
	}
}
