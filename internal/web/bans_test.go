package web_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// postReplyFrom is postReply from the client address addr.
func (s *site) postReplyFrom(t testing.TB, addr string, form url.Values) *response {
	t.Helper()
	form = cloneValues(form)
	form.Set("form_shown", s.formStamp(t, articlePath))
	s.advance(20 * time.Second)
	req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(form.Encode()))
	req.RemoteAddr = addr + ":40000"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", "Mozilla/5.0 (test)")
	return s.do(t, req)
}

// replyBy is a valid reply with its own text, name and email.
func replyBy(name, email, text string) url.Values {
	return url.Values{"comment": {text}, "author": {name}, "email": {email}, "url": {""}, "comment_parent": {"0"}}
}

// replyFrom posts a reply from addr, checks that the reader is sent to the page that
// shows it as awaiting moderation, whatever its status, and returns its ID, status
// and reason.
func (s *site) replyFrom(t testing.TB, addr string, form url.Values) (id int64, status, reason string) {
	t.Helper()
	res := s.postReplyFrom(t, addr, form).wantStatus(http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !strings.Contains(loc, "?pending=") {
		t.Fatalf("sent to %q, want the page of a held reply", loc)
	}
	s.get(t, strings.Split(loc, "#")[0]).wantStatus(http.StatusOK).
		wantContains("Your comment is awaiting moderation.", htmlEscape(form.Get("comment"))).
		wantNotContains("banned", "Banned", "spam", "Spam")
	return s.lastReply(t)
}

// banRows returns every column of every ban, as text, for privacy checks.
func (s *site) banRows(t testing.TB) string {
	t.Helper()
	rows, err := s.db.Query(`SELECT * FROM bans`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			fmt.Fprintf(&b, "%s=%s ", cols[i], v.String)
		}
		b.WriteString("\n")
	}
	return b.String()
}

const heldByPolicy = "every reply is held (manual moderation)"

// Ensure a moderator can ban a commenter by email from the queue: the ban holds the
// email's blind index and nothing readable, the person's next replies (from any
// address) go silently to spam, someone else's do not, and once the ban has run out
// their replies are held as anyone's again.
func TestBan_ByEmail(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	const email, addr = "pill.seller@example.com", "203.0.113.9"
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	id, status, _ := s.replyFrom(t, addr, replyBy("Pill Seller", email, "Buy my magnesium, cheap."))
	if status != "pending" {
		t.Fatalf("first reply is %q", status)
	}

	queue := s.getAs(t, cookie, "/admin/comments").wantStatus(http.StatusOK)
	queue.wantContains(`<a href="/admin/bans/new?comment=`+itoa(id)+`">Ban…</a>`, `<a href="/admin/bans">Bans</a>`)

	form := s.getAs(t, cookie, "/admin/bans/new?comment="+itoa(id)).wantStatus(http.StatusOK)
	form.wantContains("Ban the sender of a reply", "Pill Seller", email, "203.0.113.0/24",
		"Buy my magnesium, cheap.", `name="comment" value="`+itoa(id)+`"`,
		`id="kind-email" name="kind" value="email" checked`, "Ban this email",
		`id="kind-client" name="kind" value="client"`, "Ban this address",
		`value="permanent"`, `value="1d"`, `value="7d"`, `id="duration-30d" name="duration" value="30d" checked`, `value="date"`,
		`name="until_date"`, `name="reason"`, `maxlength="200" required`)

	res := s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"email"}, "duration": {"7d"},
		"reason": {"Selling pills"}}, cookie).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/bans?done=banned" {
		t.Fatalf("Location = %q", loc)
	}
	var kind, value, reason string
	var until sql.NullTime
	var commentID, createdBy sql.NullInt64
	if err := s.db.QueryRow(`SELECT kind, value, reason, until, comment_id, created_by FROM bans`).
		Scan(&kind, &value, &reason, &until, &commentID, &createdBy); err != nil {
		t.Fatal(err)
	}
	if kind != "email" || value != testKeys.EmailIndex(email) || reason != "Selling pills" ||
		commentID.Int64 != id || !createdBy.Valid {
		t.Errorf("ban saved as kind %q, value %q, reason %q, comment %v, by %v", kind, value, reason, commentID, createdBy)
	}
	if want := s.clock().Add(7 * 24 * time.Hour); !until.Valid || until.Time.Sub(want).Abs() > time.Second {
		t.Errorf("until = %v, want %v", until, want)
	}
	for _, leak := range []string{email, "pill.seller", "Pill Seller"} {
		if rows := s.banRows(t); strings.Contains(rows, leak) {
			t.Errorf("the bans table holds %q: %s", leak, rows)
		}
	}

	page := s.getAs(t, cookie, "/admin/bans?done=banned").wantStatus(http.StatusOK)
	page.wantContains("Ban saved. New replies from this commenter go to spam.", "In force",
		`The email of <a href="/admin/comments/`+itoa(id)+`/edit">a reply by Pill Seller</a>`,
		"Selling pills", "Staff moderator", `action="/admin/bans/`, `/lift"`, ">Lift</button>", "No ban has ended yet.")
	page.wantNotContains(email, "pill.seller", testKeys.EmailIndex(email), testKeys.EmailIndex(email)[:16], "203.0.113")

	// The banned person, from another address: spam, said to be held.
	_, status, reason = s.replyFrom(t, "198.51.100.7", replyBy("P. Seller", email, "Still selling."))
	if status != "spam" || reason != "banned: Selling pills" {
		t.Errorf("banned email's reply: %q, %q; want spam, banned: Selling pills", status, reason)
	}
	// Someone else, from the same address: an email ban does not touch them.
	_, status, reason = s.replyFrom(t, addr, replyBy("Housemate", "housemate@example.com", "My own question."))
	if status != "pending" || reason != heldByPolicy {
		t.Errorf("another person's reply: %q, %q; want pending, %q", status, reason, heldByPolicy)
	}
	s.getAs(t, cookie, "/admin/comments?status=spam").wantStatus(http.StatusOK).
		wantContains("Spam because:</strong> banned: Selling pills", "Still selling.")

	// Seven days on, the ban has ended.
	s.advance(7*24*time.Hour + time.Minute)
	_, status, reason = s.replyFrom(t, addr, replyBy("Pill Seller", email, "Back again."))
	if status != "pending" || reason != heldByPolicy {
		t.Errorf("after the ban ended: %q, %q; want pending, %q", status, reason, heldByPolicy)
	}
	cookie = s.signIn(t, s.addUser(t, model.RoleModerator)) // the session has ended meanwhile
	s.getAs(t, cookie, "/admin/bans").wantStatus(http.StatusOK).
		wantContains("No bans are in force.", "Ended", "Selling pills", ">Remove</button>").
		wantNotContains(">Lift</button>")
}

