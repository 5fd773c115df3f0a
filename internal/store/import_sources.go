package store

import (
	"context"
	"time"
)

// Kinds of things an import records in import_sources.
const (
	ImportedAuthor  = "author"
	ImportedPost    = "post"
	ImportedComment = "comment"
)

// ImportedID returns the local ID of what source's thing of kind with originalID
// became, and whether it was imported at all.
func (s *Store) ImportedID(ctx context.Context, source, kind string, originalID int64) (int64, bool, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT local_id FROM import_sources
		WHERE source = ? AND kind = ? AND original_id = ?`, source, kind, originalID).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return 0, false, translate(err)
	}
	return ids[0], true, nil
}

// RecordImport notes that source's thing of kind with originalID became localID.
// Returns model.ErrConflict if it was recorded already.
func (s *Store) RecordImport(ctx context.Context, source, kind string, originalID, localID int64, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO import_sources (source, kind, original_id, local_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, source, kind, originalID, localID, now.UTC()).Error)
}

// ArticleSlugTaken reports whether slug belongs to an article or page, now or as an old
// address. Ask before saving: in a PostgreSQL transaction a refused insert ends the
// transaction.
func (s *Store) ArticleSlugTaken(ctx context.Context, slug string) (bool, error) {
	return s.slugTaken(ctx, slug, 0)
}
