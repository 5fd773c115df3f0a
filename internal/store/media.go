package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type mediaRow struct {
	ID          int64 `gorm:"primaryKey"`
	FileName    string
	ContentType string
	Size        int64
	Alt         string
	SHA256      string `gorm:"column:sha256"`
	UserID      *int64
	CreatedAt   time.Time
}

func (mediaRow) TableName() string { return "media" }

func (r mediaRow) model() *model.Media {
	return &model.Media{ID: r.ID, FileName: r.FileName, ContentType: r.ContentType, Size: r.Size,
		Alt: r.Alt, SHA256: r.SHA256, UserID: r.UserID, CreatedAt: r.CreatedAt.UTC()}
}

// CreateMedia records an uploaded image, setting m.ID and, when it is zero,
// m.CreatedAt. Returns model.ErrConflict if an image with the same file name (so the
// same content) is already recorded.
func (s *Store) CreateMedia(ctx context.Context, m *model.Media) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = m.CreatedAt.UTC()
	r := mediaRow{FileName: m.FileName, ContentType: m.ContentType, Size: m.Size, Alt: m.Alt,
		SHA256: m.SHA256, UserID: m.UserID, CreatedAt: m.CreatedAt}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return translate(err)
	}
	m.ID = r.ID
	return nil
}

// MediaByFileName returns the image stored under name, or model.ErrNotFound.
func (s *Store) MediaByFileName(ctx context.Context, name string) (*model.Media, error) {
	var r mediaRow
	if err := s.db.WithContext(ctx).Where("file_name = ?", name).Take(&r).Error; err != nil {
		return nil, translate(err)
	}
	return r.model(), nil
}

// ListMedia returns up to limit images, newest first, skipping the first offset.
func (s *Store) ListMedia(ctx context.Context, limit, offset int) ([]*model.Media, error) {
	var rows []mediaRow
	err := s.db.WithContext(ctx).Order("created_at DESC, id DESC").Limit(limit).Offset(offset).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	media := make([]*model.Media, len(rows))
	for i, r := range rows {
		media[i] = r.model()
	}
	return media, nil
}

// CountMedia returns how many images have been uploaded.
func (s *Store) CountMedia(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&mediaRow{}).Count(&n).Error
	return int(n), translate(err)
}
