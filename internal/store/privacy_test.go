package store_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

const day = 24 * time.Hour

// replyRow is what the database holds about one reply's author and origin.
type replyRow struct {
	Name, Email, Index, URL, UserAgent, ClientHash, ClientPrefix, Body, Status string
	Sealed                                                                     bool
}

func (f *modFixture) row(t *testing.T, id int64) replyRow {
	t.Helper()
	var r replyRow
	var sealed []byte
	err := f.db.QueryRow(`SELECT author_name, author_email, author_email_index, author_url, user_agent, client_hash,
		client_prefix, body, status, author_email_enc FROM comments WHERE id = ?`, id).
		Scan(&r.Name, &r.Email, &r.Index, &r.URL, &r.UserAgent, &r.ClientHash, &r.ClientPrefix, &r.Body, &r.Status, &sealed)
	if err != nil {
		t.Fatalf("reply %d: %v", id, err)
	}
	r.Sealed = sealed != nil
	return r
}

// withClient is a reply with everything a reader's browser gives away.
func withClient(c model.Comment) model.Comment {
	c.UserAgent, c.ClientHash, c.ClientPrefix = "Mozilla/5.0 (test)", "hash-of-the-address", "198.51.100.0/24"
	return c
}

// Ensure retention deletes spam and trash unchanged for longer than its period, and
// pending replies nobody handled, clears the browser and address data of older
// replies, keeps everything one day short of each period, moves the answers of a
// deleted reply up a level, and finds nothing more on a second run.
func TestApplyRetention_Boundaries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	p := model.DefaultPolicy() // 30 days of spam and trash, 90 of pending, 30 of client data
	ago := func(d int) time.Time { return t0.Add(-time.Duration(d) * day) }

	spam29 := f.add(t, model.Comment{Body: "spam 29", Status: model.CommentSpam, CreatedAt: ago(29)})
	spam31 := f.add(t, model.Comment{Body: "spam 31", Status: model.CommentSpam, CreatedAt: ago(31)})
	trash31 := f.add(t, model.Comment{Body: "trash 31", Status: model.CommentTrash, CreatedAt: ago(31)})
	// An old reply moved to the trash yesterday: its 30 days start from the move.
	trashedYesterday := f.add(t, model.Comment{Body: "trashed yesterday", Status: model.CommentApproved, CreatedAt: ago(200)})
	if _, err := f.st.SetCommentStatus(ctx, []int64{trashedYesterday}, model.CommentTrash, model.CommentApproved, ago(1)); err != nil {
		t.Fatal(err)
	}
	pending89 := f.add(t, model.Comment{Body: "pending 89", Status: model.CommentPending, CreatedAt: ago(89)})
	pending91 := f.add(t, withClient(model.Comment{Body: "pending 91", Status: model.CommentPending, CreatedAt: ago(91)}))
	// A thread whose middle reply went to the trash long ago.
	root := f.add(t, model.Comment{Body: "root", Status: model.CommentApproved, CreatedAt: ago(100)})
	middle := f.add(t, model.Comment{Body: "middle", Status: model.CommentTrash, CreatedAt: ago(99), ParentID: ptr(root)})
	answer := f.add(t, model.Comment{Body: "answer", Status: model.CommentApproved, CreatedAt: ago(98), ParentID: ptr(middle)})
	client29 := f.add(t, withClient(model.Comment{Body: "client 29", Status: model.CommentApproved, CreatedAt: ago(29)}))
	client31 := f.add(t, withClient(model.Comment{Body: "client 31", Status: model.CommentApproved, CreatedAt: ago(31)}))
	client400 := f.add(t, withClient(model.Comment{Body: "client 400", Status: model.CommentApproved, CreatedAt: ago(400)}))
	var updatedBefore string
	if err := f.db.QueryRow(`SELECT updated_at FROM comments WHERE id = ?`, client31).Scan(&updatedBefore); err != nil {
		t.Fatal(err)
	}

	res, err := f.st.ApplyRetention(ctx, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.RetentionResult{Spam: 3, Pending: 1, Client: 2}); res != want {
		t.Errorf("ApplyRetention = %+v, want %+v", res, want)
	}
	for _, tc := range []struct {
		name string
		id   int64
		kept bool
	}{
		{"Spam29Kept", spam29, true}, {"Spam31Deleted", spam31, false}, {"Trash31Deleted", trash31, false},
		{"TrashedYesterdayKept", trashedYesterday, true},
		{"Pending89Kept", pending89, true}, {"Pending91Deleted", pending91, false},
		{"OldTrashInThreadDeleted", middle, false}, {"ApprovedRootKept", root, true}, {"ApprovedAnswerKept", answer, true},
		{"Approved400Kept", client400, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, exists := f.parentOf(t, tc.id); exists != tc.kept {
				t.Errorf("reply %d exists = %v, want %v", tc.id, exists, tc.kept)
			}
		})
	}
	if parent, _ := f.parentOf(t, answer); parent != root {
		t.Errorf("the answer to the deleted reply has parent %d, want %d (moved up a level)", parent, root)
	}
	if r := f.row(t, client29); r.UserAgent == "" || r.ClientHash == "" || r.ClientPrefix == "" {
		t.Errorf("a 29-day-old reply lost its client data: %+v", r)
	}
	for _, id := range []int64{client31, client400} {
		r := f.row(t, id)
		if r.UserAgent != "" || r.ClientHash != "" || r.ClientPrefix != "" {
			t.Errorf("reply %d keeps client data after its period: %+v", id, r)
		}
		if r.Name != "Riley Reader" || r.Body == "" || !r.Sealed || r.Status != "approved" {
			t.Errorf("clearing client data changed more of reply %d: %+v", id, r)
		}
	}
	var updatedAfter string
	if err := f.db.QueryRow(`SELECT updated_at FROM comments WHERE id = ?`, client31).Scan(&updatedAfter); err != nil {
		t.Fatal(err)
	}
	if updatedAfter != updatedBefore {
		t.Errorf("clearing client data changed updated_at from %s to %s", updatedBefore, updatedAfter)
	}

	if res, err := f.st.ApplyRetention(ctx, p, t0); err != nil || res != (store.RetentionResult{}) {
		t.Errorf("second run = %+v, %v; want nothing left to do", res, err)
	}
	// The next day, the 29-day-old data is 30 days old: still kept. Two days later it goes.
	if res, err := f.st.ApplyRetention(ctx, p, t0.Add(day)); err != nil || res != (store.RetentionResult{}) {
		t.Errorf("at exactly 30 days = %+v, %v; want nothing deleted", res, err)
	}
	if res, err := f.st.ApplyRetention(ctx, p, t0.Add(2*day+time.Minute)); err != nil || res.Spam != 1 || res.Client != 1 {
		t.Errorf("at 31 days = %+v, %v; want the spam deleted and the client data cleared", res, err)
	}
}

