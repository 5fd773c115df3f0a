package store_test

import (
	"context"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure an article's thread version moves with every change to what its thread of
// approved replies is drawn from (a rendered thread is kept under it, so a change it
// missed would show a stale thread), and only with those: a held reply, another
// article's replies and a staff member's new name leave it.
func TestThreadVersion_MovesWithEveryChangeToTheThread(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	version := func(a *model.Article) int64 {
		t.Helper()
		v, err := f.st.ThreadVersion(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := f.db.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if v := version(f.first); v != 0 {
		t.Fatalf("an article without replies has thread version %d, want 0", v)
	}
	var staffReply int64
	steps := []struct {
		name  string
		moves bool
		do    func()
	}{
		{"a held reply", false, func() { f.add(t, model.Comment{}) }},
		{"a reply published at once", true, func() { f.add(t, model.Comment{Status: model.CommentApproved}) }},
		{"a held reply approved", true, func() {
			id := f.add(t, model.Comment{})
			if _, err := f.st.SetCommentStatus(ctx, []int64{id}, model.CommentApproved, model.CommentPending, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"a staff reply", true, func() {
			staffReply = f.add(t, model.Comment{Status: model.CommentApproved, UserID: &f.staff.ID, AuthorName: f.staff.Name, AuthorEmail: "-"})
		}},
		{"a reply edited", true, func() {
			c := &model.Comment{ID: staffReply, AuthorName: "Mo Moderator", Body: "Edited."}
			if err := f.st.UpdateComment(ctx, c, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"a reply pinned", true, func() {
			parent := f.add(t, model.Comment{Status: model.CommentPending})
			exec(`UPDATE comments SET parent_id = ? WHERE id = ?`, parent, staffReply)
			if err := f.st.PinAnswer(ctx, staffReply, parent, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"the staff member's role", true, func() { exec(`UPDATE users SET role = 'editor' WHERE id = ?`, f.staff.ID) }},
		{"the staff member's credentials", true, func() { exec(`UPDATE users SET credentials = 'MD' WHERE id = ?`, f.staff.ID) }},
		{"the same credentials again", false, func() { exec(`UPDATE users SET credentials = 'MD' WHERE id = ?`, f.staff.ID) }},
		{"the staff member's name (replies keep the name they were sent with)", false, func() {
			exec(`UPDATE users SET name = 'Mo M.' WHERE id = ?`, f.staff.ID)
		}},
		{"the staff member's account deleted", true, func() { exec(`DELETE FROM users WHERE id = ?`, f.staff.ID) }},
		{"a reply deleted", true, func() {
			if _, err := f.st.DeleteComments(ctx, []int64{staffReply}); err != nil {
				t.Fatal(err)
			}
		}},
		{"a reply spammed", true, func() {
			id := f.add(t, model.Comment{Status: model.CommentApproved})
			if _, err := f.st.SetCommentStatus(ctx, []int64{id}, model.CommentSpam, model.CommentApproved, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"the article deleted", true, func() { exec(`DELETE FROM articles WHERE id = ?`, f.first.ID) }},
	}
	for _, step := range steps {
		before, other := version(f.first), version(f.second)
		step.do()
		after := version(f.first)
		if moved := after != before; moved != step.moves {
			t.Errorf("%s: thread version %d, then %d; want a change: %v", step.name, before, after, step.moves)
		}
		if after < before {
			t.Errorf("%s: thread version went back from %d to %d", step.name, before, after)
		}
		if v := version(f.second); v != other {
			t.Errorf("%s: the other article's thread version moved from %d to %d", step.name, other, v)
		}
	}
}
