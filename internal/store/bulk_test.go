package store_test

import (
	"context"
	"path/filepath"
	"testing"
)

const commentIndexCount = `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL`

// Ensure indexes that a killed bulk load left dropped are built again by the next
// Migrate, which every command runs at start.
func TestMigrate_RestoresIndexesOfKilledBulkLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulk.db")
	st := openStore(t, path)
	db := rawDB(t, path)
	indexes := count(t, db, commentIndexCount)
	// What DeferReplyIndexes commits: the note, and the indexes gone.
	for _, q := range []string{
		`INSERT INTO site_meta (name, value) VALUES ('bulk_load_deferred_indexes',
			'[{"name":"comments_parent_id","sql":"CREATE INDEX comments_parent_id ON comments (parent_id)"}]')`,
		`DROP INDEX comments_parent_id`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db, commentIndexCount); n != indexes-1 {
		t.Fatalf("%d reply indexes before Migrate, want %d", n, indexes-1)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, commentIndexCount); n != indexes {
		t.Errorf("%d reply indexes after Migrate, want %d", n, indexes)
	}
	if n := count(t, db, `SELECT count(*) FROM site_meta WHERE name = 'bulk_load_deferred_indexes'`); n != 0 {
		t.Error("the note of deferred indexes is still there")
	}
}
