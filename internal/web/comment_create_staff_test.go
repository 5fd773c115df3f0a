package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// addStaff creates a staff account with a name, role and credentials of the test's
// choosing, signing in with staffPassword.
func (s *site) addStaff(t testing.TB, name string, role model.Role, credentials string) *model.User {
	t.Helper()
	email := strings.ToLower(strings.NewReplacer(" ", "", ".", "").Replace(name)) + "@staff.example"
	u := &model.User{Name: name, Email: &email, Role: role, Credentials: credentials, PasswordHash: staffPasswordHash()}
	if err := s.store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

var (
	formShownPattern  = regexp.MustCompile(`name="form_shown" value="([^"]+)"`)
	replyingAsPattern = regexp.MustCompile(`name="replying_as" value="([0-9]+)"`)
)

// formFrom returns the reply form's hidden fields as page shows them (the signed
// timestamp, and the account a staff form names), with text as the comment, and moves
// the clock on 20 s, the time a person takes to write.
func (s *site) formFrom(t testing.TB, page *response, text string) url.Values {
	t.Helper()
	m := formShownPattern.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no reply form on the page (status %d)", page.Code)
	}
	form := url.Values{"comment": {text}, "comment_parent": {"0"}, "form_shown": {html.UnescapeString(m[1])}}
	if as := replyingAsPattern.FindStringSubmatch(page.Body); as != nil {
		form.Set("replying_as", as[1])
	}
	s.advance(20 * time.Second)
	return form
}

// staffForm opens the article signed in with cookie and returns its reply form with
// text, as formFrom.
func (s *site) staffForm(t testing.TB, cookie *http.Cookie, text string) url.Values {
	t.Helper()
	return s.formFrom(t, s.getAs(t, cookie, articlePath).wantStatus(http.StatusOK), text)
}

// replySender is a reply as saved, in the columns that say who sent it.
type replySender struct {
	ID, UserID        int64 // UserID 0: no account
	Name, URL, Status string
	Sealed            bool // an encrypted email is stored
	EmailIndex        string
}