// Ensure a retention period of 0 keeps that data until it is deleted.
func TestApplyRetention_ZeroKeepsForever(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	old := t0.Add(-3000 * day)
	ids := []int64{
		f.add(t, withClient(model.Comment{Body: "old spam", Status: model.CommentSpam, CreatedAt: old})),
		f.add(t, withClient(model.Comment{Body: "old trash", Status: model.CommentTrash, CreatedAt: old})),
		f.add(t, withClient(model.Comment{Body: "old pending", Status: model.CommentPending, CreatedAt: old})),
		f.add(t, withClient(model.Comment{Body: "old approved", Status: model.CommentApproved, CreatedAt: old})),
	}
	p := model.DefaultPolicy()
	p.RetainSpamDays, p.RetainPendingDays, p.RetainClientDays = 0, 0, 0
	res, err := f.st.ApplyRetention(ctx, p, t0)
	if err != nil || res != (store.RetentionResult{}) {
		t.Fatalf("ApplyRetention = %+v, %v; want nothing removed", res, err)
	}
	for _, id := range ids {
		if r := f.row(t, id); r.UserAgent == "" || r.ClientHash == "" {
			t.Errorf("reply %d lost data under a keep-forever policy: %+v", id, r)
		}
	}
}

// Ensure a policy saved before the retention settings existed reads them with their
// defaults, and that saved values, including 0, are kept.
func TestPolicy_RetentionDefaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	if _, err := f.db.Exec(`INSERT INTO settings (name, value) VALUES ('moderation_policy',
		'{"HoldAll":false,"HoldLinks":4,"ThreadDepth":3,"FloodSeconds":15,"MinFormSeconds":3}')`); err != nil {
		t.Fatal(err)
	}
	p, err := f.st.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.HoldAll || p.HoldLinks != 4 || p.RetainSpamDays != 30 || p.RetainPendingDays != 90 || p.RetainClientDays != 30 || p.ContactEmail != "" {
		t.Errorf("old policy read as %+v; want its own values and the retention defaults", p)
	}
	p.RetainSpamDays, p.ContactEmail = 0, "editors@example.org"
	if err := f.st.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, err := f.st.Policy(ctx); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("saved policy read back as %+v, %v; want %+v", got, err, p)
	}
	p.RetainClientDays = model.MaxRetainDays + 1
	if err := f.st.SavePolicy(ctx, p); err == nil {
		t.Error("a retention period over 3650 days was saved")
	}
}

