package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// The person who asks for their data in these tests, and what they wrote.
const (
	samEmail   = "sam.asks@example.com"
	samName    = "Sam Asks"
	samWebsite = "https://sam.example.org/"
)

// privacyThread is the demo article's replies plus Sam's: an answer to Priya (reply 1)
// that Tom answered, a reply to the article that Priya answered, a held reply and a
// spam reply on top.
type privacyThread struct {
	samAnswer, samTop, samPending, samSpam int64
	tomToSam, priyaToSam                   int64
}

func (s *site) addPrivacyThread(t testing.TB) privacyThread {
	t.Helper()
	sam := func(t testing.TB, r replyRow) int64 {
		r.Name, r.Email, r.URL, r.Prefix, r.Agent = samName, samEmail, samWebsite, "203.0.113.0/24", "SamBrowser/1.0"
		return s.addReplyRow(t, r)
	}
	var th privacyThread
	th.samAnswer = sam(t, replyRow{Parent: 1, Body: "Sam agrees with Priya about coffee.", Status: "approved", Age: 3 * time.Hour})
	th.tomToSam = s.addReplyRow(t, replyRow{Parent: th.samAnswer, Name: "Tom Whitaker", Email: "tom.whitaker@example.net",
		Body: "Tom answers Sam: water helped me more.", Status: "approved", Age: 2 * time.Hour})
	th.samTop = sam(t, replyRow{Body: "Sam's own question about magnesium.", Status: "approved", Age: 90 * time.Minute})
	th.priyaToSam = s.addReplyRow(t, replyRow{Parent: th.samTop, Name: "Priya N.", Email: "priya.n@example.com",
		Body: "Priya answers Sam's question.", Status: "approved", Age: time.Hour})
	th.samPending = sam(t, replyRow{Body: "Sam's held reply with a link.", Status: "pending", Age: 30 * time.Minute})
	th.samSpam = sam(t, replyRow{Body: "Sam's reply caught as spam.", Status: "spam", Age: 10 * time.Minute})
	s.exec(t, `UPDATE comments SET client_hash = 'sam-address-hash' WHERE author_name = ?`, samName)
	return th
}

// privacyAuditText returns every value of every row of the audit log, as text.
func (s *site) privacyAuditText(t testing.TB) string {
	t.Helper()
	rows, err := s.db.Query(`SELECT id, coalesce(CAST(user_id AS TEXT), ''), action, replies, created_at FROM privacy_audit`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, user, action, replies, created string
		if err := rows.Scan(&id, &user, &action, &replies, &created); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s\n", id, user, action, replies, created)
	}
	return b.String()
}

// Ensure the personal-data page offers the search, finds every reply sent with an
// email (in any status and any case of the address) with its date, article, status,
// text, name and website, counts them, shows nobody else's, and is never cached.
func TestPrivacy_FindsEveryReplyByEmail(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.addPrivacyThread(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))

	t.Run("Form", func(t *testing.T) {
		res := s.getAs(t, admin, "/admin/privacy").wantStatus(http.StatusOK)
		res.wantContains("<h1>Personal data</h1>", "Find every reply by an email address",
			`<input id="email" name="email" type="email" value=""`, "Audit log", "No request has been handled yet.",
			`<a href="/admin/privacy">Personal data</a>`)
		res.wantNotContains("replies by", `action="/admin/privacy/erase"`, `action="/admin/privacy/export"`, samName)
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
		if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("Referrer-Policy = %q, want no-referrer", got)
		}
	})
	t.Run("Found", func(t *testing.T) {
		typed := "  Sam.Asks@EXAMPLE.com "
		res := s.getAs(t, admin, "/admin/privacy?email="+url.QueryEscape(typed)).wantStatus(http.StatusOK)
		res.wantContains("4 replies by Sam.Asks@EXAMPLE.com",
			`value="Sam.Asks@EXAMPLE.com"`,
			"Sam agrees with Priya about coffee.", "Sam&#39;s own question about magnesium.",
			"Sam&#39;s held reply with a link.", "Sam&#39;s reply caught as spam.",
			`<span class="status status-approved">approved</span>`, `<span class="status status-pending">pending</span>`,
			`<span class="status status-spam">spam</span>`,
			`<a href="/articles/understanding-involuntary-muscle-twitches">Understanding Involuntary Muscle Twitches`,
			"<strong>"+samName+"</strong>", `<a href="`+samWebsite+`" rel="nofollow noopener noreferrer">`,
			`action="/admin/privacy/export"`, `action="/admin/privacy/erase"`, `<input type="hidden" name="email" value="Sam.Asks@EXAMPLE.com">`)
		// Oldest first, as the person wrote them.
		res.wantInOrder("Sam agrees with Priya", "Sam&#39;s own question", "Sam&#39;s held reply", "Sam&#39;s reply caught as spam")
		res.wantNotContains("Tom answers Sam", "Priya answers Sam", "tom.whitaker@example.net", "priya.n@example.com", "My eyelid twitched")
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
	})
	t.Run("NoneFound", func(t *testing.T) {
		res := s.getAs(t, admin, "/admin/privacy?email=nobody%40example.com").wantStatus(http.StatusOK)
		res.wantContains("0 replies by nobody@example.com", "No reply was sent with this email address.")
		res.wantNotContains(samName, "Sam agrees")
	})
	t.Run("ErrNotAnEmail", func(t *testing.T) {
		res := s.getAs(t, admin, "/admin/privacy?email=sam.asks").wantStatus(http.StatusUnprocessableEntity)
		res.wantContains(`<span class="field-error" id="email-error">Enter an email address like name@example.com.</span>`, `value="sam.asks"`)
		res.wantNotContains("replies by", samName)
	})
	t.Run("EditorMayModeratorMayNot", func(t *testing.T) {
		editor := s.signIn(t, s.addUser(t, model.RoleEditor))
		s.getAs(t, editor, "/admin/privacy?email="+samEmail).wantStatus(http.StatusOK).wantContains("4 replies by " + samEmail)
		mod := s.moderator(t)
		s.getAs(t, mod, "/admin/privacy?email="+samEmail).wantStatus(http.StatusForbidden).wantNotContains("Sam agrees")
		s.getAs(t, mod, "/admin/comments").wantStatus(http.StatusOK).wantNotContains(`href="/admin/privacy"`)
	})
	// The email typed is shown back on the staff page only, and never logged.
	if strings.Contains(strings.ToLower(s.logs.String()), samEmail) {
		t.Error("the logs contain the email searched for")
	}
}

