package model

import (
	"net/url"
	"time"
)

// Role decides what a staff account may do.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin     Role = "admin"
	RoleEditor    Role = "editor"
	RoleAuthor    Role = "author"
	RoleReviewer  Role = "reviewer"
	RoleModerator Role = "moderator"
)

// Maximum lengths of a staff account's fields, in bytes. They are the account's own,
// not a reply's, though today they happen to be the same values.
const (
	MaxUserName    = 245
	MaxUserEmail   = 100
	MaxCredentials = 245
	MaxBio         = 2000
)

// Field names used in a staff account's validation errors; they are also the names of
// the account forms' fields.
const (
	UserFieldName        = "name"
	UserFieldEmail       = "email"
	UserFieldRole        = "role"
	UserFieldCredentials = "credentials"
	UserFieldPassword    = "password"
	UserFieldSlug        = "slug"
	UserFieldBio         = "bio"
	UserFieldPhoto       = "photo"
	UserFieldPublic      = "public"
)

// User is a staff account: an author, reviewer, moderator, editor or administrator.
type User struct {
	ID          int64
	Name        string
	Email       *string
	Role        Role
	Credentials string // e.g. "MD, neurologist"; shown next to a reviewer's name
	// PasswordHash is empty for people named on articles who have no account.
	PasswordHash string
	LastSignInAt *time.Time
	// TwoStepSince is when two-step sign-in was turned on, nil while it is off.
	TwoStepSince *time.Time
	// DisabledAt is when an administrator disabled the account, nil while it is
	// active. A disabled account cannot sign in; what it wrote stays.
	DisabledAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// The public profile, shown at /authors/Slug only while ProfilePublic is set.
	Slug          string // "" until one is given
	Bio           string // a little Markdown, at most MaxBio bytes
	Photo         string // the file name of an uploaded image (Media.FileName), "" for none
	ProfilePublic bool

	// ModerationMail is what the account hears about replies waiting for moderation,
	// when its role moderates; DigestSentAt is when its last daily digest was queued.
	ModerationMail ModerationMail
	DigestSentAt   *time.Time
}

// ProfileURL returns the address of the account's public profile, relative to the
// site, or "" when it has none that readers may see.
func (u *User) ProfileURL() string {
	if u == nil || !u.ProfilePublic || u.Slug == "" {
		return ""
	}
	return "/authors/" + url.PathEscape(u.Slug)
}

// PhotoURL returns the address of the account's photo, or "" when it has none.
func (u *User) PhotoURL() string {
	if u.Photo == "" {
		return ""
	}
	return (&Media{FileName: u.Photo}).URL()
}

// TwoStepOn reports whether the account signs in with a code after its password.
func (u *User) TwoStepOn() bool {
	return u.TwoStepSince != nil
}

// Disabled reports whether the account has been disabled.
func (u *User) Disabled() bool {
	return u.DisabledAt != nil
}

// EmailAddress returns the account's email, or "" if it has none.
func (u *User) EmailAddress() string {
	if u.Email == nil {
		return ""
	}
	return *u.Email
}

// Validate checks the fields of an account that signs in: a name, an email address
// (which it signs in with), a role and optional credentials. The password is checked
// by the accounts service, which alone sees it in clear. Returns *ValidationError.
func (u *User) Validate() error {
	var v ValidationError
	switch {
	case u.Name == "":
		v.Add(UserFieldName, "Name is required.")
	case len(u.Name) > MaxUserName:
		v.Add(UserFieldName, "Name is too long.")
	}
	switch email := u.EmailAddress(); {
	case email == "":
		v.Add(UserFieldEmail, "Email is required.")
	case len(email) > MaxUserEmail || !ValidEmail(email):
		v.Add(UserFieldEmail, "Enter an email address like name@example.com.")
	}
	if !u.Role.Valid() {
		v.Add(UserFieldRole, "Choose a role.")
	}
	if len(u.Credentials) > MaxCredentials {
		v.Add(UserFieldCredentials, "Credentials are too long.")
	}
	return v.Err()
}
