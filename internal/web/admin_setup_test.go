package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure set-up with the email of a person named on articles, who has no password,
// keeps the form with the email marked, and leaves the link usable.
func TestSetup_EmailOfPersonWithoutAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	named := "named@fascicle.example"
	if err := s.store.CreateUser(context.Background(), &model.User{Name: "Named Author", Email: &named, Role: model.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	token := s.authSetupToken(t)
	form := url.Values{"token": {token}, "name": {"Ada Admin"}, "email": {"Named@fascicle.example"},
		"password": {"lantern moss quietly"}, "password_confirm": {"lantern moss quietly"}}
	res := s.postForm(t, "/admin/setup", form, nil).wantStatus(http.StatusConflict)
	res.wantContains("The account was not created.", "An account with this email already exists.", `value="Ada Admin"`).
		wantNotContains("lantern moss quietly", "This set-up link does not work")
	if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("a refused set-up sets cookies: %q", got)
	}
	s.get(t, "/admin/setup?token="+url.QueryEscape(token)).wantStatus(http.StatusOK)
	form.Set("email", "ada@fascicle.example")
	s.postForm(t, "/admin/setup", form, nil).wantStatus(http.StatusSeeOther)
}
