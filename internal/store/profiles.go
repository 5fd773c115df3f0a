package store

import (
	"context"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// SlugTaken reports whether an account other than exceptID has the profile slug.
func (s *Store) SlugTaken(ctx context.Context, slug string, exceptID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Where("slug = ? AND id != ?", slug, exceptID).Count(&n).Error
	return n > 0, translate(err)
}

// UsersWithoutSlug returns the accounts that have no profile slug yet, oldest first.
func (s *Store) UsersWithoutSlug(ctx context.Context) ([]*model.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Where("slug IS NULL").Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	users := make([]*model.User, len(rows))
	for i, r := range rows {
		users[i] = r.model()
	}
	return users, nil
}

// SetUserSlug gives an account its profile slug. Returns model.ErrConflict if another
// account has it.
func (s *Store) SetUserSlug(ctx context.Context, userID int64, slug string) error {
	return translate(s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).
		Update("slug", nullSlug(slug)).Error)
}

// UpdateProfile saves the profile fields of u: name, credentials, slug, bio, photo and
// whether the profile is public. Returns model.ErrNotFound if there is no such
// account, model.ErrConflict if another account has the slug.
func (s *Store) UpdateProfile(ctx context.Context, u *model.User) error {
	now := time.Now().UTC()
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", u.ID).Updates(map[string]any{
		"name": u.Name, "credentials": u.Credentials, "slug": nullSlug(u.Slug), "bio": u.Bio,
		"photo": u.Photo, "profile_public": u.ProfilePublic, "updated_at": now,
	})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	u.UpdatedAt = now
	return nil
}

// PublicProfile returns the account whose public profile is at slug, with the public
// columns only (no email), on the unique index of slugs. Returns model.ErrNotFound
// when there is none, or it is not public.
func (s *Store) PublicProfile(ctx context.Context, slug string) (*model.User, error) {
	var rows []userRow
	err := s.db.WithContext(ctx).Select(publicUserColumns).Where("slug = ? AND profile_public = 1", slug).Limit(1).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, model.ErrNotFound
	}
	return rows[0].model(), nil
}

// reviewBoardQuery lists public profiles by name, on the partial index of public
// profiles, keeping those of reviewers and of anyone who reviewed a published article
// (on the index of articles by reviewer).
const reviewBoardQuery = `
	SELECT ` + publicUserColumns + `
	  FROM users u
	 WHERE u.profile_public = 1 AND u.slug IS NOT NULL
	   AND (u.role = 'reviewer' OR EXISTS (
	        SELECT 1 FROM articles a WHERE a.reviewer_id = u.id AND a.status = 'published'))
	 ORDER BY u.name, u.id`

// ReviewBoard returns, by name and with the public columns only, the public profiles
// of every account with the reviewer role and of everyone who reviewed a published
// article.
func (s *Store) ReviewBoard(ctx context.Context) ([]*model.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Raw(reviewBoardQuery).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	users := make([]*model.User, len(rows))
	for i, r := range rows {
		users[i] = r.model()
	}
	return users, nil
}

// profileArticlesQuery lists the published articles an account wrote (%s is
// author_id) or reviewed (reviewer_id), newest first, in order from the index on
// (that column, status, published_at, id).
const profileArticlesQuery = `
	SELECT a.id, a.slug, a.title, a.summary, a.published_at, a.updated_at
	  FROM articles a
	 WHERE a.%s = ? AND a.status = 'published'
	 ORDER BY a.published_at DESC, a.id DESC
	 LIMIT ?`

var (
	writtenByQuery  = fmt.Sprintf(profileArticlesQuery, "author_id")
	reviewedByQuery = fmt.Sprintf(profileArticlesQuery, "reviewer_id")
)

// ArticlesWrittenBy returns up to limit of the published articles the account wrote,
// newest first, without reply counts or tags.
func (s *Store) ArticlesWrittenBy(ctx context.Context, userID int64, limit int) ([]model.ArticleSummary, error) {
	return s.profileArticles(ctx, writtenByQuery, userID, limit)
}

// ArticlesReviewedBy returns up to limit of the published articles the account
// medically reviewed, newest first, without reply counts or tags.
func (s *Store) ArticlesReviewedBy(ctx context.Context, userID int64, limit int) ([]model.ArticleSummary, error) {
	return s.profileArticles(ctx, reviewedByQuery, userID, limit)
}

func (s *Store) profileArticles(ctx context.Context, query string, userID int64, limit int) ([]model.ArticleSummary, error) {
	var rows []summaryRow
	if err := s.db.WithContext(ctx).Raw(query, userID, limit).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	list := make([]model.ArticleSummary, len(rows))
	for i, r := range rows {
		list[i] = r.model()
	}
	return list, nil
}

// SitemapProfile is a public profile as the sitemap lists it.
type SitemapProfile struct {
	Slug      string
	UpdatedAt time.Time
}

// sitemapProfilesQuery lists public profiles on the partial index of public profiles.
const sitemapProfilesQuery = `
	SELECT slug, updated_at FROM users
	 WHERE profile_public = 1 AND slug IS NOT NULL
	 ORDER BY name, id`

// SitemapProfiles returns every public profile, by name.
func (s *Store) SitemapProfiles(ctx context.Context) ([]SitemapProfile, error) {
	var rows []SitemapProfile
	if err := s.db.WithContext(ctx).Raw(sitemapProfilesQuery).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for i := range rows {
		rows[i].UpdatedAt = rows[i].UpdatedAt.UTC()
	}
	return rows, nil
}

// articlePeopleQuery reads an article's author and reviewer at once (the author
// twice when there is no reviewer), public columns only, on the primary key.
const articlePeopleQuery = `SELECT ` + publicUserColumns + ` FROM users WHERE id IN (?, ?)`

// fillArticlePeople sets a's Author and Reviewer (when the review names an account)
// with one query, read without reflection as it runs on every rendered article page.
// Returns model.ErrNotFound if the author is missing.
func (s *Store) fillArticlePeople(ctx context.Context, a *model.Article) error {
	reviewerID := a.AuthorID
	if a.ReviewerID != nil {
		reviewerID = *a.ReviewerID
	}
	rows, err := s.db.WithContext(quick(ctx)).Raw(articlePeopleQuery, a.AuthorID, reviewerID).Rows()
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	found := false
	a.Reviewer = nil
	for rows.Next() {
		var u model.User
		var slug *string
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &u.Credentials, &slug, &u.Bio, &u.Photo, &u.ProfilePublic,
			&u.CreatedAt, &u.UpdatedAt); err != nil {
			return translate(err)
		}
		if slug != nil {
			u.Slug = *slug
		}
		u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
		if u.ID == a.AuthorID {
			a.Author, found = u, true
		}
		if a.ReviewerID != nil && u.ID == *a.ReviewerID {
			reviewer := u
			a.Reviewer = &reviewer
		}
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	if !found {
		return model.ErrNotFound
	}
	return nil
}
