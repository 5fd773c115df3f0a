package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// ArticleTags returns an article's tags in order.
func (s *Store) ArticleTags(ctx context.Context, articleID int64) ([]model.Tag, error) {
	rows, err := s.db.WithContext(quick(ctx)).Raw(articleTagsQuery, articleID).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var tags []model.Tag
	for rows.Next() {
		var t model.Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return nil, translate(err)
		}
		tags = append(tags, t)
	}
	return tags, translate(rows.Err())
}

// articleTagsQuery reads an article's tags in their order. ArticleTags reads its rows
// without reflection, as it runs on every rendered article page.
const articleTagsQuery = `SELECT t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
	 WHERE at.article_id = ? ORDER BY at.position, t.name`

// setArticleTags replaces an article's tags, creating tags that do not exist yet.
func (s *Store) setArticleTags(ctx context.Context, articleID int64, tags []model.Tag) error {
	db := s.db.WithContext(ctx)
	if err := db.Exec(`DELETE FROM article_tags WHERE article_id = ?`, articleID).Error; err != nil {
		return translate(err)
	}
	for i, t := range tags {
		if err := db.Exec(`INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING`, t.Slug, t.Name).Error; err != nil {
			return translate(err)
		}
		if err := db.Exec(`INSERT INTO article_tags (article_id, tag_id, position)
			SELECT ?, id, ? FROM tags WHERE slug = ? ON CONFLICT DO NOTHING`, articleID, i, t.Slug).Error; err != nil {
			return translate(err)
		}
	}
	return nil
}

