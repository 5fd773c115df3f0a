package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type userRow struct {
	ID          int64 `gorm:"primaryKey"`
	Name        string
	Email       *string
	Role        string
	Credentials string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (userRow) TableName() string { return "users" }

// User returns the account with the given ID, or model.ErrNotFound.
func (s *Store) User(ctx context.Context, id int64) (*model.User, error) {
	var r userRow
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err)
	}
	return &model.User{ID: r.ID, Name: r.Name, Email: r.Email, Role: model.Role(r.Role), Credentials: r.Credentials,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}, nil
}

// CreateUser saves a new account. Returns model.ErrConflict if the email is taken.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	now := time.Now().UTC()
	r := userRow{Name: u.Name, Email: u.Email, Role: string(u.Role), Credentials: u.Credentials, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return translate(err)
	}
	u.ID, u.CreatedAt, u.UpdatedAt = r.ID, now, now
	return nil
}
