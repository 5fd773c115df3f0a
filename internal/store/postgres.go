package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fascicle/fascicle/internal/model"
)

// ErrBackupPostgres means Backup was asked of a PostgreSQL database, which pg_dump
// backs up.
var ErrBackupPostgres = errors.New("fascicle backup copies SQLite databases; back up PostgreSQL with pg_dump, for example: pg_dump --format=custom --file=fascicle.dump DATABASE-URL")

// Engine is the database engine a store runs on.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engine returns the engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// IsPostgres reports whether a --db value names a PostgreSQL database (a postgres://
// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// RedactURL returns a database setting fit to print: a PostgreSQL URL without its
// password, or a file path as it is.
func RedactURL(db string) string {
	if !IsPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// PostgresConnections is how many connections to PostgreSQL one process keeps at most.
const PostgresConnections = 16

func openPostgres(dsn string, o openOptions) (*Store, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", RedactURL(dsn), err)
	}
	// pgx prepares and caches each statement on its connection itself, so GORM's own
	// statement cache is left off: every statement then passes through rewritingPool.
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: rewritingPool{pool}}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", RedactURL(dsn), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(PostgresConnections)
	sqlDB.SetMaxIdleConns(PostgresConnections)
	if err := sqlDB.Ping(); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", RedactURL(dsn), err)
	}
	st, err := newStore(db, Postgres)
	if err != nil {
		return nil, err
	}
	st.lockTimeout = o.busyTimeout
	return st, nil
}

// WriteLockKey names the advisory lock that write transactions take on PostgreSQL.
const WriteLockKey = 0x46617363 // "Fasc"

// takeWriteLock makes a PostgreSQL transaction wait for every other one that writes,
// in any process, until it ends: the rules that read, then write (the flood and
// duplicate checks, sign-in lock-out, the scheduler, the outbox) hold across servers
// as they do with SQLite's single writer. Reads never wait for it. Like SQLite's busy
// timeout, a wait longer than timeout fails (model.ErrUnavailable), so that a reader
// is told to try again rather than left waiting.
func takeWriteLock(tx *gorm.DB, timeout time.Duration) error {
	if err := tx.Exec(`SELECT set_config('lock_timeout', ?, true)`, strconv.FormatInt(timeout.Milliseconds(), 10)+"ms").Error; err != nil {
		return err
	}
	return tx.Exec(`SELECT pg_advisory_xact_lock(?)`, WriteLockKey).Error
}

// translatePostgres turns PostgreSQL's errors into model errors.
func translatePostgres(err error) (error, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %v", model.ErrConflict, err), true
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: %v", model.ErrNotFound, err), true
		case "40001", "40P01", "55P03", "53300", "57P01", "57P03": // serialization, deadlock, lock, too many connections, shutting down
			return fmt.Errorf("%w: %v", model.ErrUnavailable, err), true
		}
		return err, false
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return fmt.Errorf("%w: %v", model.ErrUnavailable, err), true
	}
	return err, false
}

// postgresSQL rewrites what SQLite's SQL says differently from PostgreSQL's. Queries
// are written once, for SQLite, whose query plans the tests check: its partial indexes
// say "flag = 1" (PostgreSQL's flags are BOOLEAN), and its CROSS JOIN … ON fixes the
// order of a join (PostgreSQL's planner needs no such hint, and takes no ON with it);
// its LIKE ignores the case of ASCII letters, which is PostgreSQL's ILIKE; its "IS ?"
// compares NULLs as equal, which is PostgreSQL's IS NOT DISTINCT FROM.
var postgresSQL = strings.NewReplacer(
	"profile_public = 1", "profile_public",
	"CROSS JOIN articles a ON", "JOIN articles a ON",
	"CROSS JOIN articles p ON", "JOIN articles p ON",
	" LIKE ", " ILIKE ",
	"+parent_id IS $", "parent_id IS NOT DISTINCT FROM $",
)

// rewritingPool is the connection pool GORM uses on PostgreSQL: every statement, in
// a transaction or not, goes to the database through postgresSQL.
type rewritingPool struct{ db *sql.DB }

func (p rewritingPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, postgresSQL.Replace(query))
}

func (p rewritingPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, postgresSQL.Replace(query), textArgs(args)...)
}

func (p rewritingPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, postgresSQL.Replace(query), textArgs(args)...)
}

func (p rewritingPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, postgresSQL.Replace(query), textArgs(args)...)
}

func (p rewritingPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &rewritingTx{tx}, nil
}

func (p rewritingPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

func (p rewritingPool) Ping() error { return p.db.Ping() }

// rewritingTx is a transaction of rewritingPool.
type rewritingTx struct{ *sql.Tx }

func (t *rewritingTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, postgresSQL.Replace(query))
}

func (t *rewritingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, postgresSQL.Replace(query), textArgs(args)...)
}

func (t *rewritingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, postgresSQL.Replace(query), textArgs(args)...)
}

func (t *rewritingTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, postgresSQL.Replace(query), textArgs(args)...)
}

// textArgs makes every text argument one PostgreSQL takes: its text holds no NUL and
// only valid UTF-8 (SQLite keeps any bytes). A NUL is dropped and invalid bytes become
// U+FFFD, so that a search or a lookup with them finds nothing rather than failing;
// what readers send is checked before it is saved. Bytes ([]byte) are left alone.
func textArgs(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && !utf8.ValidString(s) || ok && strings.IndexByte(s, 0) >= 0 {
			args[i] = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
		}
	}
	return args
}

// Rebind returns query, written with SQLite's placeholders (? and ?N), in the SQL of
// engine: PostgreSQL's $1, $2… For SQL run on a BulkConn connection, outside GORM,
// which rebinds its own.
func Rebind(engine Engine, query string) string {
	if engine != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	quoted := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			if j > i+1 { // ?N names its argument
				b.WriteString("$" + query[i+1:j])
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// LockForWrite takes, in the transaction open on conn, the lock that write
// transactions take on PostgreSQL (see takeWriteLock); on SQLite, BEGIN IMMEDIATE has
// taken the write lock already. For bulk loads on a BulkConn connection.
func (s *Store) LockForWrite(ctx context.Context, conn *sql.Conn) error {
	if s.engine != Postgres {
		return nil
	}
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, WriteLockKey)
	return translate(err)
}

// ResetIDs moves the identity sequences of tables past their largest ID, after rows
// were written with IDs of their own (a bulk load, a copy). SQLite needs nothing.
func (s *Store) ResetIDs(ctx context.Context, db *sql.Conn, tables ...string) error {
	if s.engine != Postgres {
		return nil
	}
	for _, table := range tables {
		if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM `+
			quoteIdent(table)+`), 0) + 1, false)`, table); err != nil {
			return translate(err)
		}
	}
	return nil
}
