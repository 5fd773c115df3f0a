package moderation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure every action on a reply that does not exist is ErrReplyNotFound, which is
// also model.ErrNotFound, and changes nothing.
func TestModerate_UnknownReplyNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	gone := f.add(t, model.Comment{Status: model.CommentTrash})
	if out, err := f.svc.Moderate(ctx, nil, moderation.ActionDelete, gone); err != nil || !out.Changed {
		t.Fatalf("deleting a reply in the trash = %+v, %v; want changed, nil", out, err)
	}
	before := f.snapshot(t)
	for _, id := range []int64{gone, 9999, 0, -1} {
		for _, action := range moderation.Actions {
			out, err := f.svc.Moderate(ctx, nil, action, id)
			if !errors.Is(err, moderation.ErrReplyNotFound) || !errors.Is(err, model.ErrNotFound) || out != (moderation.Outcome{}) {
				t.Errorf("Moderate(%s, %d) = %+v, %v; want nothing, ErrReplyNotFound", action, id, out, err)
			}
		}
	}
	if f.snapshot(t) != before {
		t.Error("an action on a reply that does not exist changed the replies")
	}
}

// Ensure an action that is not one of moderation.Actions is refused with
// ErrUnknownAction, for one reply or many, before anything changes.
func TestModerate_UnknownActionRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	id := f.add(t, model.Comment{})
	before := f.snapshot(t)
	for _, action := range []moderation.Action{"", "publish", "Approve", "approve "} {
		if out, err := f.svc.Moderate(ctx, nil, action, id); !errors.Is(err, moderation.ErrUnknownAction) || out != (moderation.Outcome{}) {
			t.Errorf("Moderate(%q) = %+v, %v; want nothing, ErrUnknownAction", action, out, err)
		}
		if n, err := f.svc.ModerateAll(ctx, nil, action, []int64{id, 1}); !errors.Is(err, moderation.ErrUnknownAction) || n != 0 {
			t.Errorf("ModerateAll(%q) = %d, %v; want 0, ErrUnknownAction", action, n, err)
		}
		if n, err := f.svc.ModerateAll(ctx, nil, action, nil); !errors.Is(err, moderation.ErrUnknownAction) || n != 0 {
			t.Errorf("ModerateAll(%q, no IDs) = %d, %v; want 0, ErrUnknownAction", action, n, err)
		}
		if action.Valid() {
			t.Errorf("%q is valid", action)
		}
	}
	if f.snapshot(t) != before {
		t.Error("an unknown action changed the replies")
	}
}

// Ensure each action moves a reply where its rule says, remembering where a reply sent
// to spam or trash came from (a move between spam and trash keeping it), a restore
// returning it there (pending when unknown or damaged) and forgetting it, and an
// action that changes nothing reporting so and leaving the reply's time alone.
func TestModerate_StatusRules(t *testing.T) {
	t.Parallel()
	type state struct{ Status, Previous string }
	tests := []struct {
		Name        string
		Start       state
		Actions     []moderation.Action
		Want        state
		WantChanged bool // by the last action
	}{
		{"ApprovePending", state{"pending", ""}, []moderation.Action{"approve"}, state{"approved", ""}, true},
		{"ApproveApprovedChangesNothing", state{"approved", ""}, []moderation.Action{"approve"}, state{"approved", ""}, false},
		{"UnapproveApproved", state{"approved", ""}, []moderation.Action{"unapprove"}, state{"pending", ""}, true},
		{"ApproveFromTrash", state{"trash", "pending"}, []moderation.Action{"approve"}, state{"approved", "pending"}, true},
		{"SpamRemembersPending", state{"pending", ""}, []moderation.Action{"spam"}, state{"spam", "pending"}, true},
		{"TrashRemembersApproved", state{"approved", ""}, []moderation.Action{"trash"}, state{"trash", "approved"}, true},
		{"SpamToTrashKeepsMemory", state{"approved", ""}, []moderation.Action{"spam", "trash"}, state{"trash", "approved"}, true},
		{"TrashToSpamKeepsMemory", state{"pending", ""}, []moderation.Action{"trash", "spam"}, state{"spam", "pending"}, true},
		{"SpamAgainChangesNothing", state{"pending", ""}, []moderation.Action{"spam", "spam"}, state{"spam", "pending"}, false},
		{"RestoreToApprovedForgets", state{"approved", ""}, []moderation.Action{"trash", "restore"}, state{"approved", ""}, true},
		{"RestoreToPendingForgets", state{"pending", ""}, []moderation.Action{"spam", "restore"}, state{"pending", ""}, true},
		{"RestoreAfterSpamThenTrash", state{"approved", ""}, []moderation.Action{"spam", "trash", "restore"}, state{"approved", ""}, true},
		{"RestoreSpamOnArrivalGivesPending", state{"spam", ""}, []moderation.Action{"restore"}, state{"pending", ""}, true},
		{"RestoreDamagedMemoryGivesPending", state{"trash", "spam"}, []moderation.Action{"restore"}, state{"pending", ""}, true},
		{"RestorePendingChangesNothing", state{"pending", ""}, []moderation.Action{"restore"}, state{"pending", ""}, false},
		{"RestoreApprovedChangesNothing", state{"approved", ""}, []moderation.Action{"restore"}, state{"approved", ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			id := f.add(t, model.Comment{Status: model.CommentStatus(tt.Start.Status)})
			if _, err := f.db.Exec(`UPDATE comments SET previous_status = ? WHERE id = ?`, tt.Start.Previous, id); err != nil {
				t.Fatal(err)
			}
			before, _ := f.row(t, id)
			var changed bool
			for _, action := range tt.Actions {
				f.now = f.now.Add(time.Minute)
				out, err := f.svc.Moderate(ctx, nil, action, id)
				if err != nil {
					t.Fatalf("%s: %v", action, err)
				}
				changed = out.Changed
			}
			got, ok := f.row(t, id)
			if !ok {
				t.Fatal("the reply is gone")
			}
			if (state{got.Status, got.Previous}) != tt.Want || changed != tt.WantChanged {
				t.Errorf("status %q, previous %q, changed %v; want %q, %q, %v", got.Status, got.Previous, changed, tt.Want.Status, tt.Want.Previous, tt.WantChanged)
			}
			switch {
			case tt.WantChanged && !got.UpdatedAt.Equal(f.now):
				t.Errorf("updated_at %v, want the time of the last action, %v", got.UpdatedAt, f.now)
			case !tt.WantChanged && len(tt.Actions) == 1 && !got.UpdatedAt.Equal(before.UpdatedAt):
				t.Errorf("updated_at %v after an action that changed nothing, want %v", got.UpdatedAt, before.UpdatedAt)
			}
		})
	}
}

