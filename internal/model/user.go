package model

import "time"

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
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// EmailAddress returns the account's email, or "" if it has none.
func (u *User) EmailAddress() string {
	if u.Email == nil {
		return ""
	}
	return *u.Email
}