// Ensure a ban by address sends every reply from that address to spam whatever the
// email, leaves the same person's replies from elsewhere alone, and stops applying
// once lifted; lifting a ban that is not there (made up, or lifted already) is 404
// and lifts nothing.
func TestBan_ByAddressAndLift(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	const addr = "203.0.113.77"
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	id, _, _ := s.replyFrom(t, addr, replyBy("Troll", "troll@example.com", "You are all wrong."))
	res := s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"client"}, "duration": {"permanent"},
		"reason": {"Abuse from one address"}}, cookie).wantStatus(http.StatusSeeOther)
	s.getAs(t, cookie, res.Header.Get("Location")).wantStatus(http.StatusOK).
		wantContains("The address of", "a reply by Troll", "(network 203.0.113.0/24)", "Permanent", "Abuse from one address").
		wantNotContains("troll@example.com", "203.0.113.77")
	var value string
	if err := s.db.QueryRow(`SELECT value FROM bans WHERE kind = 'client'`).Scan(&value); err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := s.db.QueryRow(`SELECT client_hash FROM comments WHERE id = ?`, id).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if value != hash || hash == "" || strings.Contains(s.banRows(t), "203.0.113") {
		t.Errorf("ban value %q, reply's client hash %q; bans: %s", value, hash, s.banRows(t))
	}

	if _, status, reason := s.replyFrom(t, addr, replyBy("New Name", "fresh@example.com", "Totally new person.")); status != "spam" || reason != "banned: Abuse from one address" {
		t.Errorf("new email from the banned address: %q, %q", status, reason)
	}
	if _, status, _ := s.replyFrom(t, "203.0.113.78", replyBy("Troll", "troll@example.com", "From next door.")); status != "pending" {
		t.Errorf("the same email from another address: %q, want pending", status)
	}

	var banID int64
	if err := s.db.QueryRow(`SELECT id FROM bans`).Scan(&banID); err != nil {
		t.Fatal(err)
	}
	notThere := func(t testing.TB, id string) {
		t.Helper()
		s.postForm(t, "/admin/bans/"+id+"/lift", nil, cookie).wantStatus(http.StatusNotFound).
			wantContains("Ban not found", "There is no ban with this number. It may have been lifted already.",
				`<a href="/admin/bans">Go to the list of bans</a>`)
	}
	before := s.banRows(t)
	for _, id := range []string{itoa(banID + 1), "99999", "0", "-1", "9223372036854775807"} {
		notThere(t, id)
	}
	if s.banRows(t) != before {
		t.Errorf("lifting made-up bans changed the bans: %s", s.banRows(t))
	}
	res = s.postForm(t, "/admin/bans/"+itoa(banID)+"/lift", nil, cookie).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/bans?done=lifted" {
		t.Fatalf("Location = %q", loc)
	}
	s.getAs(t, cookie, "/admin/bans?done=lifted").wantContains("Ban lifted.", "No bans are in force.").wantNotContains("Abuse from one address")
	if n := s.count(t, `SELECT count(*) FROM bans`); n != 0 {
		t.Errorf("%d bans after lifting", n)
	}
	if _, status, reason := s.replyFrom(t, addr, replyBy("Troll", "troll@example.com", "Lifted now.")); status != "pending" || reason != heldByPolicy {
		t.Errorf("after lifting: %q, %q; want pending", status, reason)
	}
	notThere(t, itoa(banID))
}