// Ensure the export downloads, as a dated JSON attachment that no cache keeps, every
// reply sent with the email and everything stored about each, nothing of anyone
// else, and records an audit entry without the email.
func TestPrivacy_Export(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	th := s.addPrivacyThread(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))

	res := s.postForm(t, "/admin/privacy/export", url.Values{"email": {" " + samEmail + " "}}, admin).wantStatus(http.StatusOK)
	now := s.clock().UTC()
	for header, want := range map[string]string{
		"Content-Type":        "application/json",
		"Content-Disposition": `attachment; filename="fascicle-replies-` + now.Format("20060102") + `.json"`,
		"Cache-Control":       "no-store",
	} {
		if got := res.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	var file struct {
		RequestedAt time.Time `json:"requested_at"`
		Site        string    `json:"site"`
		Email       string    `json:"email"`
		Count       int       `json:"count"`
		Replies     []struct {
			ID           int64     `json:"id"`
			Name         string    `json:"name"`
			Email        string    `json:"email"`
			Website      string    `json:"website"`
			Text         string    `json:"text"`
			ArticleTitle string    `json:"article_title"`
			ArticleURL   string    `json:"article_url"`
			ParentID     *int64    `json:"parent_id"`
			Status       string    `json:"status"`
			CreatedAt    time.Time `json:"created_at"`
			UpdatedAt    time.Time `json:"updated_at"`
			UserAgent    string    `json:"user_agent"`
			Network      string    `json:"network"`
		} `json:"replies"`
	}
	if err := json.Unmarshal([]byte(res.Body), &file); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, res.Body)
	}
	if !file.RequestedAt.Equal(now) || file.Site != "http://fascicle.test" || file.Email != samEmail || file.Count != 4 || len(file.Replies) != 4 {
		t.Fatalf("export header: requested %v (want %v), site %q, email %q, count %d, %d replies",
			file.RequestedAt, now, file.Site, file.Email, file.Count, len(file.Replies))
	}
	first := file.Replies[0]
	created := now.Add(-3 * time.Hour)
	if first.ID != th.samAnswer || first.Name != samName || first.Email != samEmail || first.Website != samWebsite ||
		first.Text != "Sam agrees with Priya about coffee." ||
		!strings.HasPrefix(first.ArticleTitle, "Understanding Involuntary Muscle Twitches") ||
		first.ArticleURL != "http://fascicle.test/articles/understanding-involuntary-muscle-twitches" ||
		first.ParentID == nil || *first.ParentID != 1 || first.Status != "approved" ||
		!first.CreatedAt.Equal(created) || !first.UpdatedAt.Equal(created) ||
		first.UserAgent != "SamBrowser/1.0" || first.Network != "203.0.113.0/24" {
		t.Errorf("first reply = %+v", first)
	}
	var statuses []string
	for _, r := range file.Replies {
		statuses = append(statuses, r.Status)
	}
	if got := strings.Join(statuses, ","); got != "approved,approved,pending,spam" {
		t.Errorf("statuses = %s", got)
	}
	if file.Replies[1].ParentID != nil {
		t.Errorf("a reply to the article has parent %d, want null", *file.Replies[1].ParentID)
	}
	res.wantContains(`"parent_id": null`)
	res.wantNotContains("Tom answers Sam", "Priya answers Sam", "tom.whitaker", "priya.n@", "sam-address-hash", "<html")

	audit := s.privacyAuditText(t)
	if n := s.count(t, `SELECT count(*) FROM privacy_audit WHERE action = 'export' AND replies = 4`); n != 1 || strings.Count(audit, "\n") != 1 {
		t.Errorf("audit log after the export:\n%s", audit)
	}
	if strings.Contains(strings.ToLower(audit), "sam") {
		t.Errorf("the audit log holds the email:\n%s", audit)
	}
	s.getAs(t, admin, "/admin/privacy").wantStatus(http.StatusOK).
		wantContains("<td>Staff admin</td>", "<td>Exported</td>", "<td>4</td>").
		wantNotContains(samEmail, "No request has been handled yet.")

	t.Run("ErrNoEmail", func(t *testing.T) {
		res := s.postForm(t, "/admin/privacy/export", url.Values{"email": {""}}, admin).wantStatus(http.StatusUnprocessableEntity)
		res.wantContains("Enter the email address the person used for their replies.")
		if got := res.Header.Get("Content-Disposition"); got != "" {
			t.Errorf("a refused export is still a download: %q", got)
		}
		if n := s.count(t, `SELECT count(*) FROM privacy_audit`); n != 1 {
			t.Errorf("%d audit entries, want still 1", n)
		}
	})
}

