package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// OldAddressTarget is the article an old address leads to, as it is now.
type OldAddressTarget struct {
	ArticleID int64
	Slug      string
	Kind      model.ArticleKind
	Status    model.ArticleStatus
}

// AddOldAddress keeps address (see model.OldPathAddress) as an old address of the
// article articleID. It reports false, changing nothing, when the address leads to an
// article already: the first import to claim an address keeps it.
func (s *Store) AddOldAddress(ctx context.Context, address string, articleID int64, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`INSERT INTO old_addresses (address, article_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (address) DO NOTHING`, address, articleID, now.UTC())
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// OldAddress returns the article the old address leads to, or model.ErrNotFound.
func (s *Store) OldAddress(ctx context.Context, address string) (OldAddressTarget, error) {
	var rows []struct {
		ID     int64
		Slug   string
		Kind   string
		Status string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT a.id, a.slug, a.kind, a.status FROM old_addresses o
		JOIN articles a ON a.id = o.article_id WHERE o.address = ?`, address).Scan(&rows).Error
	if err != nil {
		return OldAddressTarget{}, translate(err)
	}
	if len(rows) == 0 {
		return OldAddressTarget{}, model.ErrNotFound
	}
	r := rows[0]
	return OldAddressTarget{ArticleID: r.ID, Slug: r.Slug, Kind: model.ArticleKind(r.Kind), Status: model.ArticleStatus(r.Status)}, nil
}
