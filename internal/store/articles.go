package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type articleRow struct {
	ID                  int64 `gorm:"primaryKey"`
	Slug                string
	Title               string
	Summary             string
	BodyMarkdown        string
	Status              string
	AuthorID            int64
	ReviewerName        string
	ReviewerCredentials string
	ReviewedAt          *time.Time
	PublishedAt         *time.Time
	CommentsOpen        bool
	CreatedAt           time.Time
	UpdatedAt           time.Time
	Version             int
	ScheduledAt         *time.Time
	NextReviewAt        *time.Time
	CorrectionNote      string
	CorrectedAt         *time.Time
	ReviewerID          *int64
	Kind                string
	FooterPosition      *int
}

func (articleRow) TableName() string { return "articles" }

func (r articleRow) model() model.Article {
	return model.Article{
		ID: r.ID, Slug: r.Slug, Title: r.Title, Summary: r.Summary, BodyMarkdown: r.BodyMarkdown,
		Status: model.ArticleStatus(r.Status), AuthorID: r.AuthorID,
		ReviewerName: r.ReviewerName, ReviewerCredentials: r.ReviewerCredentials,
		ReviewedAt: utcPtr(r.ReviewedAt), PublishedAt: utcPtr(r.PublishedAt),
		CommentsOpen: r.CommentsOpen, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Version: r.Version, ScheduledAt: utcPtr(r.ScheduledAt), NextReviewAt: utcPtr(r.NextReviewAt),
		CorrectionNote: r.CorrectionNote, CorrectedAt: utcPtr(r.CorrectedAt), ReviewerID: r.ReviewerID,
		Kind: model.ArticleKind(r.Kind), FooterPosition: r.FooterPosition,
	}
}

type referenceRow struct {
	ID        int64 `gorm:"primaryKey"`
	ArticleID int64
	Position  int
	Title     string
	URL       string `gorm:"column:url"`
	Publisher string
	DOI       string `gorm:"column:doi"`
	PMID      string `gorm:"column:pmid"`
}

func (referenceRow) TableName() string { return "article_references" }

// publishedArticlesQuery lists a page of published articles, newest first, on the
// (status, published_at) index, counting each one's approved replies on the
// (article_id, status, created_at) index of comments. Pages are skipped: they are
// listed in the footer, not with the articles.
const publishedArticlesQuery = `
	SELECT a.id, a.slug, a.title, a.summary, u.name AS author_name, a.published_at, a.updated_at, a.comments_open,
	       (SELECT count(*) FROM comments c
	         WHERE c.article_id = a.id AND c.status = 'approved') AS reply_count
	  FROM articles a JOIN users u ON u.id = a.author_id
	 WHERE a.status = 'published' AND a.kind = 'article'
	 ORDER BY a.published_at DESC, a.id DESC
	 LIMIT ? OFFSET ?`

// PublishedArticles returns one page of published articles, newest first, with the
// number of approved replies and the tags of each.
func (s *Store) PublishedArticles(ctx context.Context, limit, offset int) ([]model.ArticleSummary, error) {
	var rows []summaryRow
	err := s.db.WithContext(ctx).Raw(publishedArticlesQuery, limit, offset).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return s.summaries(ctx, rows)
}

