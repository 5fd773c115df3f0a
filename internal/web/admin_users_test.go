package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure an administrator can add a staff account that can then sign in, and that a
// refused account keeps what was typed but never echoes the password.
func TestUsers_AdminAddsAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	form := url.Values{"name": {"Mo Derator"}, "email": {"Mo@Example.org"}, "role": {"moderator"},
		"credentials": {""}, "password": {"password1"}}

	t.Run("ErrCommonPassword", func(t *testing.T) {
		res := s.postForm(t, "/admin/users", form, admin).wantStatus(http.StatusUnprocessableEntity)
		res.wantContains("This is a very common password. Add another word or two. Uncommon words are better.", `value="Mo Derator"`, `value="Mo@Example.org"`, `<option value="moderator" selected>`)
		res.wantNotContains("password1")
	})
	t.Run("ErrUnknownRole", func(t *testing.T) {
		bad := cloneValues(form)
		bad.Set("role", "superuser")
		bad.Set("password", "moss lantern quietly")
		s.postForm(t, "/admin/users", bad, admin).wantStatus(http.StatusUnprocessableEntity).wantContains("Choose a role.")
	})
	t.Run("Created", func(t *testing.T) {
		ok := cloneValues(form)
		ok.Set("password", "moss lantern quietly")
		res := s.postForm(t, "/admin/users", ok, admin).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/users?done=user-added" {
			t.Errorf("Location = %q", loc)
		}
		s.getAs(t, admin, "/admin/users").wantStatus(http.StatusOK).wantContains("Mo Derator", "mo@example.org", "Moderator", "never")
		login := s.postForm(t, "/admin/login", url.Values{"email": {"MO@example.org"}, "password": {"moss lantern quietly"}}, nil)
		login.wantStatus(http.StatusSeeOther)
	})
	t.Run("ErrDuplicateEmail", func(t *testing.T) {
		dup := cloneValues(form)
		dup.Set("email", "mo@example.org")
		dup.Set("password", "another long phrase")
		s.postForm(t, "/admin/users", dup, admin).wantStatus(http.StatusConflict).wantContains("An account with this email already exists.")
		if n := s.count(t, `SELECT count(*) FROM users WHERE email = 'mo@example.org'`); n != 1 {
			t.Errorf("%d accounts with the email", n)
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		editor := s.signIn(t, s.addUser(t, model.RoleEditor))
		s.getAs(t, editor, "/admin/users").wantStatus(http.StatusForbidden)
		ok := cloneValues(form)
		ok.Set("email", "sneaky@example.org")
		ok.Set("password", "moss lantern quietly")
		s.postForm(t, "/admin/users", ok, editor).wantStatus(http.StatusForbidden)
		if n := s.count(t, `SELECT count(*) FROM users WHERE email = 'sneaky@example.org'`); n != 0 {
			t.Error("an editor created an account")
		}
	})
}