// Ensure an action's outcome names the statuses before and after, and an undo that
// puts the reply back exactly as it was (status and remembered status) after each
// action the queue's rows offer; that an action
// which changed nothing, or only closed reports, or deleted the reply, offers none.
func TestModerate_UndoPutsItBack(t *testing.T) {
	t.Parallel()
	type state struct{ Status, Previous string }
	tests := []struct {
		Name     string
		Start    state
		Action   moderation.Action
		WantUndo moderation.Action
	}{
		{"Approve", state{"pending", ""}, "approve", "unapprove"},
		{"Unapprove", state{"approved", ""}, "unapprove", "approve"},
		{"SpamPending", state{"pending", ""}, "spam", "restore"},
		{"SpamApproved", state{"approved", ""}, "spam", "restore"},
		{"TrashPending", state{"pending", ""}, "trash", "restore"},
		{"TrashApproved", state{"approved", ""}, "trash", "restore"},
		{"RestoreFromSpam", state{"spam", "approved"}, "restore", "spam"},
		{"RestoreFromTrash", state{"trash", "pending"}, "restore", "trash"},
		{"TrashFromSpam", state{"spam", "pending"}, "trash", "spam"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			id := f.add(t, model.Comment{Status: model.CommentStatus(tt.Start.Status)})
			if _, err := f.db.Exec(`UPDATE comments SET previous_status = ? WHERE id = ?`, tt.Start.Previous, id); err != nil {
				t.Fatal(err)
			}
			out, err := f.svc.Moderate(ctx, nil, tt.Action, id)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := f.row(t, id)
			if !out.Changed || string(out.Before) != tt.Start.Status || string(out.After) != got.Status || out.Undo != tt.WantUndo {
				t.Fatalf("%s = %+v (now %s); want changed from %s to %s, undo %s", tt.Action, out, got.Status, tt.Start.Status, got.Status, tt.WantUndo)
			}
			back, err := f.svc.Moderate(ctx, nil, out.Undo, id)
			if err != nil {
				t.Fatal(err)
			}
			got, _ = f.row(t, id)
			if (state{got.Status, got.Previous}) != tt.Start || !back.Changed || string(back.After) != tt.Start.Status {
				t.Errorf("after undo (%s = %+v): status %q, previous %q; want %q, %q", out.Undo, back, got.Status, got.Previous, tt.Start.Status, tt.Start.Previous)
			}
		})
	}
	t.Run("NoneWithoutChange", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		ctx := context.Background()
		pending := f.add(t, model.Comment{Status: model.CommentPending})
		trashed := f.add(t, model.Comment{Status: model.CommentTrash})
		for _, step := range []struct {
			action moderation.Action
			id     int64
			want   moderation.Outcome
		}{
			{"approve", pending, moderation.Outcome{Changed: true, Before: "pending", After: "approved", Undo: "unapprove"}},
			{"approve", pending, moderation.Outcome{Before: "approved", After: "approved"}},
			{"delete", pending, moderation.Outcome{Before: "approved", After: "approved"}},
			{"delete", trashed, moderation.Outcome{Changed: true, Before: "trash"}},
		} {
			if out, err := f.svc.Moderate(ctx, nil, step.action, step.id); err != nil || out != step.want {
				t.Errorf("%s %d = %+v, %v; want %+v", step.action, step.id, out, err, step.want)
			}
		}
	})
}

