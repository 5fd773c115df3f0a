package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// changeRow is a pending change to a published article (migration 0010).
type changeRow struct {
	ArticleID           int64 `gorm:"primaryKey"`
	Status              string
	Title               string
	Slug                string
	Summary             string
	BodyMarkdown        string
	ReferencesJSON      string `gorm:"column:references_json"`
	Tags                string
	CorrectionNote      string
	NextReviewAt        *time.Time
	ReviewerID          *int64
	ReviewerName        string
	ReviewerCredentials string
	ReviewedAt          *time.Time
	ScheduledAt         *time.Time
	EditedBy            *int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (changeRow) TableName() string { return "article_changes" }

// pendingOf returns live article a with row's text in place of its own: the article
// as it will read once the change is published.
func (r changeRow) pendingOf(a *model.Article) (*model.Article, error) {
	p := *a
	p.Pending, p.ChangesRequested = nil, nil
	p.Status, p.Title, p.Slug, p.Summary, p.BodyMarkdown = model.ArticleStatus(r.Status), r.Title, r.Slug, r.Summary, r.BodyMarkdown
	p.Tags = model.ParseTags(r.Tags)
	p.References = nil
	if err := json.Unmarshal([]byte(r.ReferencesJSON), &p.References); err != nil {
		return nil, err
	}
	p.CorrectionNote, p.NextReviewAt = r.CorrectionNote, utcPtr(r.NextReviewAt)
	p.ReviewerID, p.ReviewerName, p.ReviewerCredentials, p.ReviewedAt = r.ReviewerID, r.ReviewerName, r.ReviewerCredentials, utcPtr(r.ReviewedAt)
	p.ScheduledAt, p.EditedBy, p.CreatedAt, p.UpdatedAt = utcPtr(r.ScheduledAt), r.EditedBy, r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &p, nil
}

// changeRowOf is the row that keeps pending change p.
func changeRowOf(p *model.Article) (changeRow, error) {
	refs, err := json.Marshal(p.References)
	if err != nil {
		return changeRow{}, err
	}
	if p.References == nil {
		refs = []byte("[]")
	}
	names := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		names[i] = t.Name
	}
	return changeRow{
		ArticleID: p.ID, Status: string(p.Status), Title: p.Title, Slug: p.Slug, Summary: p.Summary,
		BodyMarkdown: p.BodyMarkdown, ReferencesJSON: string(refs), Tags: strings.Join(names, ", "),
		CorrectionNote: p.CorrectionNote, NextReviewAt: utcPtr(p.NextReviewAt),
		ReviewerID: p.ReviewerID, ReviewerName: p.ReviewerName, ReviewerCredentials: p.ReviewerCredentials,
		ReviewedAt: utcPtr(p.ReviewedAt), ScheduledAt: utcPtr(p.ScheduledAt), EditedBy: p.EditedBy,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
	}, nil
}

// fillWork reads what staff pages show beside stored article a: its pending change
// and the changes a reviewer asked for.
func (s *Store) fillWork(ctx context.Context, a *model.Article) error {
	db := s.db.WithContext(ctx)
	var rows []changeRow
	if err := db.Where("article_id = ?", a.ID).Limit(1).Find(&rows).Error; err != nil {
		return translate(err)
	}
	if len(rows) == 1 {
		p, err := rows[0].pendingOf(a)
		if err != nil {
			return err
		}
		a.Pending = p
	}
	var requests []struct {
		Notes     string
		UserID    *int64
		UserName  *string
		CreatedAt time.Time
	}
	if err := db.Raw(`SELECT r.notes, r.user_id, u.name AS user_name, r.created_at
		FROM change_requests r LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = ?`, a.ID).Scan(&requests).Error; err != nil {
		return translate(err)
	}
	if len(requests) == 1 {
		r := requests[0]
		a.ChangesRequested = &model.ChangeRequest{Notes: r.Notes, UserID: r.UserID, CreatedAt: r.CreatedAt.UTC()}
		if r.UserName != nil {
			a.ChangesRequested.UserName = *r.UserName
		}
	}
	return nil
}

