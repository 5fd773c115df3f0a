package store

import (
	"context"

	"github.com/fascicle/fascicle/internal/model"
)

// ExportArticles returns up to limit articles and pages, of any kind and status, with
// IDs above afterID, in ID order, with their references and tags but not their
// authors: a page of the site for an export, read on the primary key. The text is
// the article's own (what readers see once it is published), never a pending change.
func (s *Store) ExportArticles(ctx context.Context, afterID int64, limit int) ([]model.Article, error) {
	var rows []articleRow
	if err := s.db.WithContext(ctx).Where("id > ?", afterID).Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	list := make([]model.Article, len(rows))
	byID := make(map[int64]*model.Article, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		list[i] = r.model()
		byID[r.ID], ids[i] = &list[i], r.ID
	}
	var tags []struct {
		ArticleID int64
		ID        int64
		Slug      string
		Name      string
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
		 WHERE at.article_id IN ? ORDER BY at.article_id, at.position, t.name`, ids).Scan(&tags).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, t := range tags {
		a := byID[t.ArticleID]
		a.Tags = append(a.Tags, model.Tag{ID: t.ID, Slug: t.Slug, Name: t.Name})
	}
	var refs []referenceRow
	if err := s.db.WithContext(ctx).Where("article_id IN ?", ids).Order("article_id, position").Find(&refs).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range refs {
		a := byID[r.ArticleID]
		a.References = append(a.References, model.Reference{ID: r.ID, ArticleID: r.ArticleID, Position: r.Position,
			Title: r.Title, URL: r.URL, Publisher: r.Publisher, DOI: r.DOI, PMID: r.PMID})
	}
	return list, nil
}

// ExportComments returns up to limit replies to an article, in any status, with IDs
// above afterID, in ID order (so a parent always comes before its answers), with
// their emails decrypted. Returns ErrNoKeys before UseKeys.
func (s *Store) ExportComments(ctx context.Context, articleID, afterID int64, limit int) ([]model.Comment, error) {
	var rows []commentRow
	err := s.db.WithContext(ctx).Where("article_id = ? AND id > ?", articleID, afterID).Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]model.Comment, len(rows))
	for i, r := range rows {
		if list[i], err = s.commentModel(r); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// ExportAuthors returns, in ID order, the accounts that wrote an article or page or a
// staff reply, with their emails.
func (s *Store) ExportAuthors(ctx context.Context) ([]*model.User, error) {
	var rows []userRow
	err := s.db.WithContext(ctx).Where(`id IN (SELECT author_id FROM articles)
		OR id IN (SELECT user_id FROM comments WHERE user_id IS NOT NULL)`).Order("id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]*model.User, len(rows))
	for i, r := range rows {
		list[i] = r.model()
	}
	return list, nil
}

// ExportTags returns, in ID order, the tags that an article or page has.
func (s *Store) ExportTags(ctx context.Context) ([]model.Tag, error) {
	var tags []model.Tag
	err := s.db.WithContext(ctx).Raw(`SELECT id, slug, name FROM tags
		WHERE id IN (SELECT tag_id FROM article_tags) ORDER BY id`).Scan(&tags).Error
	return tags, translate(err)
}
