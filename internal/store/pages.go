package store

import (
	"context"
)

// FooterPage is a published page listed in the footer of every public page.
type FooterPage struct {
	Slug  string
	Title string
}

// footerPagesQuery lists the published pages that have a footer position, in that
// order, on the partial index of pages (migration 0012).
const footerPagesQuery = `
	SELECT slug, title FROM articles
	 WHERE kind = 'page' AND status = 'published' AND footer_position IS NOT NULL
	 ORDER BY footer_position, id`

// FooterPages returns the published pages listed in the footer, in the order of their
// footer positions.
func (s *Store) FooterPages(ctx context.Context) ([]FooterPage, error) {
	var list []FooterPage
	err := s.db.WithContext(ctx).Raw(footerPagesQuery).Scan(&list).Error
	return list, translate(err)
}

// sitemapPagesQuery lists the published pages on the partial index of pages.
const sitemapPagesQuery = `
	SELECT slug, updated_at FROM articles WHERE kind = 'page' AND status = 'published' ORDER BY id`

// SitemapPages returns every published page, footer or not, with when it was last
// changed.
func (s *Store) SitemapPages(ctx context.Context) ([]SitemapEntry, error) {
	var list []SitemapEntry
	if err := s.db.WithContext(ctx).Raw(sitemapPagesQuery).Scan(&list).Error; err != nil {
		return nil, translate(err)
	}
	for i := range list {
		list[i].UpdatedAt = list[i].UpdatedAt.UTC()
	}
	return list, nil
}