// Ensure erasing needs the confirmation box and a mode, and a refused form changes
// nothing, records nothing, and keeps the email and the choice made.
func TestPrivacy_EraseNeedsConfirmation(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.addPrivacyThread(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	tests := []struct {
		Name    string
		Form    url.Values
		Message string
		Checked string
	}{
		{"ErrNotConfirmed", url.Values{"email": {samEmail}, "mode": {"delete"}},
			"Tick the box to confirm: this cannot be undone.", `id="mode-delete" name="mode" value="delete" checked`},
		{"ErrNoMode", url.Values{"email": {samEmail}, "confirm": {"on"}}, "Choose whether to anonymise the replies or to delete them.", ""},
		{"ErrUnknownMode", url.Values{"email": {samEmail}, "mode": {"shred"}, "confirm": {"on"}}, "Choose whether to anonymise the replies or to delete them.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			res := s.postForm(t, "/admin/privacy/erase", tt.Form, admin).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("Nothing was erased.", tt.Message, "4 replies by "+samEmail,
				`<input type="hidden" name="email" value="`+samEmail+`">`, "Sam agrees with Priya")
			if tt.Checked != "" {
				res.wantContains(tt.Checked)
			}
			res.wantNotContains("replies anonymised", "replies deleted")
			if n := s.count(t, `SELECT count(*) FROM comments WHERE author_name = ?`, samName); n != 4 {
				t.Errorf("%d of Sam's replies left as they were, want 4", n)
			}
			if n := s.count(t, `SELECT count(*) FROM privacy_audit`); n != 0 {
				t.Errorf("%d audit entries after a refused erasure", n)
			}
		})
	}
}

