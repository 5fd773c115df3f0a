package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// copyTables are the tables Copy moves, parents before the tables that refer to them.
// Left out: goose's own table, content_version and page_versions (the target keeps its
// own numbers), and what the target's triggers build from the rows copied: the
// full-text index and its words, and tag_counts.
var copyTables = []string{
	"users", "articles", "tags", "article_references", "article_tags", "article_changes", "change_requests",
	"slug_redirects", "revisions", "media", "comments", "bans", "reports", "site_keys", "site_meta", "settings",
	"sessions", "setup_tokens", "sign_in_failures", "privacy_audit", "staff_audit", "recovery_codes",
	"two_step_challenges", "two_step_resets", "events", "webhooks", "outbox", "subscriptions", "subscribers",
	"link_tokens", "import_sources", "old_addresses",
}

// copyChunk is how many rows Copy reads and writes at a time.
const copyChunk = 500

// ErrTargetNotEmpty means Copy was given a target database that holds data already.
var ErrTargetNotEmpty = errors.New("the target database is not empty: copy only into a new, empty database")

// ErrSourceBehind means the source database's schema is older than this build's.
var ErrSourceBehind = errors.New("the source database's schema is older than this fascicle: run fascicle migrate on it first")

// CopyProgress is told, for each table, how many rows Copy has written so far.
type CopyProgress func(table string, rows int)

// Copy writes every row of every table of from into to, keeping IDs, in one
// transaction on to, and moves to's ID sequences past them. to is migrated first and
// must hold no data; from must be at this build's schema version. Sealed values
// (emails, secrets) are copied as they are, so the same key reads them. Returns how
// many rows each table had.
func Copy(ctx context.Context, from, to *Store, progress CopyProgress) (map[string]int, error) {
	current, known, err := from.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if current < known {
		return nil, fmt.Errorf("%w (it is at version %d, this build at %d)", ErrSourceBehind, current, known)
	}
	if current > known {
		return nil, ErrSchemaTooNew
	}
	if err := to.Migrate(ctx); err != nil {
		return nil, err
	}
	for _, table := range copyTables {
		var n int64
		if err := to.db.WithContext(ctx).Raw(`SELECT count(*) FROM ` + quoteIdent(table)).Scan(&n).Error; err != nil {
			return nil, translate(err)
		}
		if n > 0 {
			return nil, fmt.Errorf("%w (%s has %d rows)", ErrTargetNotEmpty, table, n)
		}
	}
	counts := map[string]int{}
	err = to.Tx(ctx, func(tx *Store) error {
		for _, table := range copyTables {
			n, err := copyTable(ctx, from, tx, table, progress)
			if err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			counts[table] = n
		}
		if tx.engine != Postgres {
			return nil
		}
		var identities []string
		if err := tx.db.WithContext(ctx).Raw(`SELECT table_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'`).Scan(&identities).Error; err != nil {
			return translate(err)
		}
		for _, table := range identities {
			if err := tx.db.WithContext(ctx).Exec(`SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE((SELECT max(id) FROM `+
				quoteIdent(table)+`), 0) + 1, false)`, table).Error; err != nil {
				return translate(err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// copyTable copies one table in chunks of copyChunk rows, in the order of its first
// column (its key), and returns how many rows it copied.
func copyTable(ctx context.Context, from, to *Store, table string, progress CopyProgress) (int, error) {
	columns, err := to.columns(ctx, table)
	if err != nil {
		return 0, err
	}
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = quoteIdent(c.name)
	}
	list := strings.Join(names, ", ")
	insert := `INSERT INTO ` + quoteIdent(table) + ` (` + list + `) VALUES (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + `)`
	sqlDB, err := from.db.DB()
	if err != nil {
		return 0, err
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT `+list+` FROM `+quoteIdent(table)+` ORDER BY 1`)
	if err != nil {
		return 0, translate(err)
	}
	defer rows.Close()
	n := 0
	values := make([]any, len(columns))
	pointers := make([]any, len(columns))
	for i := range values {
		pointers[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(pointers...); err != nil {
			return n, translate(err)
		}
		for i, c := range columns {
			values[i] = c.convert(values[i])
		}
		if err := to.db.WithContext(ctx).Exec(insert, values...).Error; err != nil {
			return n, translate(err)
		}
		n++
		if progress != nil && n%copyChunk == 0 {
			progress(table, n)
		}
	}
	if err := rows.Err(); err != nil {
		return n, translate(err)
	}
	if progress != nil {
		progress(table, n)
	}
	return n, nil
}

// column is one column of a table of the target, with what its values need on the way
// in.
type column struct {
	name string
	kind string // "bool", "time", or "" for any other
}

// convert turns a value read from the source into one the target's column takes:
// SQLite's 0/1 flags into PostgreSQL's booleans and back, and times kept as text
// into times.
func (c column) convert(v any) any {
	switch c.kind {
	case "bool":
		switch x := v.(type) {
		case int64:
			return x != 0
		case bool:
			return x
		}
	case "time":
		if s, ok := v.(string); ok {
			for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
				if t, err := time.Parse(layout, s); err == nil {
					return t.UTC()
				}
			}
		}
	}
	if b, ok := v.([]byte); ok { // the driver's buffer is reused by the next row
		return append([]byte(nil), b...)
	}
	return v
}

// columns returns the columns of table in the store's database, in order.
func (s *Store) columns(ctx context.Context, table string) ([]column, error) {
	var list []column
	if s.engine == Postgres {
		var rows []struct{ Name, Type string }
		err := s.db.WithContext(ctx).Raw(`SELECT column_name AS name, data_type AS type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position`, table).
			Scan(&rows).Error
		if err != nil {
			return nil, translate(err)
		}
		for _, r := range rows {
			c := column{name: r.Name}
			switch {
			case r.Type == "boolean":
				c.kind = "bool"
			case strings.HasPrefix(r.Type, "timestamp"):
				c.kind = "time"
			}
			list = append(list, c)
		}
		return list, nil
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var typ sql.NullString
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, translate(err)
		}
		c := column{name: name}
		if t := strings.ToUpper(typ.String); t == "DATETIME" || t == "TIMESTAMP" {
			c.kind = "time"
		}
		list = append(list, c)
	}
	return list, translate(rows.Err())
}
