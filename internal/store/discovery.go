package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// TagBySlug returns the tag with the given slug, or model.ErrNotFound.
func (s *Store) TagBySlug(ctx context.Context, slug string) (*model.Tag, error) {
	var tags []model.Tag
	if err := s.db.WithContext(ctx).Raw(`SELECT id, slug, name FROM tags WHERE slug = ?`, slug).Scan(&tags).Error; err != nil {
		return nil, translate(err)
	}
	if len(tags) == 0 {
		return nil, model.ErrNotFound
	}
	return &tags[0], nil
}

// tagCountQuery reads how many published articles a tag has, as triggers keep it
// (migration 0024), no row for none: counting the tag's index entries took
// milliseconds for a tag of thousands of articles.
const tagCountQuery = `SELECT published_articles FROM tag_counts WHERE tag_id = ?`

// tagArticlesQuery lists a tag's published articles, newest first, like the home page.
// The tag entries keep their article's publication time (migration 0008), so the
// newest come in order from an index, however many articles the tag has; CROSS JOIN
// keeps that order.
const tagArticlesQuery = `
	SELECT a.id, a.slug, a.title, a.summary, u.name AS author_name, a.published_at, a.updated_at, a.comments_open,
	       (SELECT count(*) FROM comments c
	         WHERE c.article_id = a.id AND c.status = 'approved') AS reply_count
	  FROM article_tags at
	 CROSS JOIN articles a ON a.id = at.article_id
	  JOIN users u ON u.id = a.author_id
	 WHERE at.tag_id = ? AND at.published_at IS NOT NULL
	 ORDER BY at.published_at DESC, at.article_id DESC
	 LIMIT ? OFFSET ?`

// CountPublishedArticlesWithTag returns how many published articles have the tag.
func (s *Store) CountPublishedArticlesWithTag(ctx context.Context, tagID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(tagCountQuery, tagID).Scan(&n).Error
	return int(n), translate(err)
}

// PublishedArticlesWithTag returns one page of the published articles that have the
// tag, newest first, each with its number of approved replies and its tags.
func (s *Store) PublishedArticlesWithTag(ctx context.Context, tagID int64, limit, offset int) ([]model.ArticleSummary, error) {
	var rows []summaryRow
	if err := s.db.WithContext(ctx).Raw(tagArticlesQuery, tagID, limit, offset).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return s.summaries(ctx, rows)
}

// summaryRow is a line of an article list.
type summaryRow struct {
	ID           int64
	Slug         string
	Title        string
	Summary      string
	AuthorName   string
	PublishedAt  time.Time
	UpdatedAt    time.Time
	ReplyCount   int
	CommentsOpen bool
}

func (r summaryRow) model() model.ArticleSummary {
	return model.ArticleSummary{
		ID: r.ID, Slug: r.Slug, Title: r.Title, Summary: r.Summary, AuthorName: r.AuthorName,
		PublishedAt: r.PublishedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ReplyCount: r.ReplyCount,
		CommentsOpen: r.CommentsOpen,
	}
}

// summaries turns the rows of an article list into summaries with their tags.
func (s *Store) summaries(ctx context.Context, rows []summaryRow) ([]model.ArticleSummary, error) {
	list := make([]model.ArticleSummary, len(rows))
	for i, r := range rows {
		list[i] = r.model()
	}
	return list, s.fillSummaryTags(ctx, list)
}

// summaryTagsQuery reads the tags of a page of articles at once, on article_tags'
// primary key, so that a list never makes one query per article.
const summaryTagsQuery = `
	SELECT at.article_id, t.id, t.slug, t.name
	  FROM article_tags at JOIN tags t ON t.id = at.tag_id
	 WHERE at.article_id IN ?
	 ORDER BY at.article_id, at.position, t.name`

// fillSummaryTags sets the tags of every article in list with one query.
func (s *Store) fillSummaryTags(ctx context.Context, list []model.ArticleSummary) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	var rows []struct {
		ArticleID int64
		ID        int64
		Slug      string
		Name      string
	}
	if err := s.db.WithContext(ctx).Raw(summaryTagsQuery, ids).Scan(&rows).Error; err != nil {
		return translate(err)
	}
	tags := make(map[int64][]model.Tag, len(list))
	for _, r := range rows {
		tags[r.ArticleID] = append(tags[r.ArticleID], model.Tag{ID: r.ID, Slug: r.Slug, Name: r.Name})
	}
	for i := range list {
		list[i].Tags = tags[list[i].ID]
	}
	return nil
}

// SitemapEntry is a public page for the sitemap: an article or tag slug and when
// what it shows last changed.
type SitemapEntry struct {
	Slug      string
	UpdatedAt time.Time
}

// sitemapArticlesQuery lists published articles on the (status, published_at) index;
// pages have a query of their own (sitemapPagesQuery), for their own address.
const sitemapArticlesQuery = `
	SELECT slug, updated_at FROM articles WHERE status = 'published' AND kind = 'article'
	 ORDER BY published_at DESC, id DESC`

// sitemapTagsQuery lists each tag with the change times of its published articles;
// the newest is chosen in Go because SQLite's max() would return the time as text.
const sitemapTagsQuery = `
	SELECT t.slug, a.updated_at
	  FROM tags t
	  JOIN article_tags at ON at.tag_id = t.id
	  JOIN articles a ON a.id = at.article_id
	 WHERE a.status = 'published'
	 ORDER BY t.slug`

// SitemapArticles returns every published article, newest first, with when it was
// last changed.
func (s *Store) SitemapArticles(ctx context.Context) ([]SitemapEntry, error) {
	var list []SitemapEntry
	if err := s.db.WithContext(ctx).Raw(sitemapArticlesQuery).Scan(&list).Error; err != nil {
		return nil, translate(err)
	}
	for i := range list {
		list[i].UpdatedAt = list[i].UpdatedAt.UTC()
	}
	return list, nil
}

// SitemapTags returns every tag that has a published article, by slug, with when the
// newest change to one of its articles was made. Tags without a published article are
// left out: their page lists nothing.
func (s *Store) SitemapTags(ctx context.Context) ([]SitemapEntry, error) {
	var rows []SitemapEntry
	if err := s.db.WithContext(ctx).Raw(sitemapTagsQuery).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var list []SitemapEntry
	for _, r := range rows {
		r.UpdatedAt = r.UpdatedAt.UTC()
		switch last := len(list) - 1; {
		case last < 0 || list[last].Slug != r.Slug:
			list = append(list, r)
		case r.UpdatedAt.After(list[last].UpdatedAt):
			list[last].UpdatedAt = r.UpdatedAt
		}
	}
	return list, nil
}
