package store

import (
	"context"
	"database/sql"
	"errors"
)

// ThreadVersion returns a number that changes with anything an article's thread of
// approved replies is drawn from: the replies themselves and the role and credentials
// of the staff who signed them (database triggers keep it, in the same transaction as
// the change; see migration 0023). It is 0 for an article whose thread never changed.
// A thread read after its version is never older than that version.
func (s *Store) ThreadVersion(ctx context.Context, articleID int64) (int64, error) {
	var v int64
	err := s.db.WithContext(quick(ctx)).
		Raw(`SELECT version FROM thread_versions WHERE article_id = ?`, articleID).Row().Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, translate(err)
}