// Article returns the article with the given ID in any status, with its author,
// references and tags, and what staff work on beside it (its pending change and a
// reviewer's change request), or model.ErrNotFound. Public pages read the published
// article alone, never this.
func (s *Store) Article(ctx context.Context, id int64) (*model.Article, error) {
	var row articleRow
	if err := s.db.WithContext(ctx).Take(&row, id).Error; err != nil {
		return nil, translate(err)
	}
	a := row.model()
	if err := s.FillArticle(ctx, &a); err != nil {
		return nil, err
	}
	if err := s.fillWork(ctx, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// ArticleStatusBySlug returns the ID, status and kind of the article at slug, in any
// status, or model.ErrNotFound.
func (s *Store) ArticleStatusBySlug(ctx context.Context, slug string) (int64, model.ArticleStatus, model.ArticleKind, error) {
	var row articleRow
	err := s.db.WithContext(ctx).Select("id", "status", "kind").Where("slug = ?", slug).Take(&row).Error
	if err != nil {
		return 0, "", "", translate(err)
	}
	return row.ID, model.ArticleStatus(row.Status), model.ArticleKind(row.Kind), nil
}

// RedirectSlug returns the current slug of the article that used to live at oldSlug,
// or model.ErrNotFound.
func (s *Store) RedirectSlug(ctx context.Context, oldSlug string) (string, error) {
	var slugs []string
	err := s.db.WithContext(ctx).Raw(`SELECT a.slug FROM slug_redirects r JOIN articles a ON a.id = r.article_id
		WHERE r.old_slug = ?`, oldSlug).Scan(&slugs).Error
	if err != nil {
		return "", translate(err)
	}
	if len(slugs) == 0 {
		return "", model.ErrNotFound
	}
	return slugs[0], nil
}

// slugTaken reports whether slug belongs to another article, now or as an old address.
func (s *Store) slugTaken(ctx context.Context, slug string, articleID int64) (bool, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT id FROM articles WHERE slug = ? AND id != ?
		UNION ALL SELECT article_id FROM slug_redirects WHERE old_slug = ? AND article_id != ?`,
		slug, articleID, slug, articleID).Scan(&ids).Error
	return len(ids) > 0, translate(err)
}

// SaveArticle creates (ID 0) or updates an article with its references and tags, and
// keeps a revision. It writes every field a holds, status and review included, so a
// caller changes an article it read. An update must name the version it was made
// from: if the article changed since, it returns model.ErrStaleVersion and saves
// nothing. A slug in use by another article returns model.ErrSlugTaken. A changed
// slug keeps the old address working as a redirect. On success a.Version is the new
// version. It checks no publishing rule: callers go through publishing.Service.
func (s *Store) SaveArticle(ctx context.Context, a *model.Article, userID *int64, note string, now time.Time) error {
	now = now.UTC()
	return s.Tx(ctx, func(tx *Store) error {
		if taken, err := tx.slugTaken(ctx, a.Slug, a.ID); err != nil || taken {
			return errors.Join(err, model.ErrSlugTaken)
		}
		if a.ID == 0 {
			a.CreatedAt, a.UpdatedAt = now, now
			return tx.createArticle(ctx, a, userID, note)
		}
		a.UpdatedAt = now
		if err := tx.updateArticle(ctx, a); err != nil {
			return err
		}
		return tx.addRevision(ctx, a, userID, note, now)
	})
}

// updateArticle writes stored article a over the row at a.Version, with its
// references and tags, and moves it to the next version; a changed slug leaves a
// redirect behind. Returns model.ErrStaleVersion if the row is at another version.
func (s *Store) updateArticle(ctx context.Context, a *model.Article) error {
	db := s.db.WithContext(ctx)
	var old articleRow
	if err := db.Select("id", "slug", "version", "kind").Take(&old, a.ID).Error; err != nil {
		return translate(err)
	}
	if old.Version != a.Version {
		return model.ErrStaleVersion
	}
	res := db.Model(&articleRow{}).Where("id = ? AND version = ?", a.ID, a.Version).Updates(map[string]any{
		"slug": a.Slug, "title": a.Title, "summary": a.Summary, "body_markdown": a.BodyMarkdown,
		"status": string(a.Status), "comments_open": a.CommentsOpen,
		"correction_note": a.CorrectionNote, "corrected_at": utcPtr(a.CorrectedAt),
		"reviewer_id": a.ReviewerID, "reviewer_name": a.ReviewerName, "reviewer_credentials": a.ReviewerCredentials,
		"reviewed_at": utcPtr(a.ReviewedAt), "next_review_at": utcPtr(a.NextReviewAt),
		"scheduled_at": utcPtr(a.ScheduledAt), "published_at": utcPtr(a.PublishedAt),
		"footer_position": a.FooterPosition, "updated_at": a.UpdatedAt.UTC(), "version": a.Version + 1,
	})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return model.ErrStaleVersion
	}
	a.Version++
	a.Kind = model.ArticleKind(old.Kind) // an article stays an article, a page a page
	if old.Slug != a.Slug {
		if err := db.Exec(`DELETE FROM slug_redirects WHERE old_slug = ?`, a.Slug).Error; err != nil {
			return translate(err)
		}
		if err := db.Exec(`INSERT INTO slug_redirects (old_slug, article_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id`, old.Slug, a.ID, a.UpdatedAt.UTC()).Error; err != nil {
			return translate(err)
		}
	}
	if err := db.Exec(`DELETE FROM article_references WHERE article_id = ?`, a.ID).Error; err != nil {
		return translate(err)
	}
	if err := s.insertReferences(ctx, a); err != nil {
		return err
	}
	return s.setArticleTags(ctx, a.ID, a.Tags)
}

// ChangeStatus moves an article to a new status, checking the version like
// SaveArticle, and keeps a revision. Publishing sets the publication date the first
// time; scheduling sets when the article goes out. It publishes whatever it is asked
// to: the workflow and the review gate are publishing.Service's.
func (s *Store) ChangeStatus(ctx context.Context, id int64, version int, to model.ArticleStatus, scheduledAt *time.Time, userID *int64, note string, now time.Time) (*model.Article, error) {
	updates := map[string]any{"status": to, "scheduled_at": utcPtr(scheduledAt)}
	if to == model.ArticlePublished {
		updates["published_at"] = gormExpr("COALESCE(published_at, ?)", now.UTC())
	}
	return s.updateVersioned(ctx, id, version, updates, userID, note, now)
}

// RecordReview notes that reviewer medically reviewed the article at now, with the next
// review due at next. Who may review is publishing.Service's rule.
func (s *Store) RecordReview(ctx context.Context, id int64, version int, reviewer *model.User, now, next time.Time) (*model.Article, error) {
	return s.updateVersioned(ctx, id, version, map[string]any{
		"reviewer_name": reviewer.Name, "reviewer_credentials": reviewer.Credentials, "reviewer_id": reviewer.ID,
		"reviewed_at": now.UTC(), "next_review_at": next.UTC(),
	}, &reviewer.ID, "Medically reviewed by "+reviewer.Name, now)
}

// updateVersioned applies updates to the article if it is still at version, moves it
// to the next version and keeps a revision. Returns model.ErrStaleVersion otherwise.
func (s *Store) updateVersioned(ctx context.Context, id int64, version int, updates map[string]any, userID *int64, note string, now time.Time) (*model.Article, error) {
	updates["version"] = version + 1
	var a *model.Article
	err := s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Model(&articleRow{}).Where("id = ? AND version = ?", id, version).Updates(updates)
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected != 1 {
			return model.ErrStaleVersion
		}
		var err error
		if a, err = tx.Article(ctx, id); err != nil {
			return err
		}
		return tx.addRevision(ctx, a, userID, note, now.UTC())
	})
	return a, err
}

// DueArticles returns the scheduled articles whose time has come at now: those
// PublishDue publishes, when both run in one transaction.
func (s *Store) DueArticles(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT id FROM articles WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY scheduled_at, id`, now.UTC()).
		Scan(&ids).Error
	return ids, translate(err)
}

// PublishDue publishes every scheduled article whose time has come, and returns how
// many it published.
func (s *Store) PublishDue(ctx context.Context, now time.Time) (int, error) {
	res := s.db.WithContext(ctx).Exec(`
		UPDATE articles SET status = 'published', published_at = COALESCE(published_at, scheduled_at),
		       version = version + 1
		 WHERE status = 'scheduled' AND scheduled_at <= ?`, now.UTC())
	return int(res.RowsAffected), translate(res.Error)
}

// Revision is an article as it was after one save.
type Revision struct {
	ID         int64
	ArticleID  int64
	Version    int
	UserID     *int64
	UserName   string
	CreatedAt  time.Time
	Note       string
	Status     model.ArticleStatus
	Title      string
	Slug       string
	Summary    string
	Body       string
	References []model.Reference
	Tags       string
	// CorrectionNote is the correction shown on the page at the time.
	CorrectionNote string
}

func (s *Store) addRevision(ctx context.Context, a *model.Article, userID *int64, note string, now time.Time) error {
	refs, err := json.Marshal(a.References)
	if err != nil {
		return err
	}
	names := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		names[i] = t.Name
	}
	return translate(s.db.WithContext(ctx).Exec(`
		INSERT INTO revisions (article_id, version, user_id, created_at, note, status, title, slug, summary, body_markdown, references_json, tags, correction_note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Version, userID, now, note, a.Status, a.Title, a.Slug, a.Summary, a.BodyMarkdown, string(refs), strings.Join(names, ", "), a.CorrectionNote).Error)
}

// Revisions returns an article's revisions, newest first, without their text.
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]Revision, error) {
	return s.revisions(ctx, "r.article_id = ?", articleID)
}

// RevisionByID returns one revision of an article with its text, or model.ErrNotFound.
func (s *Store) RevisionByID(ctx context.Context, articleID, id int64) (*Revision, error) {
	list, err := s.revisions(ctx, "r.article_id = ? AND r.id = ?", articleID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, model.ErrNotFound
	}
	return &list[0], nil
}

func (s *Store) revisions(ctx context.Context, where string, args ...any) ([]Revision, error) {
	var rows []struct {
		ID             int64
		ArticleID      int64
		Version        int
		UserID         *int64
		UserName       *string
		CreatedAt      time.Time
		Note           string
		Status         string
		Title          string
		Slug           string
		Summary        string
		BodyMarkdown   string
		ReferencesJSON string
		Tags           string
		CorrectionNote string
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT r.id, r.article_id, r.version, r.user_id, u.name AS user_name, r.created_at, r.note, r.status,
		       r.title, r.slug, r.summary, r.body_markdown, r.references_json, r.tags, r.correction_note
		  FROM revisions r LEFT JOIN users u ON u.id = r.user_id
		 WHERE `+where+` ORDER BY r.id DESC`, args...).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]Revision, len(rows))
	for i, r := range rows {
		list[i] = Revision{ID: r.ID, ArticleID: r.ArticleID, Version: r.Version, UserID: r.UserID, CreatedAt: r.CreatedAt.UTC(),
			Note: r.Note, Status: model.ArticleStatus(r.Status), Title: r.Title, Slug: r.Slug, Summary: r.Summary,
			Body: r.BodyMarkdown, Tags: r.Tags, CorrectionNote: r.CorrectionNote}
		if r.UserName != nil {
			list[i].UserName = *r.UserName
		}
		if err := json.Unmarshal([]byte(r.ReferencesJSON), &list[i].References); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// ArticleListItem is an article in the staff list.
type ArticleListItem struct {
	ID           int64
	Slug         string
	Title        string
	Status       model.ArticleStatus
	AuthorID     int64
	AuthorName   string
	UpdatedAt    time.Time
	PublishedAt  *time.Time
	ScheduledAt  *time.Time
	ReviewedAt   *time.Time
	NextReviewAt *time.Time
	Replies      int
	Pending      int
	Kind         model.ArticleKind
	// FooterPosition is a page's place in the footer; nil when it is not there.
	FooterPosition *int
	// Imported: an import brought it in from another site.
	Imported bool
}

// ImportedNotReviewed reports whether the article came from another site and no
// medical reviewer here has signed it off yet.
func (a ArticleListItem) ImportedNotReviewed() bool { return a.Imported && a.ReviewedAt == nil }

// ArticleFilter selects articles for the staff list; zero values select everything.
type ArticleFilter struct {
	Status   model.ArticleStatus
	Kind     model.ArticleKind
	AuthorID int64
	// DueBy lists published articles whose next review is due at or before it.
	DueBy time.Time
	// ImportedNotReviewed lists what an import brought in that no reviewer here has
	// signed off, archived ones left out, the published first.
	ImportedNotReviewed bool
	Limit               int
	Offset              int
}

// importedArticle is true for an article a that an import brought in.
const importedArticle = "EXISTS (SELECT 1 FROM import_sources i WHERE i.kind = 'post' AND i.local_id = a.id)"

// ListArticles returns articles for the staff list, most recently updated first (or
// the most overdue review first with DueBy), and how many match.
func (s *Store) ListArticles(ctx context.Context, f ArticleFilter) ([]ArticleListItem, int, error) {
	var clauses []string
	var args []any
	order := "a.updated_at DESC, a.id DESC"
	if f.Status != "" {
		clauses = append(clauses, "a.status = ?")
		args = append(args, f.Status)
	}
	if f.Kind != "" {
		clauses = append(clauses, "a.kind = ?")
		args = append(args, f.Kind)
	}
	if f.AuthorID != 0 {
		clauses = append(clauses, "a.author_id = ?")
		args = append(args, f.AuthorID)
	}
	if !f.DueBy.IsZero() {
		clauses = append(clauses, "a.status = 'published' AND (a.next_review_at IS NULL OR a.next_review_at <= ?)")
		args = append(args, f.DueBy.UTC())
		order = "a.next_review_at IS NOT NULL, a.next_review_at, a.id"
	}
	if f.ImportedNotReviewed {
		clauses = append(clauses, "a.reviewed_at IS NULL AND a.status <> 'archived' AND "+importedArticle)
		order = "a.status <> 'published', a.id"
	}
	where := "1 = 1"
	if len(clauses) > 0 {
		where = strings.Join(clauses, " AND ")
	}
	db := s.db.WithContext(ctx)
	var total int64
	if err := db.Raw(`SELECT count(*) FROM articles a WHERE `+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var items []ArticleListItem
	err := db.Raw(`
		SELECT a.id, a.slug, a.title, a.status, a.author_id, u.name AS author_name, a.updated_at, a.published_at,
		       a.scheduled_at, a.reviewed_at, a.next_review_at, a.kind, a.footer_position,
		       (SELECT count(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved') AS replies,
		       (SELECT count(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'pending') AS pending,
		       `+importedArticle+` AS imported
		  FROM articles a JOIN users u ON u.id = a.author_id
		 WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...).Scan(&items).Error
	return items, int(total), translate(err)
}