// eraseFixture is a thread where Riley's replies have answers from other people.
type eraseFixture struct {
	*modFixture
	rileyTop, rileyAnswer, rileySpam int64 // Riley's: a reply to the article, an answer to Sam, a spam reply
	sam, toRileyTop, toRileyAnswer   int64 // other people's
}

func newEraseFixture(t *testing.T) *eraseFixture {
	t.Helper()
	f := &eraseFixture{modFixture: newModFixture(t)}
	riley := func(c model.Comment) model.Comment {
		c.AuthorName, c.AuthorEmail, c.AuthorURL = "Riley Reader", "riley@example.com", "https://riley.example/"
		return withClient(c)
	}
	other := func(name string, c model.Comment) model.Comment {
		c.AuthorName, c.AuthorEmail = name, strings.ToLower(name)+"@example.net"
		return withClient(c)
	}
	f.rileyTop = f.add(t, riley(model.Comment{Body: "Riley's first", Status: model.CommentApproved}))
	f.toRileyTop = f.add(t, other("Sam", model.Comment{Body: "Sam answers Riley", Status: model.CommentApproved, ParentID: ptr(f.rileyTop)}))
	f.sam = f.add(t, other("Sam", model.Comment{Body: "Sam's own", Status: model.CommentApproved}))
	f.rileyAnswer = f.add(t, riley(model.Comment{Body: "Riley answers Sam", Status: model.CommentPending, ParentID: ptr(f.sam)}))
	f.toRileyAnswer = f.add(t, other("Kim", model.Comment{Body: "Kim answers Riley", Status: model.CommentApproved, ParentID: ptr(f.rileyAnswer)}))
	f.rileySpam = f.add(t, riley(model.Comment{Body: "Riley's spam", Status: model.CommentSpam, ArticleID: f.second.ID}))
	return f
}

// auditRows returns every row of the personal-data audit log as text.
func auditRows(t *testing.T, db *storetest.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT id, coalesce(CAST(user_id AS TEXT), ''), action, replies, created_at FROM privacy_audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var id, user, action, replies, created string
		if err := rows.Scan(&id, &user, &action, &replies, &created); err != nil {
			t.Fatal(err)
		}
		list = append(list, strings.Join([]string{user, action, replies}, " "))
	}
	return list
}

// Ensure anonymising finds a person's replies in any status by their email, in any
// case, strips name, email, website and client data but keeps the text, status and
// thread, leaves other people's replies alone, and records who did it and how many.
func TestAnonymiseRepliesByEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newEraseFixture(t)
	// Riley answered Sam from the moderation queue, as staff.
	if _, err := f.db.Exec(`UPDATE comments SET user_id = ? WHERE id = ?`, f.staff.ID, f.rileyAnswer); err != nil {
		t.Fatal(err)
	}
	n, err := f.st.AnonymiseRepliesByEmail(ctx, " Riley@Example.com ", f.staff.ID, t0)
	if err != nil || n != 3 {
		t.Fatalf("AnonymiseRepliesByEmail = %d, %v; want 3, nil", n, err)
	}
	var staffLinked int
	if err := f.db.QueryRow(`SELECT count(*) FROM comments WHERE id = ? AND user_id IS NOT NULL`, f.rileyAnswer).Scan(&staffLinked); err != nil || staffLinked != 0 {
		t.Errorf("the anonymised staff reply still names its staff account (%d, %v): its Staff badge would tell who wrote it", staffLinked, err)
	}
	for id, want := range map[int64]replyRow{
		f.rileyTop:    {Name: "Anonymous", Body: "Riley's first", Status: "approved"},
		f.rileyAnswer: {Name: "Anonymous", Body: "Riley answers Sam", Status: "pending"},
		f.rileySpam:   {Name: "Anonymous", Body: "Riley's spam", Status: "spam"},
	} {
		if got := f.row(t, id); got != want {
			t.Errorf("reply %d = %+v, want %+v", id, got, want)
		}
	}
	for _, id := range []int64{f.sam, f.toRileyTop, f.toRileyAnswer} {
		if r := f.row(t, id); r.Name == "Anonymous" || !r.Sealed || r.UserAgent == "" {
			t.Errorf("someone else's reply %d was changed: %+v", id, r)
		}
	}
	if p, _ := f.parentOf(t, f.toRileyTop); p != f.rileyTop {
		t.Errorf("the answer to the anonymised reply moved to %d", p)
	}
	if p, _ := f.parentOf(t, f.rileyAnswer); p != f.sam {
		t.Errorf("the anonymised answer moved to %d", p)
	}
	// Every reader of replies copes with a reply that has no email.
	c, err := f.st.Comment(ctx, f.rileyTop)
	if err != nil || c.AuthorEmail != "" || c.EmailIndex != "" || c.AuthorName != "Anonymous" {
		t.Errorf("Comment = %+v, %v", c, err)
	}
	if list, total, err := f.st.CommentQueue(ctx, store.CommentFilter{Status: model.CommentPending, Limit: 10}); err != nil || total != 1 || list[0].AuthorEmail != "" {
		t.Errorf("queue = %d replies, %v", total, err)
	}
	if found, err := f.st.CommentsByEmail(ctx, "riley@example.com"); err != nil || len(found) != 0 {
		t.Errorf("after anonymising, the email still finds %d replies (%v)", len(found), err)
	}
	if found, err := f.st.CommentsByEmail(ctx, ""); err != nil || len(found) != 0 {
		t.Errorf("an empty email finds %d anonymised replies (%v)", len(found), err)
	}
	if got, want := auditRows(t, f.db), []string{itoa(f.staff.ID) + " anonymise 3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit log = %q, want %q", got, want)
	}
	if n, err := f.st.AnonymiseRepliesByEmail(ctx, "riley@example.com", f.staff.ID, t0); err != nil || n != 0 {
		t.Errorf("anonymising again = %d, %v; want 0", n, err)
	}
}