// PublishedArticle returns the published article or page with the given slug, with
// its author and references. Returns model.ErrNotFound if there is none.
func (s *Store) PublishedArticle(ctx context.Context, slug string) (*model.Article, error) {
	a, err := s.PublishedArticleAlone(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := s.FillArticle(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// PublishedArticleAlone is PublishedArticle without the author, references and tags,
// for a caller that needs only the article's own fields, such as a new reply's
// checks; FillArticle adds the rest. The article comes with its PageVersion.
// It reads the row without reflection, as it runs for every article page and reply.
func (s *Store) PublishedArticleAlone(ctx context.Context, slug string) (*model.Article, error) {
	var r articleRow
	var pageVersion int64
	err := s.db.WithContext(quick(ctx)).Raw(publishedArticleQuery, slug, model.ArticlePublished).Row().Scan(
		&r.ID, &r.Slug, &r.Title, &r.Summary, &r.BodyMarkdown, &r.Status, &r.AuthorID, &r.ReviewerName,
		&r.ReviewerCredentials, &r.ReviewedAt, &r.PublishedAt, &r.CommentsOpen, &r.CreatedAt, &r.UpdatedAt,
		&r.Version, &r.ScheduledAt, &r.NextReviewAt, &r.CorrectionNote, &r.CorrectedAt, &r.ReviewerID, &r.Kind,
		&r.FooterPosition, &pageVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, model.ErrNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	a := r.model()
	a.PageVersion = pageVersion
	return &a, nil
}

// publishedArticleQuery reads the published article at a slug, on the unique index of
// slugs, with its page version (see migration 0023): the query of
// PublishedArticleAlone, which runs for every article page and every new reply.
const publishedArticleQuery = `SELECT id, slug, title, summary, body_markdown, status, author_id, reviewer_name,
	       reviewer_credentials, reviewed_at, published_at, comments_open, created_at, updated_at,
	       version, scheduled_at, next_review_at, correction_note, corrected_at, reviewer_id, kind,
	       footer_position, COALESCE((SELECT version FROM page_versions WHERE article_id = articles.id), 0)
	  FROM articles WHERE slug = ? AND status = ?`

// FillArticle reads an article's author and reviewer (their public columns: no
// email), references and tags.
func (s *Store) FillArticle(ctx context.Context, a *model.Article) error {
	err := s.fillArticlePeople(ctx, a)
	if err != nil {
		return err
	}
	if a.References, err = s.References(ctx, a.ID); err != nil {
		return err
	}
	a.Tags, err = s.ArticleTags(ctx, a.ID)
	return err
}

// referencesQuery reads an article's references in order, on the unique
// (article_id, position) index of article_references.
const referencesQuery = `SELECT id, position, title, url, publisher, doi, pmid
	  FROM article_references WHERE article_id = ? ORDER BY position`

// References returns an article's references in order.
// It reads the rows without reflection, as it runs on every rendered article page.
func (s *Store) References(ctx context.Context, articleID int64) ([]model.Reference, error) {
	rows, err := s.db.WithContext(quick(ctx)).Raw(referencesQuery, articleID).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	refs := []model.Reference{}
	for rows.Next() {
		r := model.Reference{ArticleID: articleID}
		if err := rows.Scan(&r.ID, &r.Position, &r.Title, &r.URL, &r.Publisher, &r.DOI, &r.PMID); err != nil {
			return nil, translate(err)
		}
		refs = append(refs, r)
	}
	return refs, translate(rows.Err())
}

// CreateArticle saves a new article and its references, numbering the references in
// the order given, with a first revision. Returns model.ErrConflict if the slug is taken.
func (s *Store) CreateArticle(ctx context.Context, a *model.Article) error {
	return s.createArticle(ctx, a, nil, "Created")
}

// createArticle saves a new article, its references and tags, and its first revision,
// written by userID (nil for none).
func (s *Store) createArticle(ctx context.Context, a *model.Article, userID *int64, note string) error {
	now := time.Now().UTC()
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	if a.Kind == "" {
		a.Kind = model.KindArticle
	}
	row := articleRow{
		Slug: a.Slug, Title: a.Title, Summary: a.Summary, BodyMarkdown: a.BodyMarkdown,
		Status: string(a.Status), AuthorID: a.AuthorID,
		ReviewerName: a.ReviewerName, ReviewerCredentials: a.ReviewerCredentials,
		ReviewedAt: utcPtr(a.ReviewedAt), PublishedAt: utcPtr(a.PublishedAt),
		CommentsOpen: a.CommentsOpen, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
		Version: 1, ScheduledAt: utcPtr(a.ScheduledAt), NextReviewAt: utcPtr(a.NextReviewAt),
		CorrectionNote: a.CorrectionNote, CorrectedAt: utcPtr(a.CorrectedAt), ReviewerID: a.ReviewerID,
		Kind: string(a.Kind), FooterPosition: a.FooterPosition,
	}
	a.Version = 1
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.Create(&row).Error; err != nil {
			return translate(err)
		}
		a.ID = row.ID
		if err := tx.insertReferences(ctx, a); err != nil {
			return err
		}
		if err := tx.setArticleTags(ctx, a.ID, a.Tags); err != nil {
			return err
		}
		return tx.addRevision(ctx, a, userID, note, a.UpdatedAt.UTC())
	})
}

// insertReferences saves an article's references, numbered in the order given.
func (s *Store) insertReferences(ctx context.Context, a *model.Article) error {
	for i := range a.References {
		ref := &a.References[i]
		ref.ArticleID, ref.Position = a.ID, i+1
		r := referenceRow{ArticleID: a.ID, Position: ref.Position, Title: ref.Title, URL: ref.URL, Publisher: ref.Publisher, DOI: ref.DOI, PMID: ref.PMID}
		if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
			return translate(err)
		}
		ref.ID = r.ID
	}
	return nil
}

// CountArticles returns how many articles exist in any status.
func (s *Store) CountArticles(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&articleRow{}).Count(&n).Error
	return int(n), translate(err)
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// SetRepliesOpen opens or closes an article to new replies. Returns model.ErrNotFound
// if there is no such article.
func (s *Store) SetRepliesOpen(ctx context.Context, articleID int64, open bool) error {
	res := s.db.WithContext(ctx).Model(&articleRow{}).Where("id = ?", articleID).Update("comments_open", open)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	return nil
}
