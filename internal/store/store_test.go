package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// testKeys encrypt the emails of the tests' replies.
var testKeys, _ = secret.New([]byte("0123456789abcdef0123456789abcdef"))

// openStore opens the database at path, brings its schema up to date and loads the
// email keys, as the program does at start.
func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(context.Background(), testKeys); err != nil {
		t.Fatal(err)
	}
	return st
}

func rawDB(t *testing.T, path string) *storetest.DB {
	t.Helper()
	return storetest.Open(t, path)
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}

func count(t *testing.T, db *storetest.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Ensure migrations apply to an empty database and the demo content is added once,
// never again: not on a second start, and not after every article is deleted.
func TestMigrate_DemoContentOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	for start := 1; start <= 2; start++ {
		st := openStore(t, path)
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
		if err := demo.Install(ctx, st); err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
		st.Close()
	}
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM articles WHERE kind = 'article'`); n != 1 {
		t.Errorf("articles = %d, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM articles WHERE kind = 'page' AND status = 'published' AND footer_position IS NOT NULL`); n != 2 {
		t.Errorf("pages in the footer = %d, want 2 (About, Editorial policy)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM comments WHERE status = 'approved'`); n != 3 {
		t.Errorf("approved replies = %d, want 3", n)
	}
	if n := count(t, db, `SELECT count(*) FROM comments WHERE parent_id IS NOT NULL`); n != 1 {
		t.Errorf("replies to replies = %d, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM article_references WHERE article_id = 1`); n != 7 {
		t.Errorf("references = %d, want 7", n)
	}
	if n := count(t, db, `SELECT count(DISTINCT url) FROM article_references`); n != 7 {
		t.Errorf("distinct reference URLs = %d, want 7: the demo must not repeat a source", n)
	}

	if _, err := db.Exec(`DELETE FROM articles`); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, path)
	if err := demo.Install(ctx, st); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM articles`); n != 0 {
		t.Errorf("demo content came back after it was deleted: %d articles", n)
	}
}

// Ensure the connection uses WAL, foreign keys, a busy timeout and full sync.
func TestOpen_Pragmas(t *testing.T) {
	storetest.SQLiteOnly(t, "PRAGMA settings")
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, storetest.Path(t))
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "2", "secure_delete": "1", "cache_size": "-1024"}
	for pragma, value := range want {
		got, err := st.Pragma(ctx, pragma)
		if err != nil {
			t.Fatal(err)
		}
		if got != value {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, value)
		}
	}
	// Foreign keys are enforced: a reply to a missing article is refused.
	err := st.CreateComment(ctx, &model.Comment{ArticleID: 999, AuthorName: "A", AuthorEmail: "a@example.com", Body: "x", Status: model.CommentPending})
	if !errors.Is(err, model.ErrNotFound) {
		t.Errorf("reply to a missing article: err = %v, want ErrNotFound", err)
	}
}

// Ensure BusyTimeout sets how long the store's connections wait for a lock, and that a
// write still waiting for another connection's lock then fails with ErrUnavailable.
func TestOpen_BusyTimeout(t *testing.T) {
	storetest.SQLiteOnly(t, "its busy timeout")
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	openStore(t, path) // migrated
	st, err := store.Open(path, store.BusyTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.Pragma(ctx, "busy_timeout"); err != nil || got != "100" {
		t.Fatalf("PRAGMA busy_timeout = %q, %v; want 100", got, err)
	}
	other, err := sql.Open("sqlite3", store.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	err = st.SavePolicy(ctx, model.DefaultPolicy())
	if !errors.Is(err, model.ErrUnavailable) {
		t.Errorf("a write while another connection holds the lock: err = %v, want ErrUnavailable", err)
	}
}

// Ensure the server refuses a database migrated by a newer Fascicle.
func TestMigrate_RefusesNewerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, known, err := st.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, TRUE)`, known+1); err != nil {
		t.Fatal(err)
	}
	err = st.Migrate(ctx)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Migrate on a newer schema: err = %v, want ErrSchemaTooNew", err)
	}
}

// Ensure a backup is a consistent, complete copy that refuses to overwrite a file.
func TestBackup(t *testing.T) {
	storetest.SQLiteOnly(t, "fascicle backup copies SQLite files; PostgreSQL uses pg_dump")
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "fascicle.db"))
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Install(ctx, st); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := st.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, backup)
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	if n := count(t, db, `SELECT count(*) FROM comments`); n != 3 {
		t.Errorf("backup has %d replies, want 3", n)
	}
	if err := st.Backup(ctx, backup); err == nil {
		t.Error("a second backup overwrote the first")
	}
}
