package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// WorkItem is an article that someone in the newsroom has work on: a new article
// not yet published, or a published one with a pending change or a change request.
// Its working text is the pending change if there is one.
type WorkItem struct {
	ID           int64
	Slug         string
	Title        string // of the working text
	AuthorID     int64
	AuthorName   string
	Status       model.ArticleStatus // the article's
	ChangeStatus model.ArticleStatus // the pending change's; "" without one
	EditedBy     *int64              // who last changed the pending change's text
	ReviewedAt   *time.Time          // the working text's review
	ReviewerName string
	ScheduledAt  *time.Time // when the working text goes out, if scheduled
	// Since is when the article last moved (its latest revision): for text in
	// review, when it was sent.
	Since         time.Time
	RequestNotes  string // what a reviewer asked to change; "" if nothing
	RequestBy     *int64
	RequestByName string
	RequestedAt   *time.Time
}

// WorkStatus is the working text's status.
func (w WorkItem) WorkStatus() model.ArticleStatus {
	if w.ChangeStatus != "" {
		return w.ChangeStatus
	}
	return w.Status
}

// workQuery lists the work items: articles not yet published, on a status index, and
// every pending change and change request (each of those rows is work in progress, so
// they are read whole). The CROSS JOIN keeps SQLite from walking every article to
// find them. Times are read as columns, not expressions, so that they arrive as times.
const workQuery = `
	WITH work(id) AS (
		SELECT id FROM articles WHERE status IN ('draft', 'in_review', 'scheduled')
		UNION SELECT article_id FROM article_changes
		UNION SELECT article_id FROM change_requests
	)
	SELECT a.id, a.slug, a.title, a.author_id, u.name AS author_name, a.status,
	       a.reviewed_at, a.reviewer_name, a.scheduled_at,
	       c.article_id AS change_id, c.title AS change_title, c.status AS change_status, c.edited_by,
	       c.reviewed_at AS change_reviewed_at, c.reviewer_name AS change_reviewer_name, c.scheduled_at AS change_scheduled_at,
	       rv.created_at AS since,
	       r.notes AS request_notes, r.user_id AS request_by, ru.name AS request_by_name, r.created_at AS requested_at
	  FROM work w CROSS JOIN articles a ON a.id = w.id JOIN users u ON u.id = a.author_id
	  LEFT JOIN article_changes c ON c.article_id = a.id
	  LEFT JOIN change_requests r ON r.article_id = a.id
	  LEFT JOIN users ru ON ru.id = r.user_id
	  LEFT JOIN revisions rv ON rv.id = (SELECT max(id) FROM revisions WHERE article_id = a.id)
	 WHERE ? = 0 OR a.author_id = ?
	 ORDER BY rv.created_at, a.id
	 LIMIT ?`

// WorkItems returns up to limit work items, the longest waiting first; with authorID
// not 0, only that author's.
func (s *Store) WorkItems(ctx context.Context, authorID int64, limit int) ([]WorkItem, error) {
	var rows []struct {
		ID                 int64
		Slug               string
		Title              string
		AuthorID           int64
		AuthorName         string
		Status             string
		ReviewedAt         *time.Time
		ReviewerName       string
		ScheduledAt        *time.Time
		ChangeID           *int64
		ChangeTitle        *string
		ChangeStatus       *string
		EditedBy           *int64
		ChangeReviewedAt   *time.Time
		ChangeReviewerName *string
		ChangeScheduledAt  *time.Time
		Since              *time.Time
		RequestNotes       *string
		RequestBy          *int64
		RequestByName      *string
		RequestedAt        *time.Time
	}
	if err := s.db.WithContext(ctx).Raw(workQuery, authorID, authorID, limit).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	items := make([]WorkItem, len(rows))
	for i, r := range rows {
		w := WorkItem{ID: r.ID, Slug: r.Slug, Title: r.Title, AuthorID: r.AuthorID, AuthorName: r.AuthorName,
			Status: model.ArticleStatus(r.Status), ReviewedAt: utcPtr(r.ReviewedAt), ReviewerName: r.ReviewerName,
			ScheduledAt: utcPtr(r.ScheduledAt), RequestBy: r.RequestBy, RequestedAt: utcPtr(r.RequestedAt)}
		if r.ChangeID != nil {
			w.Title, w.ChangeStatus, w.EditedBy = deref(r.ChangeTitle), model.ArticleStatus(deref(r.ChangeStatus)), r.EditedBy
			w.ReviewedAt, w.ReviewerName, w.ScheduledAt = utcPtr(r.ChangeReviewedAt), deref(r.ChangeReviewerName), utcPtr(r.ChangeScheduledAt)
		}
		if w.WorkStatus() != model.ArticleScheduled {
			w.ScheduledAt = nil
		}
		if r.Since != nil {
			w.Since = r.Since.UTC()
		}
		w.RequestNotes, w.RequestByName = deref(r.RequestNotes), deref(r.RequestByName)
		items[i] = w
	}
	return items, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ArticleReplies is how many replies of one article wait for a moderator.
type ArticleReplies struct {
	ID      int64
	Slug    string
	Title   string
	Pending int
}

// pendingByArticleQuery counts waiting replies per article on comments_status_created.
const pendingByArticleQuery = `
	SELECT a.id, a.slug, a.title, p.n AS pending
	  FROM (SELECT article_id, count(*) AS n FROM comments WHERE status = 'pending' GROUP BY article_id) p
	  JOIN articles a ON a.id = p.article_id
	 ORDER BY p.n DESC, a.id LIMIT ?`

// PendingRepliesByArticle returns the articles with replies waiting for a moderator,
// most waiting first, up to limit.
func (s *Store) PendingRepliesByArticle(ctx context.Context, limit int) ([]ArticleReplies, error) {
	var list []ArticleReplies
	err := s.db.WithContext(ctx).Raw(pendingByArticleQuery, limit).Scan(&list).Error
	return list, translate(err)
}
