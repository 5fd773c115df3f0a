package store

import (
	"context"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type userRow struct {
	ID             int64 `gorm:"primaryKey"`
	Name           string
	Email          *string
	Role           string
	Credentials    string
	PasswordHash   string
	LastSignInAt   *time.Time
	DisabledAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Slug           *string
	Bio            string
	Photo          string
	ProfilePublic  bool
	TOTPEnabledAt  *time.Time `gorm:"column:totp_enabled_at"`
	ModerationMail string
	DigestSentAt   *time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) model() *model.User {
	u := &model.User{ID: r.ID, Name: r.Name, Email: r.Email, Role: model.Role(r.Role), Credentials: r.Credentials,
		PasswordHash: r.PasswordHash, LastSignInAt: utcPtr(r.LastSignInAt), DisabledAt: utcPtr(r.DisabledAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Bio: r.Bio, Photo: r.Photo, ProfilePublic: r.ProfilePublic, TwoStepSince: utcPtr(r.TOTPEnabledAt),
		ModerationMail: model.ModerationMail(r.ModerationMail), DigestSentAt: utcPtr(r.DigestSentAt)}
	if r.Slug != nil {
		u.Slug = *r.Slug
	}
	return u
}

// nullSlug stores "" as NULL, which the unique index of slugs allows many times.
func nullSlug(slug string) *string {
	if slug == "" {
		return nil
	}
	return &slug
}

// publicUserColumns are the columns of users that public pages show: never the email
// or the password hash, so that no public page reads them.
const publicUserColumns = "id, name, role, credentials, slug, bio, photo, profile_public, created_at, updated_at"

// User returns the account with the given ID, or model.ErrNotFound.
func (s *Store) User(ctx context.Context, id int64) (*model.User, error) {
	var r userRow
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err)
	}
	return r.model(), nil
}

// UserByEmail returns the account with the given email, in any case, or
// model.ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	var r userRow
	err := s.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&r).Error
	if err != nil {
		return nil, translate(err)
	}
	return r.model(), nil
}

// Users returns every account that can sign in, by name.
func (s *Store) Users(ctx context.Context) ([]*model.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Where("password_hash != ''").Order("name, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	users := make([]*model.User, len(rows))
	for i, r := range rows {
		users[i] = r.model()
	}
	return users, nil
}

// NamedPeople returns the people named on articles who cannot sign in, by name: those
// without a password nor an email (one with an email is invited, see Invitees).
func (s *Store) NamedPeople(ctx context.Context) ([]*model.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Where("password_hash = '' AND (email IS NULL OR email = '')").Order("name, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	users := make([]*model.User, len(rows))
	for i, r := range rows {
		users[i] = r.model()
	}
	return users, nil
}

// CountAccounts returns how many users can sign in.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Where("password_hash != ''").Count(&n).Error
	return int(n), translate(err)
}

// CreateUser saves a new account, with its email lower-cased. Returns
// model.ErrConflict if the email or the slug is taken.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	now := time.Now().UTC()
	if u.Email != nil {
		lower := strings.ToLower(strings.TrimSpace(*u.Email))
		u.Email = &lower
	}
	if u.ModerationMail == "" {
		u.ModerationMail = model.ModerationMailEach
	}
	r := userRow{Name: u.Name, Email: u.Email, Role: string(u.Role), Credentials: u.Credentials,
		PasswordHash: u.PasswordHash, CreatedAt: now, UpdatedAt: now,
		Slug: nullSlug(u.Slug), Bio: u.Bio, Photo: u.Photo, ProfilePublic: u.ProfilePublic,
		ModerationMail: string(u.ModerationMail)}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return translate(err)
	}
	u.ID, u.CreatedAt, u.UpdatedAt = r.ID, now, now
	return nil
}

// RecordSignIn notes when an account last signed in.
func (s *Store) RecordSignIn(ctx context.Context, userID int64, at time.Time) error {
	return translate(s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).
		Update("last_sign_in_at", at.UTC()).Error)
}

// UpdateAccount saves what an administrator may change of an account: its name, role,
// credentials and when it was disabled (nil while active). Returns model.ErrNotFound
// if there is no such account.
func (s *Store) UpdateAccount(ctx context.Context, u *model.User, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", u.ID).Updates(map[string]any{
		"name": u.Name, "role": string(u.Role), "credentials": u.Credentials,
		"disabled_at": utcPtr(u.DisabledAt), "updated_at": now.UTC(),
	})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return model.ErrNotFound
	}
	u.UpdatedAt = now.UTC()
	return nil
}

// SetPasswordHash replaces an account's password hash. Returns model.ErrNotFound if
// there is no such account.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash string, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": now.UTC()})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return model.ErrNotFound
	}
	return nil
}

// CountActiveAdmins returns how many administrators can sign in: with a password and
// not disabled.
func (s *Store) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).
		Where("role = ? AND password_hash != '' AND disabled_at IS NULL", string(model.RoleAdmin)).Count(&n).Error
	return int(n), translate(err)
}