// lastSender returns the newest reply as saved.
func (s *site) lastSender(t testing.TB) replySender {
	t.Helper()
	var r replySender
	var user sql.NullInt64
	err := s.db.QueryRow(`SELECT id, user_id, author_name, author_url, status, author_email_enc IS NOT NULL, author_email_index
		FROM comments ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &user, &r.Name, &r.URL, &r.Status, &r.Sealed, &r.EmailIndex)
	if err != nil {
		t.Fatal(err)
	}
	r.UserID = user.Int64
	return r
}

// Ensure signed-in staff see "Replying as NAME (role)" in the article's reply form,
// with a way to sign out, instead of the name, email and website fields, on a page no
// shared cache may keep; and that readers keep the reader's form.
func TestStaffReplyForm_ReplyingAs(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	author := s.addStaff(t, "Ana Author", model.RoleAuthor, "")
	cookie := s.signIn(t, author)

	res := s.getAs(t, cookie, articlePath).wantStatus(http.StatusOK)
	res.wantContains("Replying as <strong>Ana Author</strong> (author)",
		`<input type="hidden" name="replying_as" value="`+itoa(author.ID)+`">`,
		"To reply as a private person, sign out first:",
		`<button type="submit" form="reply-sign-out" class="link-button">Sign out</button>`,
		`<form id="reply-sign-out" action="/admin/logout" method="post"><input type="hidden" name="next" value="`+articlePath+`#respond"></form>`,
		"like readers’ replies, it may first be held for a moderator",
		`<textarea id="comment" name="comment"`)
	res.wantNotContains(`id="author"`, `name="author"`, `id="email"`, `name="email"`, `id="url"`, `name="remember"`,
		"Your email address will not be published.", author.EmailAddress(), "published at once")
	if got := res.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("Cache-Control = %q, want private, no-store", got)
	}
	if got := res.Header.Get("X-Cache"); got != "" {
		t.Errorf("X-Cache = %q: a staff page went through the page cache", got)
	}

	t.Run("ModeratorPublishesAtOnce", func(t *testing.T) {
		mod := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
		s.getAs(t, s.signIn(t, mod), articlePath).wantStatus(http.StatusOK).
			wantContains("Replying as <strong>Mo Moderator</strong> (moderator)", "Your reply is published at once under this name, marked Staff.").
			wantNotContains("may first be held", `id="email"`)
	})
	t.Run("ReadersKeepTheirForm", func(t *testing.T) {
		s.get(t, articlePath).wantStatus(http.StatusOK).
			wantContains(`id="author"`, `id="email"`, `id="url"`, "Your email address will not be published.").
			wantNotContains("Replying as", "replying_as", "reply-sign-out", "Ana Author")
	})
}

// Ensure a reply sent by signed-in staff through the article's form carries their
// account and its name, with no email and no website, even when the request carries
// name, email and website fields; and that once approved it is marked Staff under
// that name.
func TestStaffReply_CarriesTheAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	author := s.addStaff(t, "Ana Author", model.RoleAuthor, "")
	cookie := s.signIn(t, author)
	form := s.staffForm(t, cookie, "Caffeine is the usual suspect; try cutting it for a week.")
	form.Set("author", "Reader 45")
	form.Set("email", "reader45@example.com")
	form.Set("url", "https://reader45.example/")

	res := s.sendReply(t, form, nil, cookie)
	got := s.lastSender(t)
	if got.UserID != author.ID || got.Name != "Ana Author" || got.URL != "" || got.Sealed || got.EmailIndex != "" {
		t.Errorf("saved as user %d, name %q, website %q, email stored %v (index %q); want account %d, %q, no website, no email",
			got.UserID, got.Name, got.URL, got.Sealed, got.EmailIndex, author.ID, "Ana Author")
	}
	// An author does not moderate: under the default policy, the reply is held like a reader's.
	if got.Status != "pending" {
		t.Errorf("author's reply is %q, want pending under the default policy", got.Status)
	}
	s.wantHeldRedirect(t, res, got.ID).wantContains("Your comment is awaiting moderation.", "Caffeine is the usual suspect")

	s.postForm(t, "/admin/comments/"+itoa(got.ID)+"/action/approve", nil, s.moderator(t)).wantStatus(http.StatusSeeOther)
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantContains(`<li id="comment-`+itoa(got.ID)+`" class="comment depth-1 comment-staff">`,
		`<span class="comment-author" id="comment-`+itoa(got.ID)+`-author">Ana Author</span>`,
		`<span class="staff-badge">Staff</span> <span class="staff-role">Author</span>`)
	page.wantNotContains("Reader 45", "reader45", author.EmailAddress())
}

// Ensure the Staff mark comes only with a staff account: not for a reader who types a
// staff member's name, and not for a signed-in person who sends the reader's form
// under another name, which is refused with the text kept until they confirm it
// goes out under their account.
func TestStaffBadge_OnlyForTheAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	reviewer := s.addStaff(t, "Dr. Amara Okafor", model.RoleReviewer, "MD, neurologist")

	t.Run("ReaderTypingAStaffName", func(t *testing.T) {
		form := validReply()
		form.Set("author", "Dr. Amara Okafor")
		form.Set("email", "amara.fan@example.com")
		form.Set("comment", "I am not really the doctor.")
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
		got := s.lastSender(t)
		if got.UserID != 0 || got.Status != "approved" {
			t.Fatalf("reader's reply saved with user %d, status %q; want no account, approved", got.UserID, got.Status)
		}
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		page.wantContains(`<li id="comment-`+itoa(got.ID)+`" class="comment depth-1">`, "I am not really the doctor.")
		page.wantNotContains("comment-staff", "staff-badge", "comment-credentials", "staff-role")
	})

	t.Run("SignedInSendingTheReadersForm", func(t *testing.T) {
		cookie := s.signIn(t, reviewer)
		// A tab opened before signing in still shows the reader's form.
		form := s.formFrom(t, s.get(t, articlePath), "Sent from the reader's form, signed in.")
		form.Set("author", "Reader 45")
		form.Set("email", "reader45@example.com")
		before := s.count(t, `SELECT count(*) FROM comments`)
		res := s.sendReply(t, form, nil, cookie).wantStatus(http.StatusUnprocessableEntity)
		res.wantContains("You are signed in, so this reply goes out under your staff account",
			"Replying as <strong>Dr. Amara Okafor</strong> (reviewer)",
			">\nSent from the reader&#39;s form, signed in.</textarea>")
		res.wantNotContains("Reader 45", "reader45@example.com", `id="author"`)
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Fatalf("%d replies after a refused one, want %d", got, before)
		}
		if n := s.count(t, `SELECT count(*) FROM comments WHERE author_name = 'Reader 45'`); n != 0 {
			t.Errorf("%d replies under the typed name", n)
		}

		// Sent again from the form it came back in, it is the account's.
		s.sendReply(t, s.formFrom(t, res, "Sent from the reader's form, signed in."), nil, cookie).wantStatus(http.StatusSeeOther)
		got := s.lastSender(t)
		if got.UserID != reviewer.ID || got.Name != "Dr. Amara Okafor" || got.Status != "approved" {
			t.Errorf("confirmed reply saved with user %d, name %q, status %q", got.UserID, got.Name, got.Status)
		}
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		if n := strings.Count(page.Body, `<span class="staff-badge">Staff</span>`); n != 1 {
			t.Errorf("%d replies marked Staff, want 1 (the account's)", n)
		}
		page.wantNotContains("Reader 45")
	})
}

// Ensure a reviewer's reply is signed with their credentials and role, from their
// account: on the page that shows it to them while it is held, and once published.
func TestStaffReply_ReviewerCredentials(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	reviewer := s.addStaff(t, "Dr. Amara Okafor", model.RoleReviewer, "MD, neurologist")
	cookie := s.signIn(t, reviewer)
	form := s.staffForm(t, cookie, "Twitches that come with weakness or wasting need a neurologist; most do not.")
	res := s.sendReply(t, form, nil, cookie)
	id := s.lastSender(t).ID
	signature := []string{
		`<span class="comment-author" id="comment-` + itoa(id) + `-author">Dr. Amara Okafor<span class="comment-credentials">, MD, neurologist</span></span>`,
		`<span class="staff-badge">Staff</span> <span class="staff-role">Medical reviewer</span>`,
	}
	s.wantHeldRedirect(t, res, id).wantContains(signature...).wantContains("Your comment is awaiting moderation.")

	s.postForm(t, "/admin/comments/"+itoa(id)+"/action/approve", nil, s.moderator(t)).wantStatus(http.StatusSeeOther)
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantContains(signature...).wantContains("need a neurologist; most do not.")
	if n := strings.Count(page.Body, "comment-credentials"); n != 1 {
		t.Errorf("%d replies signed with credentials, want 1", n)
	}
	page.wantNotContains(reviewer.EmailAddress())
}

// Ensure the article page anonymous readers get stays one cached page, the same bytes
// before and after staff view theirs, and that a staff page is never stored: viewed
// first, it leaves the cache empty; sent with the readers' ETag, it is not a 304.
func TestStaffReply_AnonymousPageStaysCached(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addStaff(t, "Mo Moderator", model.RoleModerator, ""))

	staffView := s.getAs(t, cookie, articlePath).wantStatus(http.StatusOK).wantContains("Replying as <strong>Mo Moderator</strong>")
	first := s.get(t, articlePath).wantStatus(http.StatusOK).wantNotContains("Replying as", "Mo Moderator", "replying_as")
	if got := first.Header.Get("X-Cache"); got != "miss" {
		t.Errorf("first anonymous view after a staff view: X-Cache = %q, want miss (the staff page was not stored)", got)
	}
	second := s.get(t, articlePath).wantStatus(http.StatusOK)
	if got := second.Header.Get("X-Cache"); got != "hit" {
		t.Errorf("second anonymous view: X-Cache = %q, want hit", got)
	}
	if second.Body != first.Body {
		t.Error("two anonymous views of the article differ")
	}
	if staffView.Body == first.Body {
		t.Fatal("the staff page is the readers' page")
	}

	req := httptest.NewRequest(http.MethodGet, articlePath, nil)
	req.AddCookie(cookie)
	req.Header.Set("If-None-Match", second.Header.Get("ETag"))
	again := s.do(t, req).wantStatus(http.StatusOK).wantContains("Replying as <strong>Mo Moderator</strong>")
	if got := again.Header.Get("ETag"); got != "" {
		t.Errorf("the staff page has ETag %q; it must not be taken for the readers'", got)
	}

	third := s.get(t, articlePath).wantStatus(http.StatusOK).wantNotContains("Replying as")
	if got := third.Header.Get("X-Cache"); got != "hit" || third.Body != first.Body {
		t.Errorf("anonymous view after staff views: X-Cache = %q, same bytes %v; want a hit with the same bytes", got, third.Body == first.Body)
	}

	t.Run("EndedSessionGetsTheReadersPage", func(t *testing.T) {
		old := s.signIn(t, s.addStaff(t, "Ed Editor", model.RoleEditor, ""))
		s.postForm(t, "/admin/logout", nil, old).wantStatus(http.StatusSeeOther)
		res := s.getAs(t, old, articlePath).wantStatus(http.StatusOK).wantNotContains("Replying as", "Ed Editor")
		if res.Body != first.Body {
			t.Error("an ended session's page differs from the readers'")
		}
		if c := authCookie(res, "fascicle_session"); c == nil || c.MaxAge >= 0 {
			t.Errorf("the ended session's cookie is not cleared: %v", c)
		}
	})
}

// Ensure a staff reply sent after the session ended is not lost: the reader's form
// comes back (422) with the text, saying how to post it, and nothing is saved.
func TestStaffReply_SessionEndedKeepsText(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	author := s.addStaff(t, "Ana Author", model.RoleAuthor, "")
	const text = "Magnesium is worth a try.\nAsk your doctor first if you take other medicines."
	for _, tt := range []struct {
		Name string
		End  func(t *testing.T, cookie *http.Cookie)
	}{
		{"Expired", func(t *testing.T, _ *http.Cookie) { s.advance(2 * time.Hour) }},
		{"SignedOutElsewhere", func(t *testing.T, cookie *http.Cookie) {
			s.postForm(t, "/admin/logout", nil, cookie).wantStatus(http.StatusSeeOther)
		}},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			cookie := s.signIn(t, author)
			form := s.staffForm(t, cookie, text)
			tt.End(t, cookie)
			before := s.count(t, `SELECT count(*) FROM comments`)
			res := s.sendReply(t, form, nil, cookie).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("Your staff sign-in ended while you were writing, so your reply was not posted.",
				"To post it as a reader, fill in your name and email below.",
				`<a href="/admin/login" target="_blank" rel="noopener">sign in again in a new tab</a>`,
				">\n"+html.EscapeString(text)+"</textarea>", `id="author"`, `id="email"`)
			res.wantNotContains("Replying as", "replying_as", "Ana Author")
			if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
				t.Errorf("%d replies after a reply without its session, want %d", got, before)
			}
		})
	}
}

// Ensure signing out from the article's reply form comes back to the article, and
// that sign-out goes nowhere but an article or the sign-in page.
func TestStaffReply_SignOutReturnsToArticle(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addStaff(t, "Ana Author", model.RoleAuthor, "")
	for next, want := range map[string]string{
		articlePath + "#respond":            articlePath + "#respond",
		"":                                  "/admin/login?signed_out=1",
		"https://evil.example/articles/x":   "/admin/login?signed_out=1",
		"//evil.example/articles/x":         "/admin/login?signed_out=1",
		`/articles/x\@evil.example`:         "/admin/login?signed_out=1",
		"/articles/x\r\nSet-Cookie: a=b":    "/admin/login?signed_out=1",
		"/admin/comments":                   "/admin/login?signed_out=1",
		"javascript:alert(1)//articles/x/x": "/admin/login?signed_out=1",
	} {
		cookie := s.signIn(t, u)
		res := s.postForm(t, "/admin/logout", url.Values{"next": {next}}, cookie).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != want {
			t.Errorf("next=%q: Location = %q, want %q", next, loc, want)
		}
		// The same session, already ended, goes to the sign-in page whatever next says.
		res = s.postForm(t, "/admin/logout", url.Values{"next": {next}}, cookie).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/login?signed_out=1" {
			t.Errorf("next=%q, session ended: Location = %q, want the sign-in page", next, loc)
		}
	}
}

// Ensure a staff reply is no commenter's personal data: an export for the staff
// member's email holds none of it, and the moderation queue shows it as the
// account's, not as an anonymised reply.
func TestStaffReply_NotAReadersPersonalData(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	cookie := s.signIn(t, mod)
	form := s.staffForm(t, cookie, "Answered from the article page.")
	form.Set("email", mod.EmailAddress())
	s.sendReply(t, form, nil, cookie).wantStatus(http.StatusSeeOther)
	if got := s.lastSender(t); got.Status != "approved" || got.Sealed {
		t.Fatalf("moderator's reply: status %q, email stored %v; want approved, no email", got.Status, got.Sealed)
	}

	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	res := s.postForm(t, "/admin/privacy/export", url.Values{"email": {mod.EmailAddress()}}, admin).wantStatus(http.StatusOK)
	var file struct {
		Count   int `json:"count"`
		Replies []struct {
			Text string `json:"text"`
		} `json:"replies"`
	}
	if err := json.Unmarshal([]byte(res.Body), &file); err != nil {
		t.Fatal(err)
	}
	if file.Count != 0 || len(file.Replies) != 0 {
		t.Errorf("export for the staff email holds %d replies, want none: %+v", file.Count, file.Replies)
	}

	queue := s.getAs(t, cookie, "/admin/comments?status=approved").wantStatus(http.StatusOK)
	queue.wantContains(`<strong class="queue-name">Mo Moderator</strong> <span class="staff-badge">Staff</span>`,
		`<span class="queue-email muted">staff account · Moderator</span>`, "Answered from the article page.")
	queue.wantNotContains(mod.EmailAddress())
	if n := strings.Count(queue.Body, "no email (anonymised)"); n != 0 {
		t.Errorf("%d rows say anonymised; the staff reply is not", n)
	}
}

// Ensure a clinician's answer (a staff reply with credentials) is listed first under
// the reply it answers, as "Answered by NAME, CREDENTIALS", while other answers keep
// their order and a staff answer without credentials is not moved.
func TestThread_ClinicianAnswerFirst(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rui := s.addStaff(t, "Dr. Rui Costa", model.RoleReviewer, "MD, sports physician")
	mod := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	question := s.addReplyRow(t, replyRow{Name: "Asking Ann", Body: "Is it safe to run with twitching calves?", Status: "approved", Age: 10 * time.Minute})
	s.addReplyRow(t, replyRow{Parent: question, Name: "Reader Rob", Body: "I run anyway, no problem.", Status: "approved", Age: 5 * time.Minute})
	modAnswer := s.addReplyRow(t, replyRow{Parent: question, Name: mod.Name, Body: "Please see the article's last section.", Status: "approved", Age: 4 * time.Minute})
	answer := s.addReplyRow(t, replyRow{Parent: question, Name: rui.Name, Body: "Usually yes; see a doctor if you also feel weak.", Status: "approved", Age: time.Minute})
	s.exec(t, `UPDATE comments SET user_id = ? WHERE id = ?`, rui.ID, answer)
	s.exec(t, `UPDATE comments SET user_id = ? WHERE id = ?`, mod.ID, modAnswer)
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantInOrder("Is it safe to run", "Usually yes; see a doctor", "I run anyway", "Please see the article")
	page.wantContains(`<span class="answered-by">Answered by</span>`, "Dr. Rui Costa<span class=\"comment-credentials\">, MD, sports physician")
	if n := strings.Count(page.Body, `class="answered-by"`); n != 1 {
		t.Errorf("%d replies marked as a clinician's answer, want 1", n)
	}
}
