package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fascicle/fascicle/internal/secret"
)

// BulkConn runs fn on one connection of the pool, kept for fn alone, with the keys
// that encrypt commenters' emails. It exists for bulk loads that bypass GORM and
// manage their own transactions in SQL ("fascicle seed", in internal/seed); all else
// goes through the store's methods. fn must leave no transaction open on conn. Pass
// errors from conn through Translate. Returns ErrNoKeys before UseKeys.
func (s *Store) BulkConn(ctx context.Context, fn func(conn *sql.Conn, keys *secret.Keys) error) error {
	keys, err := s.emailKeys()
	if err != nil {
		return err
	}
	db, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	return fn(conn, keys)
}

// Translate turns an error of the database driver into the model error it stands for
// (model.ErrConflict, model.ErrNotFound or model.ErrUnavailable, wrapping the
// driver's message), or returns it unchanged: for SQL run on a BulkConn connection.
func Translate(err error) error {
	return translate(err)
}

// deferredIndexesMeta names the note, in site_meta, of the indexes a bulk load dropped
// and has not built again yet.
const deferredIndexesMeta = "bulk_load_deferred_indexes"

// deferredIndex is an index dropped for a bulk load, with the SQL that creates it.
type deferredIndex struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

// DeferIndexes drops the indexes of table until the bulk load ends, on conn (from
// BulkConn) in its open transaction, and returns how many it dropped. They are added
// first to a note in site_meta, so that BuildDeferredIndexes builds them again at the
// end of the load, or the next Migrate if the load is killed once the drop is
// committed. The primary key and unique constraints are kept.
func (s *Store) DeferIndexes(ctx context.Context, conn *sql.Conn, table string) (int, error) {
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`
	if s.engine == Postgres {
		query = `SELECT indexname, indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename = $1
			  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)
			ORDER BY indexname`
	}
	rows, err := conn.QueryContext(ctx, query, table)
	if err != nil {
		return 0, translate(err)
	}
	var list []deferredIndex
	for rows.Next() {
		var d deferredIndex
		if err := rows.Scan(&d.Name, &d.SQL); err != nil {
			rows.Close()
			return 0, translate(err)
		}
		list = append(list, d)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, translate(err)
	}
	if len(list) == 0 {
		return 0, nil
	}
	noted, err := s.deferredIndexes(ctx, conn)
	if err != nil {
		return 0, err
	}
	note, err := json.Marshal(append(noted, list...))
	if err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, Rebind(s.engine, `INSERT INTO site_meta (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`), deferredIndexesMeta, string(note)); err != nil {
		return 0, translate(err)
	}
	for _, d := range list {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+quoteIdent(d.Name)); err != nil {
			return 0, translate(err)
		}
	}
	return len(list), nil
}

// BuildDeferredIndexes builds the indexes DeferIndexes dropped, on conn (from
// BulkConn) in its open transaction, and deletes the note about them.
func (s *Store) BuildDeferredIndexes(ctx context.Context, conn *sql.Conn) error {
	list, err := s.deferredIndexes(ctx, conn)
	if err != nil || len(list) == 0 {
		return err
	}
	return s.buildIndexes(ctx, conn, list)
}

// RestoreDeferredIndexes builds, in a transaction of its own, the indexes that a bulk
// load dropped and did not build again because it failed or was killed. Migrate calls
// it.
func (s *Store) RestoreDeferredIndexes(ctx context.Context) error {
	db, err := s.db.DB()
	if err != nil {
		return err
	}
	list, err := s.deferredIndexes(ctx, db)
	if err != nil || len(list) == 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := s.buildIndexes(ctx, tx, list); err != nil {
		tx.Rollback()
		return err
	}
	return translate(tx.Commit())
}

// execer is a connection, a transaction or a pool.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// deferredIndexes reads the note of the indexes a bulk load dropped (none without a
// note).
func (s *Store) deferredIndexes(ctx context.Context, db execer) ([]deferredIndex, error) {
	var note string
	err := db.QueryRowContext(ctx, Rebind(s.engine, `SELECT value FROM site_meta WHERE name = ?`), deferredIndexesMeta).Scan(&note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, translate(err)
	}
	var list []deferredIndex
	if err := json.Unmarshal([]byte(note), &list); err != nil {
		return nil, fmt.Errorf("read the note of indexes to rebuild: %w", err)
	}
	return list, nil
}

// buildIndexes creates the indexes in list that do not exist and deletes the note.
func (s *Store) buildIndexes(ctx context.Context, db execer, list []deferredIndex) error {
	existsQuery := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?)`
	if s.engine == Postgres {
		existsQuery = `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1)`
	}
	for _, d := range list {
		var exists bool
		if err := db.QueryRowContext(ctx, existsQuery, d.Name).Scan(&exists); err != nil {
			return translate(err)
		}
		if exists {
			continue
		}
		if _, err := db.ExecContext(ctx, d.SQL); err != nil {
			return fmt.Errorf("build index %s: %w", d.Name, translate(err))
		}
	}
	_, err := db.ExecContext(ctx, Rebind(s.engine, `DELETE FROM site_meta WHERE name = ?`), deferredIndexesMeta)
	return translate(err)
}

// quoteIdent quotes an SQL name.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