// SaveChange writes pending change a.Pending of published article a (creating or
// replacing it), writes whether a's replies are open and its footer position (not
// part of the change: they apply at once), moves a to the next version and keeps a revision of the change's
// text. Returns model.ErrStaleVersion if a is no longer at a.Version, and
// model.ErrSlugTaken if the change's slug belongs to another article.
func (s *Store) SaveChange(ctx context.Context, a *model.Article, userID *int64, note string, now time.Time) error {
	now = now.UTC()
	p := a.Pending
	return s.Tx(ctx, func(tx *Store) error {
		if taken, err := tx.slugTaken(ctx, p.Slug, a.ID); err != nil || taken {
			return errors.Join(err, model.ErrSlugTaken)
		}
		if err := tx.bumpVersion(ctx, a, map[string]any{"comments_open": a.CommentsOpen, "footer_position": a.FooterPosition}); err != nil {
			return err
		}
		p.ID, p.Version, p.UpdatedAt = a.ID, a.Version, now
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		row, err := changeRowOf(p)
		if err != nil {
			return err
		}
		if err := tx.db.WithContext(ctx).Save(&row).Error; err != nil {
			return translate(err)
		}
		return tx.addRevision(ctx, p, userID, note, now)
	})
}

// DiscardChange deletes article a's pending change and moves a to the next version,
// keeping a revision of the live text with note. Returns model.ErrStaleVersion if a is
// no longer at a.Version.
func (s *Store) DiscardChange(ctx context.Context, a *model.Article, userID *int64, note string, now time.Time) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.bumpVersion(ctx, a, nil); err != nil {
			return err
		}
		if err := tx.db.WithContext(ctx).Exec(`DELETE FROM article_changes WHERE article_id = ?`, a.ID).Error; err != nil {
			return translate(err)
		}
		a.Pending = nil
		return tx.addRevision(ctx, a, userID, note, now.UTC())
	})
}

// PublishChange makes pending change a.Pending the live text of article a, with its
// review, and deletes it; live is what a becomes, built by the caller from both. It
// keeps a revision with note. Returns model.ErrStaleVersion if a is no longer at
// a.Version, and model.ErrSlugTaken if the change's slug went to another article.
func (s *Store) PublishChange(ctx context.Context, live *model.Article, userID *int64, note string, now time.Time) error {
	now = now.UTC()
	return s.Tx(ctx, func(tx *Store) error {
		if taken, err := tx.slugTaken(ctx, live.Slug, live.ID); err != nil || taken {
			return errors.Join(err, model.ErrSlugTaken)
		}
		live.UpdatedAt = now
		if err := tx.updateArticle(ctx, live); err != nil {
			return err
		}
		if err := tx.db.WithContext(ctx).Exec(`DELETE FROM article_changes WHERE article_id = ?`, live.ID).Error; err != nil {
			return translate(err)
		}
		live.Pending = nil
		return tx.addRevision(ctx, live, userID, note, now)
	})
}

// DueChanges returns the articles whose scheduled change is due at now.
func (s *Store) DueChanges(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(dueChangesQuery, now.UTC()).Scan(&ids).Error
	return ids, translate(err)
}

// dueChangesQuery finds scheduled changes that are due, on
// article_changes_status_scheduled_at.
const dueChangesQuery = `SELECT article_id FROM article_changes WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY scheduled_at`

// bumpVersion moves stored article a from a.Version to the next, with updates, or
// returns model.ErrStaleVersion. The live text and its dates stay as they are.
func (s *Store) bumpVersion(ctx context.Context, a *model.Article, updates map[string]any) error {
	if updates == nil {
		updates = map[string]any{}
	}
	updates["version"] = a.Version + 1
	res := s.db.WithContext(ctx).Model(&articleRow{}).Where("id = ? AND version = ?", a.ID, a.Version).Updates(updates)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return model.ErrStaleVersion
	}
	a.Version++
	return nil
}

// RequestChanges records what reviewer userID asked the author of article articleID
// to change, replacing an earlier request.
func (s *Store) RequestChanges(ctx context.Context, articleID int64, notes string, userID *int64, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO change_requests (article_id, notes, user_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET notes = excluded.notes, user_id = excluded.user_id, created_at = excluded.created_at`,
		articleID, notes, userID, now.UTC()).Error)
}

// ClearChangeRequest forgets what a reviewer asked to change in article articleID.
func (s *Store) ClearChangeRequest(ctx context.Context, articleID int64) error {
	return translate(s.db.WithContext(ctx).Exec(`DELETE FROM change_requests WHERE article_id = ?`, articleID).Error)
}
