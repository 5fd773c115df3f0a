package store

import (
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

// statementPool is the connection pool GORM uses on SQLite. It keeps each query's
// statement prepared on the pool (SQLite parses a statement in longer than many of
// ours take to run), and in a transaction runs that statement on the transaction's
// connection, prepared there once.
//
// It replaces GORM's own statement cache, which prepares a statement first seen in a
// transaction on that transaction: database/sql then prepares such a statement again
// at each later use in a transaction, and keeps every copy until the transaction
// ends, so a long one (an import) grows by kilobytes of SQLite's memory per
// statement.
type statementPool struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxStatements bounds the statements kept: the queries are this program's, but a
// few are built with a varying number of placeholders. Others run unprepared.
const maxStatements = 1000

// maxTxStatements is how many statements a transaction runs prepared: database/sql
// keeps a small record of each until the transaction ends, so the statements of a
// very long transaction (an import) beyond it run unprepared instead.
const maxTxStatements = 20_000

func newStatementPool(db *sql.DB) *statementPool {
	return &statementPool{db: db, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query's statement, preparing it on first use, or nil when it runs
// unprepared: the cache is full, or preparing failed (the query then runs, and fails,
// as it is).
func (p *statementPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	s, ok := p.stmts[query]
	p.mu.RUnlock()
	if ok {
		return s
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stmts[query]; ok {
		return s
	}
	if len(p.stmts) >= maxStatements {
		return nil
	}
	s, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = s
	return s
}

func (p *statementPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *statementPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p *statementPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *statementPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

func (p *statementPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &statementTx{Tx: tx, pool: p}, nil
}

func (p *statementPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

func (p *statementPool) Ping() error { return p.db.Ping() }

// statementTx is a transaction of statementPool.
type statementTx struct {
	*sql.Tx
	pool     *statementPool
	prepared int // statements run prepared so far
}

// stmt returns query's statement on the transaction's connection, or nil to run it
// unprepared.
func (t *statementTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.prepared >= maxTxStatements {
		return nil
	}
	s := t.pool.stmt(ctx, query)
	if s == nil {
		return nil
	}
	t.prepared++
	return t.Tx.StmtContext(ctx, s)
}

func (t *statementTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *statementTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *statementTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t *statementTx) GetDBConn() (*sql.DB, error) { return t.pool.db, nil }

// quick returns ctx without its cancellation, for a statement that takes microseconds
// (a point read on an index): go-sqlite3 starts a goroutine to watch the context of
// every statement that runs with a cancellable one.
func quick(ctx context.Context) context.Context {
	return context.WithoutCancel(ctx)
}
