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
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// Main runs the package's tests on SQLite and then again on PostgreSQL, and returns
// the exit code for os.Exit. A package calls it from TestMain. The PostgreSQL server is
// the one in PostgresEnv, or one that Main starts for the run with .ci/postgres (and
// stops after it); without PostgreSQL installed the run fails, saying how to install it.
func Main(m *testing.M) int {
	stop, err := EnsurePostgres()
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer stop()
	code := m.Run()
	fmt.Println("=== the same tests on PostgreSQL")
	engine.Store(store.Postgres)
	defer engine.Store(store.SQLite)
	if pgCode := m.Run(); pgCode != 0 {
		return pgCode
	}
	return code
}

// EnsurePostgres makes sure PostgresEnv names a server for the tests: the one it
// names already, or one started now by the repository's .ci/postgres on a free
// loopback port. stop stops a server it started.
func EnsurePostgres() (stop func(), err error) {
	if Available() {
		return func() {}, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(root, ".ci", "postgres")
	cmd := exec.Command(script, "start")
	cmd.Env = append(os.Environ(), "FASCICLE_TEST_POSTGRES_PORT="+port)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("the tests need PostgreSQL and could not start one (%v): %s\nInstall it with: apt-get install -y postgresql, or set %s to a server's URL",
			err, strings.TrimSpace(stderr.String()), PostgresEnv)
	}
	var dir string
	for _, line := range strings.Split(string(out), "\n") {
		name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			continue
		}
		value = strings.Trim(value, "'")
		switch name {
		case PostgresEnv:
			os.Setenv(PostgresEnv, value)
		case "FASCICLE_TEST_POSTGRES_DIR":
			dir = value
		}
	}
	if !Available() || dir == "" {
		return nil, fmt.Errorf("%s start printed no server: %q", script, out)
	}
	return func() {
		exec.Command(script, "stop", dir).Run()
		os.Unsetenv(PostgresEnv)
	}, nil
}

// moduleRoot returns the folder of go.mod above the test's working folder.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("storetest: no go.mod above the working folder")
		}
		dir = parent
	}
}

// freePort returns a loopback port that is free now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
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
	return newDatabase(t, "")
}

// newDatabase creates a PostgreSQL database for the test with the clause given
// (" TEMPLATE name", or none), dropped when the test ends, and returns its URL.
func newDatabase(t testing.TB, clause string) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		t.Fatalf("%s is not set: no PostgreSQL server for the test (.ci/run starts one)", PostgresEnv)
	}
	name, err := createDatabase("fascicle_test_", clause)
	if err != nil {
		t.Fatalf("create a test database on %s (is the server running? .ci/postgres starts one): %v", store.RedactURL(server), err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return withDatabase(server, name)
}

// templateCopies keeps copies of one template from running at once: PostgreSQL
// refuses a CREATE DATABASE whose template another one is reading.
var templateCopies sync.Mutex

// createDatabase creates a database named prefix and a random suffix on the server of
// PostgresEnv, and returns its name.
func createDatabase(prefix, clause string) (string, error) {
	admin, err := sql.Open("pgx", os.Getenv(PostgresEnv))
	if err != nil {
		return "", err
	}
	defer admin.Close()
	b := make([]byte, 8)
	rand.Read(b)
	name := prefix + hex.EncodeToString(b)
	if clause != "" {
		templateCopies.Lock()
		defer templateCopies.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name+clause)
	return name, err
}

// withDatabase returns the server's URL naming database name.
func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

// databaseName returns the database a PostgreSQL URL names.
func databaseName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
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

// Insert runs an INSERT of one row into a table with an id column and returns the new
// row's id (PostgreSQL's driver has no LastInsertId: the statement returns it).
func (d *DB) Insert(query string, args ...any) (int64, error) {
	if d.postgres {
		var id int64
		err := d.DB.QueryRow(d.bind(query)+" RETURNING id", args...).Scan(&id)
		return id, err
	}
	res, err := d.DB.Exec(query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
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

// Template is a database readied once per run and engine, which tests start from: a
// copy of a file, or a PostgreSQL database made with the template as its model, is
// much faster than migrating and filling a new one for each test.
type Template struct {
	prepare func(context.Context, *store.Store) error
	mu      sync.Mutex
	made    map[store.Engine]string // the template's --db value per engine
	dirs    []string
}

// NewTemplate returns a template that prepare readies (it migrates, say, and adds the
// demo content) the first time a test asks for a copy on an engine.
func NewTemplate(prepare func(context.Context, *store.Store) error) *Template {
	return &Template{prepare: prepare, made: map[store.Engine]string{}}
}

// Copy returns the --db value of a new database for the test, a copy of the template.
func (tp *Template) Copy(t testing.TB) string {
	t.Helper()
	source, err := tp.source()
	if err != nil {
		t.Fatalf("prepare the template database: %v", err)
	}
	if !OnPostgres() {
		data, err := os.ReadFile(source)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "fascicle.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return newDatabase(t, " TEMPLATE "+databaseName(source))
}

func (tp *Template) source() (string, error) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	engine := Engine()
	if path, ok := tp.made[engine]; ok {
		return path, nil
	}
	var path string
	if engine == store.Postgres {
		name, err := createDatabase("fascicle_template_", "")
		if err != nil {
			return "", err
		}
		path = withDatabase(os.Getenv(PostgresEnv), name)
	} else {
		dir, err := os.MkdirTemp("", "fascicle-test-template-")
		if err != nil {
			return "", err
		}
		tp.dirs = append(tp.dirs, dir)
		path = filepath.Join(dir, "template.db")
	}
	st, err := store.Open(path)
	if err != nil {
		return "", err
	}
	err = tp.prepare(context.Background(), st)
	// Closing the last connection moves SQLite's write-ahead log into the file, and
	// lets PostgreSQL copy the database.
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	tp.made[engine] = path
	return path, nil
}

// Remove deletes the template databases; call it after Main.
func (tp *Template) Remove() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	for _, dir := range tp.dirs {
		os.RemoveAll(dir)
	}
	if path, ok := tp.made[store.Postgres]; ok {
		if admin, err := sql.Open("pgx", os.Getenv(PostgresEnv)); err == nil {
			admin.Exec("DROP DATABASE IF EXISTS " + databaseName(path) + " WITH (FORCE)")
			admin.Close()
		}
	}
	tp.made = map[store.Engine]string{}
}

// HoldWriteLock begins a transaction on conn that holds the database's write lock (as a
// server's writer would) until the caller ends it with ROLLBACK.
func HoldWriteLock(t testing.TB, conn *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	if !OnPostgres() {
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", store.WriteLockKey); err != nil {
		t.Fatal(err)
	}
}

// RequirePostgres fails a test that needs a PostgreSQL server when none is set (Main
// and EnsurePostgres start one), saying how to get one.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if !Available() {
		t.Fatal(PostgresEnv + ` is not set; start a server for the tests with: eval "$(.ci/postgres start)"`)
	}
}
