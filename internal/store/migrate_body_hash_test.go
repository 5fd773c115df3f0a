package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

// Ensure a reply saved before replies kept the hash of their text is still found as
// the original of a duplicate after the upgrade: the migration hashes every reply.
func TestMigrate_HashesEarlierReplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := storeAtVersion(t, 8)
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	st.keys = keys
	index := keys.EmailIndex("early@example.com")
	if err := st.db.Exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 'a@example.org', 'A', 'author', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.db.Exec(`INSERT INTO articles (id, slug, title, status, author_id, created_at, updated_at) VALUES (1, 'a', 'A', 'published', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.db.Exec(`INSERT INTO comments (article_id, author_name, author_email, author_email_index, body, status, created_at, updated_at)
		VALUES (1, 'Early', '', ?, 'Said before the upgrade.', 'approved', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, index).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	again := &model.Comment{ArticleID: 1, AuthorName: "Early", AuthorEmail: "early@example.com", Body: "Said before the upgrade."}
	if dup, err := st.SameReplyExists(ctx, again, model.CommentStatuses); err != nil || !dup {
		t.Errorf("the same reply again after the upgrade: duplicate %v, %v; want true", dup, err)
	}
	again.Body = "Something new."
	if dup, err := st.SameReplyExists(ctx, again, model.CommentStatuses); err != nil || dup {
		t.Errorf("a new reply after the upgrade: duplicate %v, %v; want false", dup, err)
	}
}

// Ensure the duplicate check follows a moderator's edit: the edited text is what a
// second sending must match.
func TestSameReplyExists_FollowsEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	if err := st.db.Exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 'a@example.org', 'A', 'author', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.db.Exec(`INSERT INTO articles (id, slug, title, status, author_id, created_at, updated_at) VALUES (1, 'a', 'A', 'published', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	c := &model.Comment{ArticleID: 1, AuthorName: "Reader", AuthorEmail: "reader@example.com", Body: "Firts draft.", Status: model.CommentPending}
	if err := st.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Body = "First draft."
	if err := st.UpdateComment(ctx, c, c.CreatedAt); err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]bool{"First draft.": true, "Firts draft.": false} {
		again := &model.Comment{ArticleID: 1, AuthorName: "Reader", AuthorEmail: "reader@example.com", Body: body}
		if dup, err := st.SameReplyExists(ctx, again, model.CommentStatuses); err != nil || dup != want {
			t.Errorf("%q after the edit: duplicate %v, %v; want %v", body, dup, err, want)
		}
	}
}
