package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure a ban applies to its email index or client hash only, only until it ends
// (an end at now has passed), that the longest of several matching bans wins, and
// that a lifted ban no longer applies and cannot be lifted twice.
func TestActiveBan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	banned := testKeys.EmailIndex("banned@example.com")
	other := testKeys.EmailIndex("other@example.com")
	hour := t0.Add(time.Hour)
	byEmail := &model.Ban{Kind: model.BanEmail, Value: banned, Reason: "pills", Until: &hour, CreatedAt: t0}
	byClient := &model.Ban{Kind: model.BanClient, Value: "client-hash-1", Reason: "flood", CreatedAt: t0}
	for _, b := range []*model.Ban{byEmail, byClient} {
		if err := f.st.CreateBan(ctx, b); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		Name              string
		EmailIndex, Hash  string
		Now               time.Time
		WantID            int64 // 0: no ban
		WantReason, Until string
	}{
		{Name: "ByEmail", EmailIndex: banned, Now: t0, WantID: byEmail.ID},
		{Name: "ByClient", EmailIndex: other, Hash: "client-hash-1", Now: t0, WantID: byClient.ID},
		{Name: "Neither", EmailIndex: other, Hash: "client-hash-2", Now: t0},
		{Name: "EmptyValues", Now: t0},
		{Name: "EmailIndexAsClientHash", EmailIndex: other, Hash: banned, Now: t0},
		{Name: "ClientHashAsEmailIndex", EmailIndex: "client-hash-1", Now: t0},
		{Name: "JustBeforeTheEnd", EmailIndex: banned, Now: hour.Add(-time.Second), WantID: byEmail.ID},
		{Name: "EndedAtNow", EmailIndex: banned, Now: hour},
		{Name: "EndedBefore", EmailIndex: banned, Now: hour.Add(24 * time.Hour)},
		{Name: "PermanentOverTimed", EmailIndex: banned, Hash: "client-hash-1", Now: t0, WantID: byClient.ID},
	}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := f.st.ActiveBan(ctx, tc.EmailIndex, tc.Hash, tc.Now)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.WantID == 0 && got != nil:
				t.Errorf("ban %d (%s) applies, want none", got.ID, got.Reason)
			case tc.WantID != 0 && got == nil:
				t.Errorf("no ban applies, want ban %d", tc.WantID)
			case tc.WantID != 0 && got.ID != tc.WantID:
				t.Errorf("ban %d applies, want ban %d", got.ID, tc.WantID)
			}
		})
	}

	got, err := f.st.ActiveBan(ctx, banned, "", t0)
	if err != nil || got == nil {
		t.Fatalf("ActiveBan = %v, %v", got, err)
	}
	if got.Kind != model.BanEmail || got.Reason != "pills" || got.Until == nil || !got.Until.Equal(hour) || got.HeldReason() != "banned: pills" {
		t.Errorf("ban read back as %+v (until %v)", got, got.Until)
	}

	if err := f.st.LiftBan(ctx, byClient.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := f.st.ActiveBan(ctx, other, "client-hash-1", t0); err != nil || got != nil {
		t.Errorf("after lifting, ActiveBan = %+v, %v; want none", got, err)
	}
	if err := f.st.LiftBan(ctx, byClient.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("lifting twice: %v, want ErrNotFound", err)
	}
}

// Ensure the list of bans names the reply a ban came from and the moderator who made
// it, newest first, holds no email, and forgets the reply once it is deleted.
func TestListBans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	const email = "listed.person@example.com"
	id := f.add(t, model.Comment{AuthorName: "Listed Person", AuthorEmail: email, Status: model.CommentSpam,
		ClientHash: "hash-of-address", ClientPrefix: "203.0.113.0/24"})
	reply, err := f.st.Comment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	first := &model.Ban{Kind: model.BanEmail, Value: reply.EmailIndex, Reason: "first", CommentID: &id, CreatedBy: &f.staff.ID, CreatedAt: t0}
	second := &model.Ban{Kind: model.BanClient, Value: reply.ClientHash, Reason: "second", CommentID: &id, CreatedAt: t0.Add(time.Minute)}
	for _, b := range []*model.Ban{first, second} {
		if err := f.st.CreateBan(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	list, err := f.st.ListBans(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Fatalf("list = %+v, want the second ban then the first", list)
	}
	if e := list[1]; e.ReplyAuthor != "Listed Person" || e.CreatedByName != "Mo Moderator" || e.Value != reply.EmailIndex || e.Until != nil {
		t.Errorf("email ban listed as %+v", e)
	}
	if e := list[0]; e.ReplyAuthor != "Listed Person" || e.ReplyPrefix != "203.0.113.0/24" || e.CreatedByName != "" {
		t.Errorf("address ban listed as %+v", e)
	}
	if n := count(t, f.db, `SELECT count(*) FROM bans WHERE value LIKE '%@%' OR reason LIKE '%@%' OR value LIKE '%listed%'`); n != 0 {
		t.Errorf("%d bans hold an email", n)
	}

	if n, err := f.st.DeleteComments(ctx, []int64{id}); err != nil || n != 1 {
		t.Fatalf("DeleteComments = %d, %v", n, err)
	}
	list, err = f.st.ListBans(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ReplyAuthor != "" || list[0].CommentID != nil || list[1].ReplyAuthor != "" {
		t.Errorf("after deleting the reply, list = %+v; want both bans, without the reply", list)
	}
	// The bans still apply: they hold their own index and hash.
	if b, err := f.st.ActiveBan(ctx, reply.EmailIndex, "", t0); err != nil || b == nil || b.ID != first.ID {
		t.Errorf("after deleting the reply, ActiveBan = %+v, %v", b, err)
	}
}

// Ensure ActiveBan finds bans through the index on kind and value, not by reading
// every ban.
func TestActiveBan_UsesIndex(t *testing.T) {
	storetest.SQLiteOnly(t, "its query planner")
	t.Parallel()
	f := newModFixture(t)
	for i := range 50 {
		if err := f.st.CreateBan(context.Background(), &model.Ban{Kind: []model.BanKind{model.BanEmail, model.BanClient}[i%2],
			Value: strings.Repeat("x", i+1), Reason: "r", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	plan, full, indexScans := planOf(t, f.db, store.ActiveBanQuery, []any{"a", "b", t0}, "bans")
	if len(full) > 0 || len(indexScans) > 0 {
		t.Errorf("scans: %q %q; plan %q", full, indexScans, plan)
	}
	if !slices.ContainsFunc(plan, func(s string) bool {
		return strings.Contains(s, "SEARCH bans USING INDEX bans_kind_value (kind=? AND value=?)")
	}) {
		t.Errorf("the plan does not search bans_kind_value: %q", plan)
	}
}