// Ensure a ban can only be made from a real reply, with what the server reads from
// it: an unknown or malformed reply ID is 404, a value sent in the form is ignored,
// and a reply whose address is unknown offers no address ban.
func TestBan_OnlyFromARealReply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	id, _, _ := s.replyFrom(t, "203.0.113.5", replyBy("Someone", "someone@example.com", "Hello."))

	for _, raw := range []string{"99999", "0", "-1", "abc", itoa(id) + "x"} {
		s.getAs(t, cookie, "/admin/bans/new?comment="+url.QueryEscape(raw)).wantStatus(http.StatusNotFound).
			wantNotContains("someone@example.com")
		s.postForm(t, "/admin/bans", url.Values{"comment": {raw}, "kind": {"email"}, "duration": {"permanent"}, "reason": {"x"}}, cookie).
			wantStatus(http.StatusNotFound)
	}
	s.getAs(t, cookie, "/admin/bans/new").wantStatus(http.StatusNotFound)
	s.postForm(t, "/admin/bans", url.Values{"kind": {"email"}, "duration": {"permanent"}, "reason": {"x"}}, cookie).
		wantStatus(http.StatusBadRequest).wantContains("Choose a reply")
	if n := s.count(t, `SELECT count(*) FROM bans`); n != 0 {
		t.Fatalf("%d bans after forged requests", n)
	}

	// Values a moderator might add to the form are not read.
	forged := testKeys.EmailIndex("innocent@example.com")
	s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"email"}, "duration": {"permanent"}, "reason": {"spam"},
		"value": {forged}, "email": {"innocent@example.com"}, "index": {forged}, "client_hash": {forged}}, cookie).
		wantStatus(http.StatusSeeOther)
	var value string
	if err := s.db.QueryRow(`SELECT value FROM bans`).Scan(&value); err != nil {
		t.Fatal(err)
	}
	if value != testKeys.EmailIndex("someone@example.com") {
		t.Errorf("ban value %q, want the reply's own index", value)
	}

	// A reply without a known address offers, and accepts, only an email ban.
	s.exec(t, `UPDATE comments SET client_hash = '', client_prefix = '' WHERE id = ?`, id)
	s.getAs(t, cookie, "/admin/bans/new?comment="+itoa(id)).wantStatus(http.StatusOK).
		wantContains("Ban this email", "only its email can be banned").wantNotContains(`value="client"`, "Ban this address")
	s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"client"}, "duration": {"permanent"}, "reason": {"r"}}, cookie).
		wantStatus(http.StatusUnprocessableEntity).wantContains("This reply has nothing to ban by this way.", "Nobody was banned.")
	if n := s.count(t, `SELECT count(*) FROM bans WHERE kind = 'client'`); n != 0 {
		t.Errorf("%d address bans with no address", n)
	}
}