// Ensure a reply can be deleted only from spam or trash, that deleting one elsewhere
// reports no change and keeps it, and that the replies to a deleted reply move up to
// its parent.
func TestModerate_DeleteOnlyFromSpamOrTrash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, status := range []model.CommentStatus{model.CommentPending, model.CommentApproved} {
		id := f.add(t, model.Comment{Status: status})
		if out, err := f.svc.Moderate(ctx, nil, moderation.ActionDelete, id); err != nil || out.Changed || out.After != status {
			t.Errorf("deleting a %s reply = %+v, %v; want unchanged, still %s", status, out, err, status)
		}
		if r, ok := f.row(t, id); !ok || r.Status != string(status) {
			t.Errorf("the %s reply after delete: %+v, exists %v; want it kept as it was", status, r, ok)
		}
	}
	// Demo reply 2 answers reply 1; one more level under it.
	under := f.add(t, model.Comment{Status: model.CommentApproved, ParentID: new(int64(2))})
	for _, action := range []moderation.Action{moderation.ActionSpam, moderation.ActionDelete} {
		if out, err := f.svc.Moderate(ctx, nil, action, 2); err != nil || !out.Changed {
			t.Fatalf("%s reply 2 = %+v, %v; want changed, nil", action, out, err)
		}
	}
	if _, ok := f.row(t, 2); ok {
		t.Error("reply 2 is still there after its deletion from spam")
	}
	if r, ok := f.row(t, under); !ok || r.Parent != 1 || r.Status != "approved" {
		t.Errorf("the reply under reply 2: %+v, exists %v; want it approved under reply 1", r, ok)
	}
}

// Ensure an action on many replies changes those it applies to and counts only them:
// replies already in the target status, and IDs that do not exist, are skipped and
// left untouched, and no reply is created.
func TestModerateAll_CountsOnlyChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.add(t, model.Comment{Body: "one"})
	b := f.add(t, model.Comment{Body: "two"})
	already := f.add(t, model.Comment{Body: "three", Status: model.CommentApproved})
	untouched := f.add(t, model.Comment{Body: "not ticked"})
	alreadyBefore, _ := f.row(t, already)
	total := f.count(t, `SELECT count(*) FROM comments`)

	f.now = f.now.Add(time.Minute)
	n, err := f.svc.ModerateAll(ctx, nil, moderation.ActionApprove, []int64{a, b, already, 9999, a})
	if err != nil || n != 2 {
		t.Fatalf("ModerateAll(approve) = %d, %v; want 2, nil", n, err)
	}
	for id, want := range map[int64]string{a: "approved", b: "approved", already: "approved", untouched: "pending"} {
		if r, _ := f.row(t, id); r.Status != want {
			t.Errorf("reply %d is %q, want %q", id, r.Status, want)
		}
	}
	if r, _ := f.row(t, already); !r.UpdatedAt.Equal(alreadyBefore.UpdatedAt) {
		t.Errorf("the reply approved already has updated_at %v, want it untouched at %v", r.UpdatedAt, alreadyBefore.UpdatedAt)
	}
	if n, err := f.svc.ModerateAll(ctx, nil, moderation.ActionApprove, []int64{a, b, already}); err != nil || n != 0 {
		t.Errorf("approving approved replies again = %d, %v; want 0, nil", n, err)
	}
	if n, err := f.svc.ModerateAll(ctx, nil, moderation.ActionApprove, nil); err != nil || n != 0 {
		t.Errorf("ModerateAll with no IDs = %d, %v; want 0, nil", n, err)
	}
	if got := f.count(t, `SELECT count(*) FROM comments`); got != total {
		t.Errorf("%d replies, want %d: a missing ID must not create one", got, total)
	}
}

// Ensure deleting many replies removes those in spam or trash only, counts them, and
// keeps every other one ticked with them.
func TestModerateAll_DeleteSkipsRepliesOutsideTheBin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	spam := f.add(t, model.Comment{Status: model.CommentSpam})
	trash := f.add(t, model.Comment{Status: model.CommentTrash})
	pending := f.add(t, model.Comment{Status: model.CommentPending})
	approved := f.add(t, model.Comment{Status: model.CommentApproved})

	n, err := f.svc.ModerateAll(ctx, nil, moderation.ActionDelete, []int64{spam, pending, trash, approved, 9999})
	if err != nil || n != 2 {
		t.Fatalf("ModerateAll(delete) = %d, %v; want 2, nil", n, err)
	}
	for id, wantExists := range map[int64]bool{spam: false, trash: false, pending: true, approved: true} {
		if _, ok := f.row(t, id); ok != wantExists {
			t.Errorf("reply %d exists %v, want %v", id, ok, wantExists)
		}
	}
}
