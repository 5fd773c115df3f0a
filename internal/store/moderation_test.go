package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// t0 is the fixed "now" of these tests.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// modFixture is a migrated database with two published articles, an author without
// an account and a moderator with one.
type modFixture struct {
	st            *store.Store
	db            *storetest.DB
	staff         *model.User
	author        *model.User
	first, second *model.Article
}

func newModFixture(t *testing.T) *modFixture {
	t.Helper()
	ctx := context.Background()
	path := storetest.Path(t)
	f := &modFixture{st: openStore(t, path)}
	if err := f.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f.db = rawDB(t, path)
	f.author = &model.User{Name: "Ada Author", Role: model.RoleAuthor}
	if err := f.st.CreateUser(ctx, f.author); err != nil {
		t.Fatal(err)
	}
	email := "mo@example.com"
	f.staff = &model.User{Name: "Mo Moderator", Email: &email, Role: model.RoleModerator, PasswordHash: "$argon2id$not-checked-here"}
	if err := f.st.CreateUser(ctx, f.staff); err != nil {
		t.Fatal(err)
	}
	for i, slug := range []string{"first-article", "second-article"} {
		published := t0.Add(-time.Duration(48-i) * time.Hour)
		a := &model.Article{Slug: slug, Title: fmt.Sprintf("Article %d", i+1), Status: model.ArticlePublished,
			AuthorID: f.author.ID, PublishedAt: &published, CommentsOpen: true, CreatedAt: published}
		if err := f.st.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.first = a
		} else {
			f.second = a
		}
	}
	return f
}

// add saves a reply, on the first article by a reader at t0 unless c says otherwise,
// and returns its ID.
func (f *modFixture) add(t *testing.T, c model.Comment) int64 {
	t.Helper()
	if c.ArticleID == 0 {
		c.ArticleID = f.first.ID
	}
	if c.AuthorName == "" {
		c.AuthorName = "Riley Reader"
	}
	if c.AuthorEmail == "" {
		c.AuthorEmail = "riley@example.com"
	}
	if c.Body == "" {
		c.Body = "A reply."
	}
	if c.Status == "" {
		c.Status = model.CommentPending
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t0
	}
	if err := f.st.CreateComment(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// statusOf returns a reply's status and previous status as stored.
func (f *modFixture) statusOf(t *testing.T, id int64) (status, previous string) {
	t.Helper()
	if err := f.db.QueryRow(`SELECT status, previous_status FROM comments WHERE id = ?`, id).Scan(&status, &previous); err != nil {
		t.Fatalf("reply %d: %v", id, err)
	}
	return status, previous
}

// parentOf returns a reply's parent_id, 0 for NULL, and whether the reply exists.
func (f *modFixture) parentOf(t *testing.T, id int64) (int64, bool) {
	t.Helper()
	var parent sql.NullInt64
	err := f.db.QueryRow(`SELECT parent_id FROM comments WHERE id = ?`, id).Scan(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return parent.Int64, true
}

func ptr[T any](v T) *T { return &v }

// Ensure CommentStates reads the status and previous status of the replies that
// exist, and skips IDs that do not.
func TestCommentStates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	pending := f.add(t, model.Comment{Body: "held one"})
	binned := f.add(t, model.Comment{Body: "binned", Status: model.CommentTrash})
	if _, err := f.db.Exec(`UPDATE comments SET previous_status = 'approved' WHERE id = ?`, binned); err != nil {
		t.Fatal(err)
	}
	states, err := f.st.CommentStates(ctx, []int64{binned, 9999, pending})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(states, func(a, b store.CommentState) int { return int(a.ID - b.ID) })
	want := []store.CommentState{
		{ID: pending, ArticleID: f.first.ID, Status: model.CommentPending},
		{ID: binned, ArticleID: f.first.ID, Status: model.CommentTrash, PreviousStatus: model.CommentApproved},
	}
	if !slices.Equal(states, want) {
		t.Errorf("CommentStates = %+v, want %+v", states, want)
	}
	if states, err := f.st.CommentStates(ctx, nil); err != nil || len(states) != 0 {
		t.Errorf("CommentStates(nil) = %+v, %v; want none", states, err)
	}
}

// Ensure SetCommentStatus saves the status, the previous status and the time of the
// change on exactly the replies named, and counts those that exist.
func TestSetCommentStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	a := f.add(t, model.Comment{Body: "one"})
	b := f.add(t, model.Comment{Body: "two", Status: model.CommentApproved})
	other := f.add(t, model.Comment{Body: "not named"})
	now := t0.Add(time.Hour)

	n, err := f.st.SetCommentStatus(ctx, []int64{a, b, 9999}, model.CommentSpam, model.CommentPending, now)
	if err != nil || n != 2 {
		t.Fatalf("SetCommentStatus = %d, %v; want 2, nil", n, err)
	}
	for _, id := range []int64{a, b} {
		if s, p := f.statusOf(t, id); s != "spam" || p != "pending" {
			t.Errorf("reply %d: status %q, previous %q; want spam, pending", id, s, p)
		}
		c, err := f.st.Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !c.UpdatedAt.Equal(now) {
			t.Errorf("reply %d: updated_at %v, want %v", id, c.UpdatedAt, now)
		}
	}
	if s, p := f.statusOf(t, other); s != "pending" || p != "" {
		t.Errorf("a reply not named is %q, %q; want it untouched", s, p)
	}
	if n := count(t, f.db, `SELECT count(*) FROM comments`); n != 3 {
		t.Errorf("%d replies, want 3: a missing ID must not create one", n)
	}
	if n, err := f.st.SetCommentStatus(ctx, nil, model.CommentSpam, "", now); err != nil || n != 0 {
		t.Errorf("SetCommentStatus(nil) = %d, %v; want 0, nil", n, err)
	}
}

// Ensure DeleteComments removes the replies named, whatever their status, and that
// the replies to a deleted reply move up to its parent instead of vanishing.
func TestDeleteComments_Reparents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	root := f.add(t, model.Comment{Body: "root", Status: model.CommentApproved})
	spamChild := f.add(t, model.Comment{Body: "spam child", Status: model.CommentSpam, ParentID: ptr(root)})
	grand1 := f.add(t, model.Comment{Body: "grandchild 1", Status: model.CommentApproved, ParentID: ptr(spamChild)})
	grand2 := f.add(t, model.Comment{Body: "grandchild 2", Status: model.CommentPending, ParentID: ptr(spamChild)})
	pendingChild := f.add(t, model.Comment{Body: "pending child", Status: model.CommentPending, ParentID: ptr(root)})
	kept := f.add(t, model.Comment{Body: "kept", Status: model.CommentTrash, ParentID: ptr(root)})

	n, err := f.st.DeleteComments(ctx, []int64{spamChild, pendingChild, 9999})
	if err != nil || n != 2 {
		t.Fatalf("DeleteComments = %d, %v; want 2 (the missing ID does not count), nil", n, err)
	}
	for _, tc := range []struct {
		name       string
		id         int64
		wantExists bool
		wantParent int64
	}{
		{"SpamDeleted", spamChild, false, 0},
		{"PendingDeleted", pendingChild, false, 0},
		{"TrashNotNamedKept", kept, true, root},
		{"RootKept", root, true, 0},
		{"GrandchildMovesToGrandparent", grand1, true, root},
		{"PendingGrandchildMovesToGrandparent", grand2, true, root},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent, exists := f.parentOf(t, tc.id)
			if exists != tc.wantExists || parent != tc.wantParent {
				t.Errorf("reply %d: exists %v, parent %d; want exists %v, parent %d", tc.id, exists, parent, tc.wantExists, tc.wantParent)
			}
		})
	}
	if s, _ := f.statusOf(t, grand1); s != "approved" {
		t.Errorf("re-parented reply is %q, want it still approved", s)
	}
	if n := count(t, f.db, `SELECT count(*) FROM comments`); n != 4 {
		t.Errorf("%d replies left, want 4", n)
	}
	if n, err := f.st.DeleteComments(ctx, []int64{spamChild, pendingChild}); err != nil || n != 0 {
		t.Errorf("deleting the same replies again = %d, %v; want 0, nil", n, err)
	}
}