// Ensure the ban form refuses a missing or too long reason, a missing or past date
// and a missing choice, with 422 and every choice kept; and that "until a date" ends
// the ban as that day begins.
func TestBan_FormValidation(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	id, _, _ := s.replyFrom(t, "203.0.113.5", replyBy("Someone", "someone@example.com", "Hello."))
	today := s.clock().UTC().Format(time.DateOnly)
	tests := []struct {
		Name     string
		Form     url.Values
		Messages []string
		Kept     []string
	}{
		{Name: "ErrReasonRequired", Form: url.Values{"kind": {"client"}, "duration": {"1d"}, "reason": {"   "}},
			Messages: []string{"Reason is required"}, Kept: []string{`value="client" checked`, `value="1d" checked`}},
		{Name: "ErrReasonTooLong", Form: url.Values{"kind": {"email"}, "duration": {"7d"}, "reason": {strings.Repeat("é", 201)}},
			Messages: []string{"Reason is too long: at most 200 characters, and this has 201."}, Kept: []string{`value="7d" checked`, strings.Repeat("é", 201)}},
		{Name: "ErrReasonTwoLines", Form: url.Values{"kind": {"email"}, "duration": {"7d"}, "reason": {"a\nb"}},
			Messages: []string{"Reason must be on one line."}},
		{Name: "ErrDateMissing", Form: url.Values{"kind": {"email"}, "duration": {"date"}, "reason": {"Kept reason"}},
			Messages: []string{"enter the date"}, Kept: []string{`value="date" checked`, `value="Kept reason"`}},
		{Name: "ErrDateToday", Form: url.Values{"kind": {"email"}, "duration": {"date"}, "until_date": {today}, "reason": {"r"}},
			Messages: []string{"Choose an end in the future"}, Kept: []string{`value="` + today + `"`}},
		{Name: "ErrNoDuration", Form: url.Values{"kind": {"email"}, "reason": {"r"}},
			Messages: []string{"Choose how long the ban lasts"}},
		{Name: "ErrNoKind", Form: url.Values{"duration": {"1d"}, "reason": {"r"}},
			Messages: []string{"Choose whether to ban the email or the address."}},
	}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			tc.Form.Set("comment", itoa(id))
			res := s.postForm(t, "/admin/bans", tc.Form, cookie).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains(append(append([]string{"Nobody was banned.", "Someone", "someone@example.com"}, tc.Messages...), tc.Kept...)...)
			if n := s.count(t, `SELECT count(*) FROM bans`); n != 0 {
				t.Errorf("%d bans saved", n)
			}
		})
	}

	day := s.clock().UTC().AddDate(0, 0, 3).Format(time.DateOnly)
	s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"email"}, "duration": {"date"}, "until_date": {day}, "reason": {"Until a day"}}, cookie).
		wantStatus(http.StatusSeeOther)
	var until time.Time
	if err := s.db.QueryRow(`SELECT until FROM bans`).Scan(&until); err != nil {
		t.Fatal(err)
	}
	if want, _ := time.Parse(time.DateOnly, day); !until.Equal(want) {
		t.Errorf("until = %v, want %v", until, want)
	}
	want, _ := time.Parse(time.DateOnly, day)
	s.getAs(t, cookie, "/admin/bans").wantContains(want.Format("2 January 2006") + " at 00:00 UTC")
}

// Ensure the bans pages and actions refuse staff who may not moderate, changing
// nothing.
func TestBan_NotForNonModerators(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	id, _, _ := s.replyFrom(t, "203.0.113.5", replyBy("Someone", "someone@example.com", "Hello."))
	mod := s.signIn(t, s.addUser(t, model.RoleModerator))
	s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"email"}, "duration": {"permanent"}, "reason": {"r"}}, mod).
		wantStatus(http.StatusSeeOther)
	for _, role := range []model.Role{model.RoleAuthor, model.RoleReviewer} {
		cookie := s.signIn(t, s.addUser(t, role))
		s.getAs(t, cookie, "/admin/bans").wantStatus(http.StatusForbidden).wantNotContains(`href="/admin/bans/new`, "a reply by Someone")
		s.getAs(t, cookie, "/admin/bans/new?comment="+itoa(id)).wantStatus(http.StatusForbidden).wantNotContains("someone@example.com")
		s.postForm(t, "/admin/bans", url.Values{"comment": {itoa(id)}, "kind": {"client"}, "duration": {"permanent"}, "reason": {"r"}}, cookie).
			wantStatus(http.StatusForbidden)
		s.postForm(t, "/admin/bans/1/lift", nil, cookie).wantStatus(http.StatusForbidden)
		s.getAs(t, cookie, "/admin/").wantStatus(http.StatusOK).wantNotContains(`<a href="/admin/bans">Bans</a>`)
	}
	if n := s.count(t, `SELECT count(*) FROM bans`); n != 1 {
		t.Errorf("%d bans, want the moderator's one", n)
	}
	s.getAs(t, nil, "/admin/bans").wantStatus(http.StatusSeeOther)
}
