package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type commentRow struct {
	ID             int64 `gorm:"primaryKey"`
	ArticleID      int64
	ParentID       *int64
	AuthorName     string
	AuthorEmail    string // empty: emails are stored encrypted below (legacy rows only)
	AuthorEmailEnc []byte `gorm:"column:author_email_enc"`
	AuthorEmailIdx string `gorm:"column:author_email_index"`
	AuthorURL      string `gorm:"column:author_url"`
	Body           string
	BodyHash       *int64 // NULL for a reply written by another tool
	Status         string
	UserAgent      string
	ClientHash     string
	ClientPrefix   string
	HeldReason     string
	PreviousStatus string
	UserID         *int64
	PinnedAt       *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (commentRow) TableName() string { return "comments" }

// BodyHash is the 64-bit hash of a reply's text that the duplicate check looks up
// (FNV-1a; a collision only costs comparing the texts). Stored replies keep the hash
// it gave, so it must never change: a new one would miss every earlier duplicate.
func BodyHash(body string) int64 {
	h := fnv.New64a()
	h.Write([]byte(body))
	return int64(h.Sum64())
}

// commentModel turns a row into a reply, decrypting its email.
func (s *Store) commentModel(r commentRow) (model.Comment, error) {
	c := model.Comment{
		ID: r.ID, ArticleID: r.ArticleID, ParentID: r.ParentID,
		AuthorName: r.AuthorName, AuthorEmail: r.AuthorEmail, EmailIndex: r.AuthorEmailIdx, AuthorURL: r.AuthorURL, Body: r.Body,
		Status: model.CommentStatus(r.Status), UserAgent: r.UserAgent,
		ClientHash: r.ClientHash, ClientPrefix: r.ClientPrefix,
		HeldReason: r.HeldReason, PreviousStatus: model.CommentStatus(r.PreviousStatus), UserID: r.UserID,
		Pinned: r.PinnedAt != nil, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if len(r.AuthorEmailEnc) > 0 {
		keys, err := s.emailKeys()
		if err != nil {
			return c, err
		}
		if c.AuthorEmail, err = keys.Open(r.AuthorEmailEnc); err != nil {
			return c, fmt.Errorf("email of reply %d: %w", r.ID, err)
		}
	}
	return c, nil
}

const approvedCommentsQuery = `
	SELECT c.id, c.parent_id, c.author_name, c.author_email_index, c.author_url, c.body, c.user_id,
	       COALESCE(u.role, ''), COALESCE(u.credentials, ''), c.pinned_at IS NOT NULL, c.created_at, c.updated_at
	  FROM comments c LEFT JOIN users u ON u.id = c.user_id
	 WHERE c.article_id = ? AND c.status = ? ORDER BY c.created_at, c.id`

// ApprovedComments returns the approved replies to an article, oldest first, with the
// columns a public page may show: no email (only its blind index), no client data;
// a staff reply comes with its account's role and credentials, and whether it is
// pinned.
// It reads the rows without reflection, as it runs on every rendered article page.
func (s *Store) ApprovedComments(ctx context.Context, articleID int64) ([]model.Comment, error) {
	rows, err := s.db.WithContext(quick(ctx)).Raw(approvedCommentsQuery, articleID, model.CommentApproved).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []model.Comment
	for rows.Next() {
		c := model.Comment{ArticleID: articleID, Status: model.CommentApproved}
		var parentID, userID sql.NullInt64
		if err := rows.Scan(&c.ID, &parentID, &c.AuthorName, &c.EmailIndex, &c.AuthorURL, &c.Body, &userID,
			&c.StaffRole, &c.StaffCredentials, &c.Pinned, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, translate(err)
		}
		if parentID.Valid {
			c.ParentID = &parentID.Int64
		}
		if userID.Valid {
			c.UserID = &userID.Int64
		}
		c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
		list = append(list, c)
	}
	return list, translate(rows.Err())
}

// Comment returns the reply with the given ID, in any status, or model.ErrNotFound.
func (s *Store) Comment(ctx context.Context, id int64) (*model.Comment, error) {
	var r commentRow
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err)
	}
	c, err := s.commentModel(r)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateComment saves a new reply as it is; the caller decides its status. A reply
// without an email (a staff member's) is stored with no ciphertext and an empty blind
// index, which no email's index can equal, so no request about an email finds it.
func (s *Store) CreateComment(ctx context.Context, c *model.Comment) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	c.UpdatedAt = c.CreatedAt
	keys, err := s.emailKeys()
	if err != nil {
		return err
	}
	var sealed []byte
	c.EmailIndex = ""
	if c.AuthorEmail != "" {
		sealed, c.EmailIndex = keys.Seal(c.AuthorEmail), keys.EmailIndex(c.AuthorEmail)
	}
	r := commentRow{
		ArticleID: c.ArticleID, ParentID: c.ParentID,
		AuthorName: c.AuthorName, AuthorEmailEnc: sealed, AuthorEmailIdx: c.EmailIndex,
		AuthorURL: c.AuthorURL, Body: c.Body, BodyHash: new(BodyHash(c.Body)),
		Status: string(c.Status), UserAgent: c.UserAgent, ClientHash: c.ClientHash, ClientPrefix: c.ClientPrefix,
		HeldReason: c.HeldReason, UserID: c.UserID,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return translate(err)
	}
	c.ID = r.ID
	return nil
}
