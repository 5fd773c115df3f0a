package model_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure Validate accepts an account at every maximum length, and names each field
// that is wrong with the message the account forms show.
func TestUserValidate(t *testing.T) {
	t.Parallel()
	valid := func() model.User {
		email := "ada@example.org"
		return model.User{Name: "Ada Admin", Email: &email, Role: model.RoleAdmin, Credentials: "MD"}
	}
	atMost := func(u *model.User) {
		email := strings.Repeat("a", model.MaxUserEmail-len("@example.org")) + "@example.org"
		u.Name, u.Email, u.Credentials = strings.Repeat("n", model.MaxUserName), &email, strings.Repeat("c", model.MaxCredentials)
	}
	tests := []struct {
		Name   string
		Change func(u *model.User)
		Want   map[string]string // nil: valid
	}{
		{"Valid", func(*model.User) {}, nil},
		{"AtEveryMaximum", atMost, nil},
		{"ErrNameRequired", func(u *model.User) { u.Name = "" }, map[string]string{"name": "Name is required."}},
		{"ErrNameTooLong", func(u *model.User) { u.Name = strings.Repeat("n", model.MaxUserName+1) },
			map[string]string{"name": "Name is too long."}},
		{"ErrEmailRequired", func(u *model.User) { u.Email = nil }, map[string]string{"email": "Email is required."}},
		{"ErrEmailInvalid", func(u *model.User) { e := "ada at example"; u.Email = &e },
			map[string]string{"email": "Enter an email address like name@example.com."}},
		{"ErrEmailTooLong", func(u *model.User) {
			e := strings.Repeat("a", model.MaxUserEmail+1-len("@example.org")) + "@example.org"
			u.Email = &e
		}, map[string]string{"email": "Enter an email address like name@example.com."}},
		{"ErrRoleUnknown", func(u *model.User) { u.Role = "superuser" }, map[string]string{"role": "Choose a role."}},
		{"ErrRoleCase", func(u *model.User) { u.Role = "Admin" }, map[string]string{"role": "Choose a role."}},
		{"ErrCredentialsTooLong", func(u *model.User) { u.Credentials = strings.Repeat("c", model.MaxCredentials+1) },
			map[string]string{"credentials": "Credentials are too long."}},
		{"ErrEverything", func(u *model.User) { u.Name, u.Email, u.Role = "", nil, "" },
			map[string]string{"name": "Name is required.", "email": "Email is required.", "role": "Choose a role."}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			u := valid()
			tt.Change(&u)
			err := u.Validate()
			if tt.Want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var v *model.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("Validate() = %v, want *model.ValidationError", err)
			}
			if !maps.Equal(v.Fields, tt.Want) {
				t.Errorf("fields = %q, want %q", v.Fields, tt.Want)
			}
		})
	}
}

// Ensure Permissions lists what Can grants, and that changing the list it returns
// grants nothing.
func TestRolePermissions_Copy(t *testing.T) {
	t.Parallel()
	perms := model.RoleModerator.Permissions()
	if !slices.Equal(perms, []model.Permission{model.PermModerateComments}) {
		t.Fatalf("moderator permissions = %q", perms)
	}
	perms[0] = model.PermManageUsers
	_ = append(perms, model.PermManageSettings)
	if model.RoleModerator.Can(model.PermManageUsers) || model.RoleModerator.Can(model.PermManageSettings) {
		t.Error("changing the returned list granted the moderator a permission")
	}
	if !model.RoleModerator.Can(model.PermModerateComments) {
		t.Error("changing the returned list took the moderator's permission away")
	}
	if got := model.Role("superuser").Permissions(); len(got) != 0 {
		t.Errorf("unknown role has permissions %q", got)
	}
	for _, r := range model.Roles {
		for _, p := range r.Permissions() {
			if !r.Can(p) {
				t.Errorf("%s lists %s but cannot do it", r, p)
			}
		}
	}
}

// Ensure a profile has a public address only while it is public and has a slug, and
// that the address is path-escaped.
func TestUserProfileURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		Name string
		User *model.User
		Want string
	}{
		{"Public", &model.User{Slug: "daniel-reyes", ProfilePublic: true}, "/authors/daniel-reyes"},
		{"Private", &model.User{Slug: "daniel-reyes"}, ""},
		{"NoSlugYet", &model.User{ProfilePublic: true}, ""},
		{"NoAccount", nil, ""},
		{"Escaped", &model.User{Slug: "a/b?c", ProfilePublic: true}, "/authors/a%2Fb%3Fc"},
	} {
		if got := tt.User.ProfileURL(); got != tt.Want {
			t.Errorf("%s: ProfileURL = %q, want %q", tt.Name, got, tt.Want)
		}
	}
	if got := (&model.User{Photo: "0123456789abcdef.png"}).PhotoURL(); got != "/media/0123456789abcdef.png" {
		t.Errorf("PhotoURL = %q", got)
	}
	if got := (&model.User{}).PhotoURL(); got != "" {
		t.Errorf("PhotoURL without a photo = %q", got)
	}
}