// Ensure a spam or trash reply to the article itself (no parent, like most spam) can
// be deleted, and the replies to it become replies to the article.
func TestDeleteComments_TopLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status model.CommentStatus
	}{{"Spam", model.CommentSpam}, {"Trash", model.CommentTrash}} {
		status := tc.status
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newModFixture(t)
			top := f.add(t, model.Comment{Body: "top level", Status: status})
			answer := f.add(t, model.Comment{Body: "answer to it", Status: model.CommentApproved, ParentID: ptr(top)})
			other := f.add(t, model.Comment{Body: "another spam", Status: model.CommentSpam})

			n, err := f.st.DeleteComments(ctx, []int64{top})
			if err != nil || n != 1 {
				t.Errorf("DeleteComments(top-level %s reply) = %d, %v; want 1, nil", status, n, err)
			}
			if _, exists := f.parentOf(t, top); exists {
				t.Errorf("the top-level %s reply is still there", status)
			}
			if parent, exists := f.parentOf(t, answer); !exists || parent != 0 {
				t.Errorf("its answer: exists %v, parent %d; want it kept as a reply to the article", exists, parent)
			}
			if _, exists := f.parentOf(t, other); !exists {
				t.Errorf("a spam reply that was not selected was deleted")
			}
		})
	}
}

// Ensure a reply whose own parent is deleted in the same call still ends up under a
// reply that exists, whatever the order of the IDs.
func TestDeleteComments_ChainInOneCall(t *testing.T) {
	t.Parallel()
	for _, order := range []string{"ParentFirst", "ChildFirst"} {
		t.Run(order, func(t *testing.T) {
			ctx := context.Background()
			f := newModFixture(t)
			root := f.add(t, model.Comment{Body: "root", Status: model.CommentApproved})
			mid := f.add(t, model.Comment{Body: "mid", Status: model.CommentTrash, ParentID: ptr(root)})
			low := f.add(t, model.Comment{Body: "low", Status: model.CommentSpam, ParentID: ptr(mid)})
			leaf := f.add(t, model.Comment{Body: "leaf", Status: model.CommentApproved, ParentID: ptr(low)})
			ids := []int64{mid, low}
			if order == "ChildFirst" {
				ids = []int64{low, mid}
			}
			if n, err := f.st.DeleteComments(ctx, ids); err != nil || n != 2 {
				t.Fatalf("DeleteComments = %d, %v; want 2, nil", n, err)
			}
			if parent, ok := f.parentOf(t, leaf); !ok || parent != root {
				t.Errorf("leaf: exists %v, parent %d; want it under the root %d", ok, parent, root)
			}
		})
	}
}

