// Package storetest gives tests a database of their own on the engine the test run
// is for: SQLite always, and PostgreSQL too when FASCICLE_TEST_POSTGRES holds the URL
// of a server where the tests may create databases. A package whose tests use a
// database runs them on each engine through Main.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for DB
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" driver, for DB

	"github.com/fascicle/fascicle/internal/store"
)

// PostgresEnv names the variable that holds the PostgreSQL server's URL for tests.
const PostgresEnv = "FASCICLE_TEST_POSTGRES"

// engine is the engine of the run in progress.
var engine atomic.Value

func init() { engine.Store(store.SQLite) }

// Engine returns the engine the tests run on now.
func Engine() store.Engine { return engine.Load().(store.Engine) }

// OnPostgres reports whether the tests run on PostgreSQL now.
func OnPostgres() bool { return Engine() == store.Postgres }

// Main runs the package's tests on SQLite and then, when PostgresEnv is set, again on
// PostgreSQL, and returns the exit code for os.Exit. A package calls it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		return code
	}
	fmt.Println("=== the same tests on PostgreSQL")
	engine.Store(store.Postgres)
	defer engine.Store(store.SQLite)
	if pgCode := m.Run(); pgCode != 0 {
		return pgCode
	}
	return code
}

// Available reports whether a PostgreSQL server is set for the tests.
func Available() bool { return os.Getenv(PostgresEnv) != "" }

// Path returns the --db value of a new, empty database for the test on the engine of
// the run: a file in the test's temporary folder, or a new PostgreSQL database that is
// dropped when the test ends.
func Path(t testing.TB) string {
	t.Helper()
	if !OnPostgres() {
		return filepath.Join(t.TempDir(), "fascicle.db")
	}
	return NewPostgres(t)
}

// NewPostgres returns the URL of a new, empty PostgreSQL database for the test, on
// either run, dropped when the test ends. The test fails when PostgresEnv is not set:
// call it only when Available.
func NewPostgres(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		t.Fatalf("%s is not set: no PostgreSQL server for the test (.ci/run starts one)", PostgresEnv)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	b := make([]byte, 8)
	rand.Read(b)
	name := "fascicle_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create a test database on %s (is the server running? .ci/run starts one): %v", store.RedactURL(server), err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// DB is a second connection to a test's database, for checking what was really
// saved, apart from the store. Its statements take ? placeholders on both engines.
type DB struct {
	*sql.DB
	postgres bool
}

// Open opens a second connection to the database at path (from Path); it is closed
// when the test ends.
func Open(t testing.TB, path string) *DB {
	t.Helper()
	driver := "sqlite3"
	if store.IsPostgres(path) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &DB{DB: db, postgres: driver == "pgx"}
}

func (d *DB) bind(query string) string {
	if d.postgres {
		return store.Rebind(store.Postgres, query)
	}
	return query
}

// Exec runs a statement.
func (d *DB) Exec(query string, args ...any) (sql.Result, error) {
	return d.DB.Exec(d.bind(query), args...)
}

// Query runs a query.
func (d *DB) Query(query string, args ...any) (*sql.Rows, error) {
	return d.DB.Query(d.bind(query), args...)
}

// QueryRow runs a query of one row.
func (d *DB) QueryRow(query string, args ...any) *sql.Row {
	return d.DB.QueryRow(d.bind(query), args...)
}

// ExecContext runs a statement.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, d.bind(query), args...)
}

// QueryContext runs a query.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, d.bind(query), args...)
}

// QueryRowContext runs a query of one row.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, d.bind(query), args...)
}

// SQLiteOnly ends the test on the PostgreSQL run, saying why: for what only SQLite
// has (its query planner's output, PRAGMA settings, its locking).
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if OnPostgres() {
		t.Skip("SQLite only: " + why)
	}
}