// Ensure anonymising strips every reply sent with the email of the name, email,
// website and client data, keeps the text and the thread (other people's answers stay
// under it), says how many changed, and that the queue, the edit page and the article
// cope with a reply that has no email.
func TestPrivacy_Anonymise(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	th := s.addPrivacyThread(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains(samName) // cached before the change

	res := s.postForm(t, "/admin/privacy/erase", url.Values{"email": {samEmail}, "mode": {"anonymise"}, "confirm": {"on"}}, admin)
	res.wantSeeOtherTo("/admin/privacy?done=anonymised&n=4")
	s.getAs(t, admin, res.Header.Get("Location")).wantStatus(http.StatusOK).
		wantContains(`<p class="flash" role="status">4 replies anonymised.</p>`, "<td>Anonymised</td>", "<td>4</td>").
		wantNotContains(samEmail, samName)

	if n := s.count(t, `SELECT count(*) FROM comments WHERE author_name = 'Anonymous' AND author_email = '' AND author_email_enc IS NULL
		AND author_email_index = '' AND author_url = '' AND user_agent = '' AND client_hash = '' AND client_prefix = ''`); n != 4 {
		t.Errorf("%d replies fully anonymised, want 4", n)
	}
	if n := s.count(t, `SELECT count(*) FROM comments WHERE body LIKE 'Sam %' OR body LIKE 'Sam''s %'`); n != 4 {
		t.Errorf("%d of Sam's texts kept, want 4", n)
	}
	for _, e := range s.commenterEmails(t) {
		if e == samEmail {
			t.Error("the email is still stored")
		}
	}
	if p := s.parentOf(t, th.tomToSam); p != th.samAnswer {
		t.Errorf("Tom's answer moved to %d, want it still under the anonymised reply %d", p, th.samAnswer)
	}
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains("Anonymous", "Sam agrees with Priya about coffee.", "Tom answers Sam", "Priya answers Sam").
		wantInOrder(fmt.Sprintf(`id="comment-%d"`, th.samAnswer), fmt.Sprintf(`id="comment-%d"`, th.tomToSam)).
		wantNotContains(samName, samWebsite)
	s.getAs(t, admin, "/admin/privacy?email="+samEmail).wantContains("0 replies by " + samEmail).wantNotContains("Sam agrees")

	// The staff pages work on replies without an email.
	s.getAs(t, admin, "/admin/comments?status=pending").wantStatus(http.StatusOK).
		wantContains("Sam&#39;s held reply", `<span class="queue-email muted">no email (anonymised)</span>`).
		wantNotContains(`href="mailto:"`)
	s.getAs(t, admin, "/admin/comments/"+itoa(th.samPending)+"/edit").wantStatus(http.StatusOK).
		wantContains("no email (anonymised)").wantNotContains(`href="mailto:"`)
	s.postForm(t, "/admin/comments/"+itoa(th.samPending)+"/edit",
		url.Values{"author": {"Anonymous"}, "url": {""}, "comment": {"Sam's held reply, edited."}}, admin).wantStatus(http.StatusSeeOther)
	if n := s.count(t, `SELECT count(*) FROM comments WHERE id = ? AND body = 'Sam''s held reply, edited.'`, th.samPending); n != 1 {
		t.Error("the edit of an anonymised reply was not saved")
	}

	audit := s.privacyAuditText(t)
	if n := s.count(t, `SELECT count(*) FROM privacy_audit WHERE action = 'anonymise' AND replies = 4`); n != 1 {
		t.Errorf("audit log:\n%s", audit)
	}
	if strings.Contains(strings.ToLower(audit), "sam") {
		t.Errorf("the audit log holds the email:\n%s", audit)
	}
	if strings.Contains(strings.ToLower(s.logs.String()), samEmail) {
		t.Error("the logs contain the email")
	}
}

// Ensure deleting removes every reply sent with the email for good while the answers
// other people wrote to them stay visible, moved up a level, and says how many went.
func TestPrivacy_Delete(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	th := s.addPrivacyThread(t)
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))

	res := s.postForm(t, "/admin/privacy/erase", url.Values{"email": {samEmail}, "mode": {"delete"}, "confirm": {"on"}}, editor)
	res.wantSeeOtherTo("/admin/privacy?done=deleted&n=4")
	s.getAs(t, editor, res.Header.Get("Location")).wantStatus(http.StatusOK).
		wantContains(`<p class="flash" role="status">4 replies deleted.</p>`, "<td>Staff editor</td>", "<td>Deleted</td>")

	if n := s.count(t, `SELECT count(*) FROM comments WHERE body LIKE 'Sam %' OR body LIKE 'Sam''s %' OR author_name = ?`, samName); n != 0 {
		t.Errorf("%d of Sam's replies remain", n)
	}
	if p := s.parentOf(t, th.tomToSam); p != 1 {
		t.Errorf("Tom's answer has parent %d, want Priya's reply 1 (up a level)", p)
	}
	if p := s.parentOf(t, th.priyaToSam); p != 0 {
		t.Errorf("Priya's answer has parent %d, want none (a reply to the article)", p)
	}
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantContains("Tom answers Sam", "Priya answers Sam", "My eyelid twitched").
		wantNotContains("Sam agrees", "Sam&#39;s own question", samName)
	// Tom's answer is now among the answers to Priya's reply.
	page.wantInOrder(`id="comment-1"`, fmt.Sprintf(`id="comment-%d"`, th.tomToSam), `id="comment-3"`)
	if n := s.count(t, `SELECT count(*) FROM privacy_audit WHERE action = 'delete' AND replies = 4`); n != 1 {
		t.Errorf("audit log:\n%s", s.privacyAuditText(t))
	}
	if strings.Contains(strings.ToLower(s.privacyAuditText(t)), "sam") {
		t.Error("the audit log holds the email")
	}
}