// queueIDs returns the IDs of a page of the queue, in order.
func queueIDs(list []store.QueueComment) []int64 {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

// Ensure the moderation queue lists one status, newest first (the higher ID first at
// the same time), filtered by article and by a search of text, name and email in which
// % _ and \ are plain characters; that the total counts every match, not just the
// page; and that each entry carries its article, the author it answers and its staff
// author.
func TestCommentQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
	sameTimeLow := f.add(t, model.Comment{Body: "Took 1000 mg of magnesium.", CreatedAt: at(2)})
	sameTimeHigh := f.add(t, model.Comment{Body: "My file was named twitch_log.txt", CreatedAt: at(2)})
	onSecond := f.add(t, model.Comment{ArticleID: f.second.ID, Body: `A path like C:\temp`, AuthorEmail: "Quinn.Q@Example.org", CreatedAt: at(3)})
	parent := f.add(t, model.Comment{Body: "Approved parent", AuthorName: "Priya N.", Status: model.CommentApproved, CreatedAt: at(0)})
	answer := f.add(t, model.Comment{Body: "Answer from staff", AuthorName: f.staff.Name, AuthorEmail: "mo@example.com",
		Status: model.CommentApproved, ParentID: ptr(parent), UserID: &f.staff.ID, CreatedAt: at(4)})
	newest := f.add(t, model.Comment{Body: "Twitchy eyelid here too", AuthorName: "Sam", AuthorEmail: "sam@example.net", CreatedAt: at(5)})
	spam := f.add(t, model.Comment{Body: "cheap pills 100%", Status: model.CommentSpam, CreatedAt: at(6)})
	// Saved last but written first (a slow request, or an import): its date, not its
	// ID, puts it at the end.
	oldest := f.add(t, model.Comment{Body: "I am 100% sure it was the coffee.", AuthorName: "Pat Percent", CreatedAt: at(1)})
	pendingAll := []int64{newest, onSecond, sameTimeHigh, sameTimeLow, oldest}

	for _, tc := range []struct {
		name      string
		filter    store.CommentFilter
		wantIDs   []int64
		wantTotal int
	}{
		{"PendingNewestFirst", store.CommentFilter{Status: model.CommentPending, Limit: 20}, pendingAll, 5},
		{"FirstPage", store.CommentFilter{Status: model.CommentPending, Limit: 2}, pendingAll[:2], 5},
		{"SecondPage", store.CommentFilter{Status: model.CommentPending, Limit: 2, Offset: 2}, pendingAll[2:4], 5},
		{"PastTheEnd", store.CommentFilter{Status: model.CommentPending, Limit: 2, Offset: 10}, []int64{}, 5},
		{"Approved", store.CommentFilter{Status: model.CommentApproved, Limit: 20}, []int64{answer, parent}, 2},
		{"Spam", store.CommentFilter{Status: model.CommentSpam, Limit: 20}, []int64{spam}, 1},
		{"TrashEmpty", store.CommentFilter{Status: model.CommentTrash, Limit: 20}, []int64{}, 0},
		{"Article", store.CommentFilter{Status: model.CommentPending, ArticleID: f.second.ID, Limit: 20}, []int64{onSecond}, 1},
		{"OtherArticle", store.CommentFilter{Status: model.CommentPending, ArticleID: f.first.ID, Limit: 20}, []int64{newest, sameTimeHigh, sameTimeLow, oldest}, 4},
		{"QueryInBody", store.CommentFilter{Status: model.CommentPending, Query: "magnesium", Limit: 20}, []int64{sameTimeLow}, 1},
		{"QueryAnyCase", store.CommentFilter{Status: model.CommentPending, Query: "TWITCH", Limit: 20}, []int64{newest, sameTimeHigh}, 2},
		{"QueryInName", store.CommentFilter{Status: model.CommentPending, Query: "pat perc", Limit: 20}, []int64{oldest}, 1},
		// Emails are encrypted: they match whole, in any case, through the blind index.
		{"QueryWholeEmail", store.CommentFilter{Status: model.CommentPending, Query: " quinn.q@EXAMPLE.org ", Limit: 20}, []int64{onSecond}, 1},
		{"QueryPartOfEmailFindsNothing", store.CommentFilter{Status: model.CommentPending, Query: "quinn.q@example", Limit: 20}, nil, 0},
		{"QueryTrimmed", store.CommentFilter{Status: model.CommentPending, Query: "  magnesium \t", Limit: 20}, []int64{sameTimeLow}, 1},
		{"BlankQueryIsNoFilter", store.CommentFilter{Status: model.CommentPending, Query: "   ", Limit: 20}, pendingAll, 5},
		{"PercentIsLiteral", store.CommentFilter{Status: model.CommentPending, Query: "%", Limit: 20}, []int64{oldest}, 1},
		{"PercentAfterDigits", store.CommentFilter{Status: model.CommentPending, Query: "100%", Limit: 20}, []int64{oldest}, 1},
		{"UnderscoreIsLiteral", store.CommentFilter{Status: model.CommentPending, Query: "_", Limit: 20}, []int64{sameTimeHigh}, 1},
		{"UnderscoreNotAnyChar", store.CommentFilter{Status: model.CommentPending, Query: "1_00", Limit: 20}, []int64{}, 0},
		{"BackslashIsLiteral", store.CommentFilter{Status: model.CommentPending, Query: `C:\temp`, Limit: 20}, []int64{onSecond}, 1},
		{"QueryWithArticle", store.CommentFilter{Status: model.CommentPending, ArticleID: f.second.ID, Query: "magnesium", Limit: 20}, []int64{}, 0},
		{"QueryStaysInStatus", store.CommentFilter{Status: model.CommentSpam, Query: "100%", Limit: 20}, []int64{spam}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := f.st.CommentQueue(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := queueIDs(list); !slices.Equal(got, tc.wantIDs) || total != tc.wantTotal {
				t.Errorf("CommentQueue(%+v) = %v, total %d; want %v, total %d", tc.filter, got, total, tc.wantIDs, tc.wantTotal)
			}
		})
	}

	t.Run("EntryDetails", func(t *testing.T) {
		list, _, err := f.st.CommentQueue(ctx, store.CommentFilter{Status: model.CommentApproved, Limit: 20})
		if err != nil || len(list) != 2 {
			t.Fatalf("approved queue = %d entries, %v; want 2", len(list), err)
		}
		got := list[0]
		if got.ID != answer || got.ArticleTitle != "Article 1" || got.ArticleSlug != "first-article" ||
			got.ParentAuthor != "Priya N." || got.StaffName != "Mo Moderator" || got.AuthorEmail != "mo@example.com" ||
			got.Body != "Answer from staff" || got.ParentID == nil || *got.ParentID != parent || !got.CreatedAt.Equal(at(4)) {
			t.Errorf("staff answer in the queue = %+v", got)
		}
		if p := list[1]; p.ID != parent || p.ParentAuthor != "" || p.StaffName != "" || p.ParentID != nil {
			t.Errorf("top-level reply in the queue = %+v; want no parent author and no staff name", p)
		}
	})

	t.Run("ByID", func(t *testing.T) {
		qc, err := f.st.QueueCommentByID(ctx, onSecond)
		if err != nil {
			t.Fatal(err)
		}
		if qc.ID != onSecond || qc.ArticleTitle != "Article 2" || qc.ArticleSlug != "second-article" ||
			qc.AuthorEmail != "Quinn.Q@Example.org" || qc.Status != model.CommentPending {
			t.Errorf("QueueCommentByID(%d) = %+v", onSecond, qc)
		}
		qc, err = f.st.QueueCommentByID(ctx, spam)
		if err != nil || qc.Status != model.CommentSpam || qc.Body != "cheap pills 100%" {
			t.Errorf("QueueCommentByID(spam) = %+v, %v; want the spam reply", qc, err)
		}
		if _, err := f.st.QueueCommentByID(ctx, 9999); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("QueueCommentByID(9999): err = %v, want ErrNotFound", err)
		}
	})
}

