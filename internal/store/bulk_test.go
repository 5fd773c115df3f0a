package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// commentIndexCount counts the indexes of the replies table that a bulk load may drop:
// all but its primary key.
func commentIndexCount() string {
	if storetest.OnPostgres() {
		return `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'comments' AND indexname != 'comments_pkey'`
	}
	return `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL`
}

// Ensure indexes that a killed bulk load left dropped are built again by the next
// Migrate, which every command runs at start.
func TestMigrate_RestoresIndexesOfKilledBulkLoad(t *testing.T) {
	t.Parallel()
	path := storetest.Path(t)
	st := openStore(t, path)
	db := rawDB(t, path)
	indexes := count(t, db, commentIndexCount())
	// What a bulk load's DeferIndexes commits: the note, and the indexes gone.
	for _, q := range []string{
		`INSERT INTO site_meta (name, value) VALUES ('bulk_load_deferred_indexes',
			'[{"name":"comments_parent_id","sql":"CREATE INDEX comments_parent_id ON comments (parent_id)"}]')`,
		`DROP INDEX comments_parent_id`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db, commentIndexCount()); n != indexes-1 {
		t.Fatalf("%d reply indexes before Migrate, want %d", n, indexes-1)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, commentIndexCount()); n != indexes {
		t.Errorf("%d reply indexes after Migrate, want %d", n, indexes)
	}
	if n := count(t, db, `SELECT count(*) FROM site_meta WHERE name = 'bulk_load_deferred_indexes'`); n != 0 {
		t.Error("the note of deferred indexes is still there")
	}
}

// Ensure a bulk load's connection comes with the store's keys and only once they are
// loaded, that indexes it defers are noted and dropped in its transaction and built
// again by BuildDeferredIndexes, and that Translate gives model errors for its SQL.
func TestBulkConn_DeferAndBuildIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	noKeys, err := store.Open(filepath.Join(t.TempDir(), "nokeys.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer noKeys.Close()
	if err := noKeys.BulkConn(ctx, func(*sql.Conn, *secret.Keys) error { return nil }); !errors.Is(err, store.ErrNoKeys) {
		t.Errorf("BulkConn before UseKeys: err = %v, want ErrNoKeys", err)
	}

	path := storetest.Path(t)
	st := openStore(t, path)
	db := rawDB(t, path)
	indexes := count(t, db, commentIndexCount())
	if indexes == 0 {
		t.Fatal("the replies table has no index to defer")
	}
	err = st.BulkConn(ctx, func(conn *sql.Conn, keys *secret.Keys) error {
		if keys != testKeys {
			t.Error("BulkConn does not give the store's keys")
		}
		begin := `BEGIN IMMEDIATE`
		if storetest.OnPostgres() {
			begin = `BEGIN`
		}
		if _, err := conn.ExecContext(ctx, begin); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		inTx := func(query string) int {
			var n int
			if err := conn.QueryRowContext(ctx, query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		n, err := st.DeferIndexes(ctx, conn, "comments")
		if err != nil || n != indexes {
			return fmt.Errorf("DeferIndexes = %d, %v; want %d", n, err, indexes)
		}
		if got := inTx(commentIndexCount()); got != 0 {
			t.Errorf("%d reply indexes left after DeferIndexes", got)
		}
		if n, err := st.DeferIndexes(ctx, conn, "comments"); err != nil || n != 0 {
			t.Errorf("DeferIndexes again = %d, %v; want nothing more to drop", n, err)
		}
		if got := inTx(`SELECT count(*) FROM site_meta WHERE name = 'bulk_load_deferred_indexes'`); got != 1 {
			t.Errorf("%d notes of deferred indexes, want 1", got)
		}
		if err := st.BuildDeferredIndexes(ctx, conn); err != nil {
			return err
		}
		if got := inTx(commentIndexCount()); got != indexes {
			t.Errorf("%d reply indexes after BuildDeferredIndexes, want %d", got, indexes)
		}
		if got := inTx(`SELECT count(*) FROM site_meta WHERE name = 'bulk_load_deferred_indexes'`); got != 0 {
			t.Error("the note of deferred indexes is still there")
		}
		_, err = conn.ExecContext(ctx, `INSERT INTO tags (slug, name) VALUES ('same', 'A'), ('same', 'B')`)
		if !errors.Is(store.Translate(err), model.ErrConflict) {
			t.Errorf("a duplicate slug: Translate(%v) is not ErrConflict", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, commentIndexCount()); n != indexes {
		t.Errorf("%d reply indexes after the load, want %d", n, indexes)
	}
}