// Ensure deleting a person's replies removes them in every status while the answers
// other people wrote to them survive, moved up a level, and records it in the log.
func TestDeleteRepliesByEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newEraseFixture(t)
	n, err := f.st.DeleteRepliesByEmail(ctx, "riley@example.com", f.staff.ID, t0)
	if err != nil || n != 3 {
		t.Fatalf("DeleteRepliesByEmail = %d, %v; want 3, nil", n, err)
	}
	for _, id := range []int64{f.rileyTop, f.rileyAnswer, f.rileySpam} {
		if _, exists := f.parentOf(t, id); exists {
			t.Errorf("Riley's reply %d is still there", id)
		}
	}
	for id, wantParent := range map[int64]int64{f.toRileyTop: 0, f.sam: 0, f.toRileyAnswer: f.sam} {
		if parent, exists := f.parentOf(t, id); !exists || parent != wantParent {
			t.Errorf("reply %d: exists %v, parent %d; want kept under %d", id, exists, parent, wantParent)
		}
	}
	if n := count(t, f.db, `SELECT count(*) FROM comments WHERE body LIKE 'Riley%'`); n != 0 {
		t.Errorf("%d of Riley's texts remain", n)
	}
	if got, want := auditRows(t, f.db), []string{itoa(f.staff.ID) + " delete 3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit log = %q, want %q", got, want)
	}
}

// Ensure the audit log lists the latest entries first with the staff member's name,
// says nothing of an account removed since, and stops at the limit.
func TestPrivacyAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	other := &model.User{Name: "Gone Editor", Role: model.RoleEditor}
	if err := f.st.CreateUser(ctx, other); err != nil {
		t.Fatal(err)
	}
	for i, e := range []struct {
		by     int64
		action string
		n      int
	}{{f.staff.ID, store.PrivacyExport, 2}, {other.ID, store.PrivacyDelete, 1}, {f.staff.ID, store.PrivacyAnonymise, 0}} {
		if err := f.st.RecordPrivacyAction(ctx, e.by, e.action, e.n, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.Exec(`DELETE FROM users WHERE id = ?`, other.ID); err != nil {
		t.Fatal(err)
	}
	list, err := f.st.PrivacyAudit(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.PrivacyAuditEntry{
		{ID: 3, StaffName: "Mo Moderator", Action: "anonymise", Replies: 0, CreatedAt: t0.Add(2 * time.Hour)},
		{ID: 2, StaffName: "", Action: "delete", Replies: 1, CreatedAt: t0.Add(time.Hour)},
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("PrivacyAudit = %+v, want %+v", list, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Ensure retention works through more replies than one batch holds, and clears the
// client data of all of them.
func TestApplyRetention_ManyBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	if err := demo.Install(ctx, st); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	old := time.Now().UTC().AddDate(0, 0, -40)
	if _, err := db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500)
		INSERT INTO comments (article_id, author_name, author_email, body, status, user_agent, client_hash, created_at, updated_at)
		SELECT 1, 'Bot', '', 'spam ' || i, CASE WHEN i % 2 = 0 THEN 'spam' ELSE 'approved' END, 'curl', 'h' || i, ?, ? FROM n`, old, old); err != nil {
		t.Fatal(err)
	}
	res, err := st.ApplyRetention(ctx, model.DefaultPolicy(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Spam != 2250 || res.Client != 2250 {
		t.Errorf("result %+v, want 2250 spam deleted and 2250 replies' client data cleared", res)
	}
	if n := count(t, db, `SELECT count(*) FROM comments WHERE client_hash != '' AND created_at < ?`, time.Now().AddDate(0, 0, -31)); n != 0 {
		t.Errorf("%d old replies keep client data", n)
	}
}