// Ensure CommentCounts counts the replies of each status, and lists no status that
// has none; and that CountPendingComments agrees with it.
func TestCommentCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	counts, err := f.st.CommentCounts(ctx)
	if err != nil || len(counts) != 0 {
		t.Fatalf("CommentCounts on no replies = %v, %v; want an empty map", counts, err)
	}
	for _, s := range []model.CommentStatus{"pending", "pending", "pending", "approved", "approved", "spam"} {
		f.add(t, model.Comment{Status: s, ArticleID: f.second.ID})
	}
	f.add(t, model.Comment{Status: model.CommentApproved})
	counts, err = f.st.CommentCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[model.CommentStatus]int{model.CommentPending: 3, model.CommentApproved: 3, model.CommentSpam: 1}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("CommentCounts = %v, want %v", counts, want)
	}
	if n, err := f.st.CountPendingComments(ctx); err != nil || n != 3 {
		t.Errorf("CountPendingComments = %d, %v; want 3", n, err)
	}
}

// Ensure the flood check finds a reply from the same client sent after "since", and
// nothing older, that the email plays no part (it takes none, so a reply with another
// person's email is not refused: that would confirm the email), and that an empty
// client hash (an unknown address) never matches other replies without one.
func TestRecentReplyFrom(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	f.add(t, model.Comment{ClientHash: "hash-of-client-1", AuthorEmail: "first@example.com", CreatedAt: t0})
	f.add(t, model.Comment{ClientHash: "", AuthorEmail: "no-address@example.com", CreatedAt: t0})

	for _, tc := range []struct {
		name       string
		client     string
		since      time.Time
		wantRecent bool
	}{
		{"SameClient", "hash-of-client-1", t0.Add(-15 * time.Second), true},
		{"SameClientOutsideWindow", "hash-of-client-1", t0.Add(time.Second), false},
		{"SinceIsExclusive", "hash-of-client-1", t0, false},
		{"OtherClient", "hash-of-client-2", t0.Add(-time.Hour), false},
		{"EmptyClientHashNeverMatches", "", t0.Add(-time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recent, err := f.st.RecentReplyFrom(ctx, tc.client, tc.since)
			if err != nil || recent != tc.wantRecent {
				t.Errorf("RecentReplyFrom(%q, %v) = %v, %v; want %v", tc.client, tc.since, recent, err, tc.wantRecent)
			}
		})
	}
}

