// Package store keeps Fascicle's data in SQLite through GORM. It is the only package
// that knows about GORM; everything it returns uses the types and errors of model.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	keys    *secret.Keys  // encrypt commenters' emails; set by UseKeys
	queries *atomic.Int64 // statements run, for tests that look for N+1 queries
	// writer lets one transaction of this process write at a time. Without it,
	// concurrent writers wait in SQLite's busy handler, which sleeps in steps of up
	// to 100 ms and leaves the lock idle meanwhile; here they queue and each starts the
	// moment the previous one commits. Single statements outside Tx and Batched
	// (sessions, settings, bans) and other processes still queue on busy_timeout.
	writer chan struct{}
	batch  *batchQueue
	inTx   bool
	engine Engine
	// lockTimeout is how long a PostgreSQL transaction waits for the write lock.
	lockTimeout time.Duration

	versionStmt *preparedStmt               // see ContentVersion
	version     *versionCache               // see ContentVersion
	policy      *atomic.Pointer[policyRead] // see Policy
}

// preparedStmt is a statement prepared on first use; a failed attempt (the database
// busy, say) is tried again at the next use rather than kept.
type preparedStmt struct {
	mu   sync.Mutex // held while preparing
	stmt atomic.Pointer[sql.Stmt]
}

func (p *preparedStmt) get(db *gorm.DB) (*sql.Stmt, error) {
	if stmt := p.stmt.Load(); stmt != nil {
		return stmt, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if stmt := p.stmt.Load(); stmt != nil {
		return stmt, nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	stmt, err := sqlDB.Prepare(contentVersionQuery)
	if err != nil {
		return nil, err
	}
	p.stmt.Store(stmt)
	return stmt, nil
}

const contentVersionQuery = `SELECT version FROM content_version WHERE id = 1`

// DSN returns the connection string for the SQLite file at path with the settings
// Fascicle relies on:
//   - WAL, so readers never wait for the writer;
//   - foreign keys, so no reply outlives its article;
//   - a busy timeout, so concurrent writers queue instead of failing;
//   - _txlock=immediate, so a read-then-write transaction takes the write lock at
//     BEGIN instead of failing with SQLITE_BUSY when it tries to write;
//   - synchronous=FULL, so an acknowledged reply survives a power cut;
//   - secure_delete, so deleted personal data is overwritten, not just unlinked;
//   - a page cache of 1 MiB per connection.
func DSN(path string) string {
	return dsn(path, DefaultBusyTimeout)
}

// DefaultBusyTimeout is how long a statement waits for another connection's write
// lock before it fails with model.ErrUnavailable.
const DefaultBusyTimeout = 5 * time.Second

func dsn(path string, busyTimeout time.Duration) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "1")
	q.Set("_busy_timeout", strconv.FormatInt(busyTimeout.Milliseconds(), 10))
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "FULL")
	// Deleted and overwritten content is zeroed, so an erased or re-encrypted email
	// leaves no trace in free pages.
	q.Set("_secure_delete", "on")
	// 1 MiB of page cache per connection (SQLite's default is 2), MaxConnections of
	// them: the operating system caches the file as well.
	q.Set("_cache_size", "-1024")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// MaxConnections is how many connections to the database the store keeps.
const MaxConnections = 8

// Option changes a setting of Open.
type Option func(*openOptions)

type openOptions struct {
	busyTimeout time.Duration
}

// BusyTimeout sets how long a statement waits for another connection's write lock
// (DefaultBusyTimeout unless set). Tests of what happens when the database stays
// locked set a short one.
func BusyTimeout(d time.Duration) Option {
	return func(o *openOptions) { o.busyTimeout = d }
}

// Open opens the database at path: a PostgreSQL database when path is a postgres://
// URL (see IsPostgres), otherwise (creating it if needed) the SQLite file at path. The
// file, and the write-ahead log and shared-memory files beside it, are readable by
// their owner only (see ownerOnly).
func Open(path string, opts ...Option) (*Store, error) {
	o := openOptions{busyTimeout: DefaultBusyTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if IsPostgres(path) {
		return openPostgres(path, o)
	}
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("database folder %s: %w", dir, err)
		}
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB, err := sql.Open(driverName, dsn(path, o.busyTimeout))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db, err := gorm.Open(sqlite.New(sqlite.Config{Conn: newStatementPool(sqlDB)}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		TranslateError:         false,
	})
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// A small pool that is kept open: opening a SQLite connection parses the schema
	// and every statement must then be prepared again on it, so a pool that closes
	// connections beyond database/sql's default two idle ones re-does that work under
	// load. Eight covers two CPUs with room for requests waiting on the disk.
	sqlDB.SetMaxOpenConns(MaxConnections)
	sqlDB.SetMaxIdleConns(MaxConnections)
	if err := sqlDB.Ping(); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	st, err := newStore(db, SQLite)
	if err != nil {
		return nil, err
	}
	st.version.shmPath = path + "-shm"
	return st, nil
}

