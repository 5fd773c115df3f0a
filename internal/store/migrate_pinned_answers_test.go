package store

import (
	"context"
	"testing"
)

// Ensure the upgrade that adds pinned answers leaves every reply unpinned and the
// content version where it was, and that going back down removes the column.
func TestMigrate_PinnedAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, p := storeAtVersion(t, 17)
	exec := func(query string, args ...any) {
		t.Helper()
		if err := st.db.Exec(query, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
		VALUES (1, 'ana@staff.example', 'Ana Author', 'author', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(`INSERT INTO articles (id, slug, title, status, author_id, created_at, updated_at)
		VALUES (1, 'a', 'A', 'published', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(`INSERT INTO comments (id, article_id, author_name, author_email, body, status, created_at, updated_at)
		VALUES (1, 1, 'Reader', '', 'Text.', 'approved', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	version := func() int64 {
		t.Helper()
		var v int64
		if err := st.db.Raw(`SELECT version FROM content_version`).Row().Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := version()
	if _, err := p.UpTo(ctx, 19); err != nil {
		t.Fatal(err)
	}
	var pinned int
	if err := st.db.Raw(`SELECT count(*) FROM comments WHERE pinned_at IS NOT NULL`).Row().Scan(&pinned); err != nil {
		t.Fatal(err)
	}
	if pinned != 0 || version() != before {
		t.Errorf("after the upgrade: %d pinned, content version %d; want 0 pinned and version %d", pinned, version(), before)
	}
	if _, err := p.DownTo(ctx, 17); err != nil {
		t.Fatal(err)
	}
	if err := st.db.Exec(`SELECT pinned_at FROM comments`).Error; err == nil {
		t.Error("the column pinned_at is still there after going back down")
	}
}