// Ensure SameReplyExists finds the same text from the same name in the same place
// (article and parent, with no parent matching no parent), in the statuses asked for
// only, and nothing that differs in one of those; and that the email plays no part,
// so that its answer cannot confirm an email.
func TestSameReplyExists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	on := f.second.ID // not the first, so that "another article" is one with a lower ID
	parent := f.add(t, model.Comment{ArticleID: on, Body: "parent", AuthorName: "Priya", AuthorEmail: "priya@example.com", Status: model.CommentApproved})
	f.add(t, model.Comment{ArticleID: on, Body: "Same words.", AuthorName: "Dee", AuthorEmail: "dee@example.com"})
	f.add(t, model.Comment{ArticleID: on, Body: "Nested words.", AuthorName: "Dee", AuthorEmail: "dee@example.com", ParentID: ptr(parent), Status: model.CommentApproved})
	f.add(t, model.Comment{ArticleID: on, Body: "Binned words.", AuthorName: "Dee", AuthorEmail: "dee@example.com", Status: model.CommentTrash})
	f.add(t, model.Comment{ArticleID: on, Body: "Spammy words.", AuthorName: "Dee", AuthorEmail: "dee@example.com", Status: model.CommentSpam})

	statuses := []model.CommentStatus{model.CommentPending, model.CommentApproved, model.CommentSpam}
	base := model.Comment{ArticleID: on, Body: "Same words.", AuthorName: "Dee", AuthorEmail: "dee@example.com"}
	with := func(change func(c *model.Comment)) *model.Comment {
		c := base
		change(&c)
		return &c
	}
	for _, tc := range []struct {
		name string
		c    *model.Comment
		want bool
	}{
		{"Same", with(func(*model.Comment) {}), true},
		{"NullParentMatchesNull", with(func(c *model.Comment) { c.ParentID = nil }), true},
		{"OtherParent", with(func(c *model.Comment) { c.ParentID = ptr(parent) }), false},
		{"SameParent", with(func(c *model.Comment) { c.Body, c.ParentID = "Nested words.", ptr(parent) }), true},
		{"NestedTextAtTopLevel", with(func(c *model.Comment) { c.Body = "Nested words." }), false},
		{"OtherArticle", with(func(c *model.Comment) { c.ArticleID = f.first.ID }), false},
		{"OtherName", with(func(c *model.Comment) { c.AuthorName = "Dee D." }), false},
		{"OtherEmailStillDuplicate", with(func(c *model.Comment) { c.AuthorEmail = "dee@example.org" }), true},
		{"OtherText", with(func(c *model.Comment) { c.Body = "Same words!" }), false},
		{"StatusNotAskedFor", with(func(c *model.Comment) { c.Body = "Binned words." }), false},
		{"SpamAskedFor", with(func(c *model.Comment) { c.Body = "Spammy words." }), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dup, err := f.st.SameReplyExists(ctx, tc.c, statuses)
			if err != nil || dup != tc.want {
				t.Errorf("SameReplyExists(%+v) = %v, %v; want %v", *tc.c, dup, err, tc.want)
			}
		})
	}
}

// Ensure IsApprovedReplyBy is true only for an approved reply sent under both the
// name and the email.
func TestIsApprovedReplyBy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	kim := f.add(t, model.Comment{AuthorName: "Known Kim", AuthorEmail: "kim@example.com", Status: model.CommentApproved})
	pat := f.add(t, model.Comment{AuthorName: "Pending Pat", AuthorEmail: "pat@example.com", Status: model.CommentPending})
	sue := f.add(t, model.Comment{AuthorName: "Spam Sue", AuthorEmail: "sue@example.com", Status: model.CommentSpam})
	for _, tc := range []struct {
		name, author, email string
		ids                 []int64
		want                bool
	}{
		{"Approved", "Known Kim", "kim@example.com", []int64{kim}, true},
		{"ApprovedAmongOthers", "Known Kim", "kim@example.com", []int64{pat, kim, sue}, true},
		{"ApprovedOtherCase", "Known Kim", " KIM@example.com", []int64{kim}, true},
		{"SameEmailOtherName", "Kim", "kim@example.com", []int64{kim}, false},
		{"SameNameOtherEmail", "Known Kim", "kim@example.org", []int64{kim}, false},
		{"OtherReplies", "Known Kim", "kim@example.com", []int64{pat, sue}, false},
		{"None", "Known Kim", "kim@example.com", nil, false},
		{"OnlyPending", "Pending Pat", "pat@example.com", []int64{pat}, false},
		{"OnlySpam", "Spam Sue", "sue@example.com", []int64{sue}, false},
		{"NoSuchReply", "Known Kim", "kim@example.com", []int64{sue + 100}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.st.IsApprovedReplyBy(ctx, tc.ids, tc.author, tc.email)
			if err != nil || got != tc.want {
				t.Errorf("IsApprovedReplyBy(%v, %q, %q) = %v, %v; want %v", tc.ids, tc.author, tc.email, got, err, tc.want)
			}
		})
	}
}