// newStore wraps an open database of engine.
func newStore(db *gorm.DB, engine Engine) (*Store, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	st := &Store{db: db, queries: new(atomic.Int64), writer: make(chan struct{}, 1), batch: new(batchQueue),
		versionStmt: new(preparedStmt), version: new(versionCache), policy: new(atomic.Pointer[policyRead]), engine: engine}
	count := func(*gorm.DB) { st.queries.Add(1) }
	for _, err := range []error{
		db.Callback().Query().After("gorm:query").Register("fascicle:count", count),
		db.Callback().Row().After("gorm:row").Register("fascicle:count", count),
		db.Callback().Raw().After("gorm:raw").Register("fascicle:count", count),
		db.Callback().Create().After("gorm:create").Register("fascicle:count", count),
		db.Callback().Update().After("gorm:update").Register("fascicle:count", count),
		db.Callback().Delete().After("gorm:delete").Register("fascicle:count", count),
	} {
		if err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	return st, nil
}

// QueryCount returns how many statements the store has run since it was opened.
func (s *Store) QueryCount() int64 {
	return s.queries.Load()
}

// Close closes the database. Nothing may use the store after it.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	err = sqlDB.Close()
	// The watch's file is closed after the connections (see walWatch), and must be:
	// it keeps the file system in use (a volume could not be unmounted).
	s.version.once.Do(func() {}) // never opened after this
	if w := s.version.watch.Swap(nil); w != nil {
		w.close()
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Tx runs fn in one transaction: everything fn does is saved together, or not at all.
// Transactions of one process run one at a time (see Store.writer).
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx {
		return s.transaction(ctx, fn)
	}
	select {
	case s.writer <- struct{}{}:
		defer func() { <-s.writer }()
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.transaction(ctx, fn)
}

// transaction runs fn in a transaction, or a savepoint inside the current one.
func (s *Store) transaction(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx {
		return s.savepoint(ctx, fn)
	}
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.engine == Postgres {
			if err := takeWriteLock(tx, s.lockTimeout); err != nil {
				return err
			}
		}
		return fn(s.with(tx))
	}))
}

// savepointSeq names savepoints.
var savepointSeq atomic.Uint64

// savepoint runs fn in a savepoint of the current transaction: what fn does is undone
// if it fails, and kept in the transaction otherwise. The savepoint is released when
// fn succeeds (GORM's nested transactions leave theirs open, and SQLite then keeps a
// record of every page changed since each, for the rest of the transaction).
func (s *Store) savepoint(ctx context.Context, fn func(tx *Store) error) (err error) {
	name := "sp" + strconv.FormatUint(savepointSeq.Add(1), 10)
	db := s.db.WithContext(ctx)
	// Written out rather than through GORM, whose SQLite driver ignores their errors.
	if err := db.Exec("SAVEPOINT " + name).Error; err != nil {
		return translate(err)
	}
	done := false
	defer func() {
		if !done || err != nil {
			if rerr := db.Exec("ROLLBACK TO " + name).Error; rerr != nil && done {
				err = fmt.Errorf("undo a part of a transaction: %w (after %w)", translate(rerr), err)
			}
		}
		if done {
			if rerr := db.Exec("RELEASE " + name).Error; rerr != nil && err == nil {
				err = translate(rerr)
			}
		}
	}()
	err = fn(s.with(db))
	done = true
	return translate(err)
}

// with returns the store working through db, a transaction of s.
func (s *Store) with(db *gorm.DB) *Store {
	return &Store{db: db, keys: s.keys, queries: s.queries, writer: s.writer, batch: s.batch, inTx: true,
		versionStmt: s.versionStmt, version: s.version, policy: s.policy, engine: s.engine, lockTimeout: s.lockTimeout}
}

// translate turns driver errors into model errors so that no caller sees GORM.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return model.ErrNotFound
	}
	if translated, ok := translatePostgres(err); ok {
		return translated
	}
	var sqliteErr sqlite3.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull:
			return fmt.Errorf("%w: %v", model.ErrUnavailable, err)
		}
	}
	if errors.As(err, &sqliteErr) && sqliteErr.Code == sqlite3.ErrConstraint {
		switch sqliteErr.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return fmt.Errorf("%w: %v", model.ErrConflict, err)
		case sqlite3.ErrConstraintForeignKey:
			return fmt.Errorf("%w: %v", model.ErrNotFound, err)
		}
	}
	return err
}

// Pragma returns the value of a SQLite setting on one of the pool's connections.
func (s *Store) Pragma(ctx context.Context, name string) (string, error) {
	if s.engine == Postgres {
		return "", errors.New("PRAGMA is SQLite's")
	}
	var value string
	err := s.db.WithContext(ctx).Raw("PRAGMA " + pragmaName(name)).Row().Scan(&value)
	return value, err
}

func pragmaName(name string) string {
	for _, r := range name {
		if (r < 'a' || r > 'z') && r != '_' {
			return "invalid_pragma_name"
		}
	}
	return name
}

// gormExpr is an SQL expression used as a value in an update.
func gormExpr(sql string, args ...any) any {
	return gorm.Expr(sql, args...)
}
