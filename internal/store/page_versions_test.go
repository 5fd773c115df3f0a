package store_test

import (
	"context"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure an article's page version moves with every change to what its page is drawn
// from (rendered parts of the page are kept under it, so a change it missed would show
// a stale page), on that article's page only, and not with a held reply.
func TestPageVersion_MovesWithEveryChangeToThePage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	version := func(a *model.Article) int64 {
		t.Helper()
		var v int64
		if err := f.db.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM page_versions WHERE article_id = ?`, a.ID).Scan(&v); err != nil {
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
		t.Fatalf("a new article has page version %d, want 0", v)
	}
	var staffReply int64
	// first and second say whether each article's page version must move.
	steps := []struct {
		name          string
		first, second bool
		do            func()
	}{
		{"a held reply", false, false, func() { f.add(t, model.Comment{}) }},
		{"a reply published at once", true, false, func() { f.add(t, model.Comment{Status: model.CommentApproved}) }},
		{"a held reply approved", true, false, func() {
			id := f.add(t, model.Comment{})
			if _, err := f.st.SetCommentStatus(ctx, []int64{id}, model.CommentApproved, model.CommentPending, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"a staff reply", true, false, func() {
			staffReply = f.add(t, model.Comment{Status: model.CommentApproved, UserID: &f.staff.ID, AuthorName: f.staff.Name, AuthorEmail: "-"})
		}},
		{"a reply edited", true, false, func() {
			c := &model.Comment{ID: staffReply, AuthorName: "Mo Moderator", Body: "Edited."}
			if err := f.st.UpdateComment(ctx, c, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"a reply pinned", true, false, func() {
			parent := f.add(t, model.Comment{Status: model.CommentPending})
			exec(`UPDATE comments SET parent_id = ? WHERE id = ?`, parent, staffReply)
			if err := f.st.PinAnswer(ctx, staffReply, parent, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"the replying staff member's role", true, false, func() { exec(`UPDATE users SET role = 'editor' WHERE id = ?`, f.staff.ID) }},
		{"the replying staff member's credentials", true, false, func() { exec(`UPDATE users SET credentials = 'MD' WHERE id = ?`, f.staff.ID) }},
		{"the same credentials again", false, false, func() { exec(`UPDATE users SET credentials = 'MD' WHERE id = ?`, f.staff.ID) }},
		{"the author's name (both articles are hers)", true, true, func() { exec(`UPDATE users SET name = 'Ada A.' WHERE id = ?`, f.author.ID) }},
		{"the author's public profile", true, true, func() {
			exec(`UPDATE users SET slug = 'ada', profile_public = ? WHERE id = ?`, true, f.author.ID)
		}},
		{"the author's last sign-in", false, false, func() { exec(`UPDATE users SET last_sign_in_at = ? WHERE id = ?`, t0, f.author.ID) }},
		{"the article's title", true, false, func() { exec(`UPDATE articles SET title = 'Renamed' WHERE id = ?`, f.first.ID) }},
		{"a reviewer named", true, false, func() { exec(`UPDATE articles SET reviewer_id = ? WHERE id = ?`, f.staff.ID, f.first.ID) }},
		{"the reviewer's name", true, false, func() { exec(`UPDATE users SET name = 'Dr. Mo' WHERE id = ?`, f.staff.ID) }},
		{"a reference added", true, false, func() {
			exec(`INSERT INTO article_references (article_id, position, title, url) VALUES (?, 1, 'A study', 'https://example.org/study')`, f.first.ID)
		}},
		{"a reference changed", true, false, func() { exec(`UPDATE article_references SET title = 'The study' WHERE article_id = ?`, f.first.ID) }},
		{"a reference removed", true, false, func() { exec(`DELETE FROM article_references WHERE article_id = ?`, f.first.ID) }},
		{"a tag added", true, false, func() {
			exec(`INSERT INTO tags (slug, name) VALUES ('sleep', 'Sleep')`)
			exec(`INSERT INTO article_tags (article_id, tag_id, position) SELECT ?, id, 0 FROM tags WHERE slug = 'sleep'`, f.first.ID)
		}},
		{"the tag renamed", true, false, func() { exec(`UPDATE tags SET name = 'Sleep and rest' WHERE slug = 'sleep'`) }},
		{"the tag removed", true, false, func() { exec(`DELETE FROM article_tags WHERE article_id = ?`, f.first.ID) }},
		{"the staff member's account deleted", true, false, func() { exec(`DELETE FROM users WHERE id = ?`, f.staff.ID) }},
		{"a reply deleted", true, false, func() {
			if _, err := f.st.DeleteComments(ctx, []int64{staffReply}); err != nil {
				t.Fatal(err)
			}
		}},
		{"a reply taken down as spam", true, false, func() {
			id := f.add(t, model.Comment{Status: model.CommentApproved})
			if _, err := f.st.SetCommentStatus(ctx, []int64{id}, model.CommentSpam, model.CommentApproved, t0); err != nil {
				t.Fatal(err)
			}
		}},
		{"a reply to the other article", false, true, func() {
			f.add(t, model.Comment{ArticleID: f.second.ID, Status: model.CommentApproved})
		}},
		{"the article deleted", true, false, func() { exec(`DELETE FROM articles WHERE id = ?`, f.first.ID) }},
	}
	for _, step := range steps {
		first, second := version(f.first), version(f.second)
		step.do()
		for _, a := range []struct {
			name        string
			article     *model.Article
			before      int64
			wantsToMove bool
		}{{"its", f.first, first, step.first}, {"the other article's", f.second, second, step.second}} {
			after := version(a.article)
			if moved := after != a.before; moved != a.wantsToMove {
				t.Errorf("%s: %s page version %d, then %d; want a change: %v", step.name, a.name, a.before, after, a.wantsToMove)
			}
			if after < a.before {
				t.Errorf("%s: %s page version went back from %d to %d", step.name, a.name, a.before, after)
			}
		}
		// The article comes with the version it has now.
		got, err := f.st.PublishedArticleAlone(ctx, f.second.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if want := version(f.second); got.PageVersion != want {
			t.Errorf("%s: the article was read with page version %d, want %d", step.name, got.PageVersion, want)
		}
	}
}