// Ensure a session finds its account until it expires or sits unused longer than the
// idle limit, that use keeps it alive, that it never outlives its expiry, and that an
// account without a password has no session.
func TestSessionUser_ExpiryAndIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	const idle = time.Hour
	sess := &store.Session{TokenHash: "token-1", UserID: f.staff.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	if err := f.st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	lookup := func(t *testing.T, hash string, now time.Time, wantOK bool) {
		t.Helper()
		s, u, err := f.st.SessionUser(ctx, hash, now, idle)
		if !wantOK {
			if !errors.Is(err, model.ErrNotFound) || s != nil || u != nil {
				t.Errorf("SessionUser(%q) at %v = %v, %v, %v; want ErrNotFound", hash, now, s, u, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("SessionUser(%q) at %v: %v", hash, now, err)
		}
		if u.ID != f.staff.ID || u.Role != model.RoleModerator || s.TokenHash != hash || s.UserID != f.staff.ID {
			t.Errorf("SessionUser(%q) = session %+v, user %+v; want the moderator's", hash, s, u)
		}
	}

	t.Run("Fresh", func(t *testing.T) { lookup(t, "token-1", t0.Add(30*time.Minute), true) })
	t.Run("IdleTooLong", func(t *testing.T) { lookup(t, "token-1", t0.Add(61*time.Minute), false) })
	t.Run("IdleExactlyTheLimit", func(t *testing.T) { lookup(t, "token-1", t0.Add(idle), false) })
	t.Run("UnknownToken", func(t *testing.T) { lookup(t, "no-such-token", t0.Add(time.Minute), false) })
	t.Run("UseKeepsItAlive", func(t *testing.T) {
		if err := f.st.TouchSession(ctx, "token-1", t0.Add(50*time.Minute)); err != nil {
			t.Fatal(err)
		}
		lookup(t, "token-1", t0.Add(100*time.Minute), true)
	})
	t.Run("NeverPastExpiry", func(t *testing.T) {
		if err := f.st.TouchSession(ctx, "token-1", t0.Add(11*time.Hour+59*time.Minute)); err != nil {
			t.Fatal(err)
		}
		lookup(t, "token-1", t0.Add(12*time.Hour-time.Second), true)
		lookup(t, "token-1", t0.Add(12*time.Hour), false)
	})
	t.Run("AccountWithoutPassword", func(t *testing.T) {
		if err := f.st.CreateSession(ctx, &store.Session{TokenHash: "token-author", UserID: f.author.ID,
			CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		lookup(t, "token-author", t0.Add(time.Minute), false)
	})
	t.Run("Deleted", func(t *testing.T) {
		if err := f.st.CreateSession(ctx, &store.Session{TokenHash: "token-2", UserID: f.staff.ID,
			CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		lookup(t, "token-2", t0.Add(time.Minute), true)
		if err := f.st.DeleteSession(ctx, "token-2"); err != nil {
			t.Fatal(err)
		}
		lookup(t, "token-2", t0.Add(time.Minute), false)
	})
}

// Ensure a session lasts its twelve hours whatever time zone its times were given in:
// SQLite compares the stored times as text, so the store must save them in UTC, as it
// does every other time.
func TestSessionUser_TimesInAnyZone(t *testing.T) {
	t.Parallel()
	for _, zone := range []*time.Location{time.FixedZone("UTC-5", -5*3600), time.FixedZone("UTC+9", 9*3600)} {
		t.Run(zone.String(), func(t *testing.T) {
			ctx := context.Background()
			f := newModFixture(t)
			start := t0.In(zone)
			if err := f.st.CreateSession(ctx, &store.Session{TokenHash: "token", UserID: f.staff.ID,
				CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(12 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			const idle = 24 * time.Hour // only the expiry matters here
			if _, _, err := f.st.SessionUser(ctx, "token", t0.Add(11*time.Hour), idle); err != nil {
				t.Errorf("11 hours after sign-in: err = %v, want the session", err)
			}
			if _, _, err := f.st.SessionUser(ctx, "token", t0.Add(12*time.Hour+time.Minute), idle); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("12 hours and a minute after sign-in: err = %v, want ErrNotFound", err)
			}
		})
	}
}

// Ensure DeleteStaleSessions removes the sessions that expired or sat idle for the
// idle limit or longer, and keeps the ones still in use.
func TestDeleteStaleSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	now := t0.Add(24 * time.Hour)
	const idle = time.Hour
	for _, s := range []store.Session{
		{TokenHash: "live", LastSeenAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)},
		{TokenHash: "idle", LastSeenAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(time.Hour)},
		{TokenHash: "idle-exactly", LastSeenAt: now.Add(-idle), ExpiresAt: now.Add(time.Hour)},
		{TokenHash: "expired", LastSeenAt: now.Add(-time.Minute), ExpiresAt: now.Add(-time.Second)},
		{TokenHash: "expires-now", LastSeenAt: now.Add(-time.Minute), ExpiresAt: now},
	} {
		s.UserID, s.CreatedAt = f.staff.ID, t0
		if err := f.st.CreateSession(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.DeleteStaleSessions(ctx, now, idle); err != nil {
		t.Fatal(err)
	}
	rows, err := f.db.Query(`SELECT token_hash FROM sessions ORDER BY token_hash`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var left []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		left = append(left, h)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []string{"live"}) {
		t.Errorf("sessions left = %v, want [live]", left)
	}
}

// Ensure a setup link works once, only before it expires, and is not spent by a
// transaction that fails afterwards.
func TestUseSetupToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	expires := t0.Add(time.Hour)
	for _, h := range []string{"setup-1", "setup-2", "setup-3"} {
		if err := f.st.CreateSetupToken(ctx, h, t0, expires); err != nil {
			t.Fatal(err)
		}
	}
	valid := func(t *testing.T, hash string, now time.Time, want bool) {
		t.Helper()
		if ok, err := f.st.SetupTokenValid(ctx, hash, now); err != nil || ok != want {
			t.Errorf("SetupTokenValid(%q) at %v = %v, %v; want %v", hash, now, ok, err, want)
		}
	}

	t.Run("Once", func(t *testing.T) {
		now := t0.Add(30 * time.Minute)
		valid(t, "setup-1", now, true)
		if err := f.st.UseSetupToken(ctx, "setup-1", now); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if err := f.st.UseSetupToken(ctx, "setup-1", now.Add(time.Second)); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second use: err = %v, want ErrNotFound", err)
		}
		valid(t, "setup-1", now.Add(time.Second), false)
	})
	t.Run("NotAfterExpiry", func(t *testing.T) {
		valid(t, "setup-2", expires.Add(-time.Second), true)
		valid(t, "setup-2", expires, false)
		if err := f.st.UseSetupToken(ctx, "setup-2", expires); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("use at expiry: err = %v, want ErrNotFound", err)
		}
		if err := f.st.UseSetupToken(ctx, "setup-2", expires.Add(time.Hour)); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("use after expiry: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		valid(t, "no-such-token", t0, false)
		if err := f.st.UseSetupToken(ctx, "no-such-token", t0); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("RolledBackWithItsTransaction", func(t *testing.T) {
		failed := errors.New("account could not be created")
		err := f.st.Tx(ctx, func(tx *store.Store) error {
			if err := tx.UseSetupToken(ctx, "setup-3", t0.Add(time.Minute)); err != nil {
				return err
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("Tx = %v, want %v", err, failed)
		}
		valid(t, "setup-3", t0.Add(2*time.Minute), true)
		if err := f.st.UseSetupToken(ctx, "setup-3", t0.Add(2*time.Minute)); err != nil {
			t.Errorf("use after a rolled-back use: %v", err)
		}
	})
}

// Ensure an attempt forgets the failures from before the window, whoever they were
// for, so that the table holds the window's attempts only.
func TestReserveSignInAttempt_ForgetsOldFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	if err := f.st.RecordSignInFailure(ctx, t0, "account:old", "client:old"); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	if _, ok, err := f.st.ReserveSignInAttempt(ctx, now, now.Add(-15*time.Minute), 5, "account:new", "client:new"); err != nil || !ok {
		t.Fatalf("ReserveSignInAttempt = %v, %v", ok, err)
	}
	if n := count(t, f.db, `SELECT count(*) FROM sign_in_failures WHERE subject LIKE '%:old'`); n != 0 {
		t.Errorf("%d failures from before the window are still kept", n)
	}
	if n := count(t, f.db, `SELECT count(*) FROM sign_in_failures WHERE subject LIKE '%:new'`); n != 2 {
		t.Errorf("the attempt itself left %d rows, want 2", n)
	}
}

// Ensure failed sign-ins are counted per subject within the window, the most of any
// subject is reported, and clearing forgets the named subjects and every failure
// older than the cut-off, and nothing else.
func TestSignInFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	for i := range 3 {
		if err := f.st.RecordSignInFailure(ctx, t0.Add(time.Duration(i)*time.Minute), "account:a", "client:c"); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.RecordSignInFailure(ctx, t0, "account:b"); err != nil {
		t.Fatal(err)
	}
	failures := func(t *testing.T, since time.Time, subjects []string, want int) {
		t.Helper()
		if n, err := f.st.SignInFailures(ctx, since, subjects...); err != nil || n != want {
			t.Errorf("SignInFailures(%v, %q) = %d, %v; want %d", since, subjects, n, err, want)
		}
	}

	t.Run("Counted", func(t *testing.T) {
		before := t0.Add(-15 * time.Minute)
		failures(t, before, []string{"account:a"}, 3)
		failures(t, before, []string{"account:b"}, 1)
		failures(t, before, []string{"account:b", "client:c"}, 3)
		failures(t, before, []string{"account:unknown"}, 0)
		failures(t, before, nil, 0)
	})
	t.Run("OnlyWithinWindow", func(t *testing.T) {
		failures(t, t0, []string{"account:a"}, 2) // the failure at exactly "since" is outside
		failures(t, t0.Add(90*time.Second), []string{"client:c"}, 1)
		failures(t, t0.Add(2*time.Minute), []string{"account:a", "client:c"}, 0)
	})
	t.Run("ClearedBySubject", func(t *testing.T) {
		if err := f.st.ClearSignInFailures(ctx, t0.Add(-15*time.Minute), "account:a"); err != nil {
			t.Fatal(err)
		}
		before := t0.Add(-15 * time.Minute)
		failures(t, before, []string{"account:a"}, 0)
		failures(t, before, []string{"client:c"}, 3)
		failures(t, before, []string{"account:b"}, 1)
	})
	t.Run("ClearedByAge", func(t *testing.T) {
		if err := f.st.ClearSignInFailures(ctx, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		before := t0.Add(-15 * time.Minute)
		failures(t, before, []string{"client:c"}, 2) // those at t0+1m and t0+2m are not older than the cut-off
		failures(t, before, []string{"account:b"}, 0)
		if n := count(t, f.db, `SELECT count(*) FROM sign_in_failures`); n != 2 {
			t.Errorf("%d failures stored, want 2", n)
		}
	})
}

// scanRow matches a step of a query plan that reads a whole table, directly or by
// walking a whole index: "SCAN c", "SCAN c USING INDEX i" and "SCAN c USING COVERING
// INDEX i" in newer SQLite, "SCAN TABLE comments AS c" in older ones.
var scanRow = regexp.MustCompile(`^SCAN (?:TABLE )?(\w+)(?: AS (\w+))?(.*)$`)

// planOf returns the steps of the plan of query, and those that scan one of tables
// (named as in the SQL, or by an alias): in fullScans those that read the table
// itself, in indexScans those that read a whole index of it instead.
func planOf(t *testing.T, db *storetest.DB, query string, args []any, tables ...string) (plan, fullScans, indexScans []string) {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v\n%s", err, query)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
		m := scanRow.FindStringSubmatch(detail)
		if m == nil || (!slices.Contains(tables, m[1]) && !slices.Contains(tables, m[2])) {
			continue
		}
		if rest := m[3]; strings.Contains(rest, "USING INDEX") || strings.Contains(rest, "USING COVERING INDEX") {
			indexScans = append(indexScans, detail)
		} else {
			fullScans = append(fullScans, detail)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan, fullScans, indexScans
}

// Ensure the queries behind the public pages and the moderation queue find their rows
// through an index, searching it by the columns they filter on, rather than reading
// every reply or article. The SQL is the store's (for the methods built with GORM's
// query builder, the SQL GORM makes of them).
//
// A step "SCAN c USING INDEX i" fails the test too, except for the tab counts: it
// reads the whole index, so every row, and it is what SQLite falls back to when the
// index a query needs is missing (without comments_status_created, the queue walks
// comments_article_status_created from end to end).
func TestQueries_UseIndexes(t *testing.T) {
	storetest.SQLiteOnly(t, "its query planner")
	t.Parallel()
	f := newModFixture(t)
	for i := range 50 { // some rows, so the plan is not one for an empty table
		f.add(t, model.Comment{Body: fmt.Sprintf("reply %d", i), Status: model.CommentStatuses[i%4],
			CreatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	// The queue's SQL as CommentQueue builds it, for a filter.
	queue := func(f store.CommentFilter) (list, count string, listArgs, countArgs []any) {
		where, args := f.Where()
		return fmt.Sprintf(store.QueueListQuery, where), fmt.Sprintf(store.QueueCountQuery, where), append(slices.Clone(args), 20, 0), args
	}
	// The article page's queries.
	articleQuery, articleArgs := store.PublishedArticleQuery, []any{"first-article", model.ArticlePublished}
	referencesQuery, referencesArgs := store.ReferencesQuery, []any{f.first.ID}
	pendingList, pendingCount, pendingListArgs, pendingCountArgs := queue(store.CommentFilter{Status: model.CommentPending})
	articleList, _, articleListArgs, _ := queue(store.CommentFilter{Status: model.CommentPending, ArticleID: f.first.ID})
	searchList, _, searchListArgs, _ := queue(store.CommentFilter{Status: model.CommentPending, Query: "x"})
	tables := []string{"comments", "articles", "article_references", "c", "a", "p"}
	for _, tc := range []struct {
		name        string
		query       string
		args        []any
		want        []string // searches the plan must contain
		indexScanOK bool
	}{
		{"PublishedArticles", store.PublishedArticlesQuery, []any{10, 0},
			[]string{"SEARCH a USING INDEX articles_status_published_at (status=?)", "SEARCH c USING COVERING INDEX comments_article_status_created (article_id=? AND status=?)"}, false},
		{"PublishedArticle", articleQuery, articleArgs,
			[]string{"(slug=?)"}, false},
		{"References", referencesQuery, referencesArgs,
			[]string{"(article_id=?)"}, false},
		// Also CountPendingComments, on every staff page.
		{"QueueCount", pendingCount, pendingCountArgs,
			[]string{"SEARCH c USING COVERING INDEX comments_status_created (status=?)"}, false},
		{"QueueList", pendingList, pendingListArgs,
			[]string{"SEARCH c USING INDEX comments_status_created (status=?)"}, false},
		{"QueueListOfArticle", articleList, articleListArgs,
			[]string{"SEARCH c USING INDEX "}, false}, // by article or by status: either is narrow
		{"QueueListSearch", searchList, searchListArgs,
			[]string{"SEARCH c USING INDEX comments_status_created (status=?)"}, false},
		// The tab counts read the whole status index, which is the point of them.
		{"CommentCounts", store.CommentCountsQuery, nil,
			[]string{"SCAN comments USING COVERING INDEX comments_status_created"}, true},
		// The flood check and the returning-commenter rule run inside the write lock.
		{"RecentReply", store.RecentReplyQuery, []any{"hash", t0},
			[]string{"comments_client_hash_created (client_hash=? AND created_at>?)"}, false},
		{"ApprovedReply", strings.Replace(store.ApprovedReplyQuery, "IN ?", "IN (?, ?, ?)", 1), []any{1, 2, 3, "index", "Name"},
			[]string{"SEARCH comments USING INTEGER PRIMARY KEY (rowid=?)"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, full, indexScans := planOf(t, f.db, tc.query, tc.args, tables...)
			shown := "\n  " + strings.Join(plan, "\n  ")
			if len(full) > 0 {
				t.Errorf("full table scan %q; the whole plan:%s", full, shown)
			}
			if len(indexScans) > 0 && !tc.indexScanOK {
				t.Errorf("reads a whole index: %q; the whole plan:%s", indexScans, shown)
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(plan, func(step string) bool { return strings.Contains(step, w) }) {
					t.Errorf("the plan has no step with %q; the whole plan:%s", w, shown)
				}
			}
			t.Logf("plan:%s", shown)
		})
	}

	// The check itself must see a scan when there is one.
	t.Run("DetectsScans", func(t *testing.T) {
		for _, tc := range []struct {
			query            string
			wantFull, wantIx int
		}{
			{`SELECT id FROM comments WHERE body = ?`, 1, 0},
			{`SELECT c.id FROM comments c WHERE c.body = ?`, 1, 0},
			{`SELECT a.id FROM articles a WHERE a.title = ?`, 1, 0},
			{`SELECT c.status FROM comments c WHERE c.created_at > ? ORDER BY c.status`, 0, 1},
			{`SELECT id FROM comments WHERE id = ?`, 0, 0},
		} {
			arg := any("x")
			if strings.Contains(tc.query, "id = ?") {
				arg = 1
			}
			plan, full, ix := planOf(t, f.db, tc.query, []any{arg}, tables...)
			if len(full) != tc.wantFull || len(ix) != tc.wantIx {
				t.Errorf("%s: full scans %q, index scans %q; want %d and %d (plan %q)", tc.query, full, ix, tc.wantFull, tc.wantIx, plan)
			}
		}
	})
}
