package model

import "slices"

// Permission is something a staff account may do.
type Permission string

// The permissions, granted to roles by rolePermissions.
const (
	PermModerateComments Permission = "moderate_comments" // the queue, commenters' emails, staff replies
	PermEditAllArticles  Permission = "edit_all_articles"
	PermEditOwnArticles  Permission = "edit_own_articles"
	PermReviewArticles   Permission = "review_articles"
	PermPublish          Permission = "publish" // publish, schedule, archive and take back articles and their changes
	PermManageSettings   Permission = "manage_settings"
	PermManageUsers      Permission = "manage_users"
	PermPersonalData     Permission = "personal_data" // find, export and erase one commenter's replies
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleEditor, RoleAuthor, RoleReviewer, RoleModerator}

// rolePermissions is the one table of what each role may do; the README shows it too.
// It is unexported so that no caller can grant a role more at run time; Role.Can and
// Role.Permissions read it.
var rolePermissions = map[Role][]Permission{
	RoleAdmin: {PermModerateComments, PermEditAllArticles, PermEditOwnArticles, PermReviewArticles, PermPublish,
		PermManageSettings, PermManageUsers, PermPersonalData},
	RoleEditor:    {PermModerateComments, PermEditAllArticles, PermEditOwnArticles, PermPublish, PermPersonalData},
	RoleAuthor:    {PermEditOwnArticles},
	RoleReviewer:  {PermReviewArticles},
	RoleModerator: {PermModerateComments},
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	_, ok := rolePermissions[r]
	return ok
}

// Can reports whether role r has permission p.
func (r Role) Can(p Permission) bool {
	for _, granted := range rolePermissions[r] {
		if granted == p {
			return true
		}
	}
	return false
}

// Permissions returns what role r may do, as a copy that the caller may change.
func (r Role) Permissions() []Permission {
	return slices.Clone(rolePermissions[r])
}

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleEditor:
		return "Editor"
	case RoleAuthor:
		return "Author"
	case RoleReviewer:
		return "Medical reviewer"
	case RoleModerator:
		return "Moderator"
	}
	return string(r)
}
