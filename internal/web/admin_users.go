package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

type usersPage struct {
	layout
	Users    []accounts.Listed
	Invitees []store.Invitee // invited, with no password yet
	Named    []*model.User   // people named on articles, who cannot sign in
	Roles    []model.Role
	Form     userForm
	Errors   map[string]string
	// The "Invite by email" form, offered while the site sends mail.
	MailOn       bool
	InviteForm   userForm
	InviteErrors map[string]string
	Now          time.Time // to tell an invitation's link that expired
}

// userForm is the "Add an account" form as typed; the password is never sent back.
type userForm struct {
	Name        string
	Email       string
	Role        string
	Credentials string
}

// GET /admin/users lists the staff accounts and the people invited, with a form to
// invite someone by email and one to add an account with a password.
func (s *Server) adminUsers(c *gin.Context) {
	s.showUsers(c, http.StatusOK, usersPage{})
}

// showUsers shows the accounts page with the forms of view (empty ones when blank).
func (s *Server) showUsers(c *gin.Context, status int, view usersPage) {
	ctx := c.Request.Context()
	var err error
	if view.Users, err = s.accounts.List(ctx, staff(c)); err != nil {
		s.fail(c, err)
		return
	}
	if view.Invitees, err = s.accounts.Invitees(ctx, staff(c)); err != nil {
		s.fail(c, err)
		return
	}
	if view.Named, err = s.accounts.NamedPeople(ctx); err != nil {
		s.fail(c, err)
		return
	}
	if view.Form.Role == "" {
		view.Form.Role = string(model.RoleModerator)
	}
	if view.InviteForm.Role == "" {
		view.InviteForm.Role = string(model.RoleModerator)
	}
	view.layout = s.adminLayout(c, "Accounts")
	view.Roles, view.MailOn, view.Now = model.Roles, s.mail.On(), s.now()
	s.render(c, status, "admin/users", view)
}

// POST /admin/users creates a staff account.
func (s *Server) adminUsersPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	form := userFormOf(c)
	_, err := s.accounts.Create(c.Request.Context(), staff(c), accounts.NewAccount{
		Name: form.Name, Email: form.Email, Role: model.Role(form.Role), Credentials: form.Credentials,
		Password: c.PostForm("password"),
	})
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/admin/users?done=user-added")
	case errors.As(err, &invalid):
		s.showUsers(c, http.StatusUnprocessableEntity, usersPage{Form: form, Errors: invalid.Fields})
	case errors.Is(err, accounts.ErrEmailTaken):
		d, _ := describe(err)
		s.showUsers(c, d.status, usersPage{Form: form, Errors: map[string]string{model.UserFieldEmail: d.message}})
	default:
		s.fail(c, err)
	}
}

// userFormOf reads the fields of an account form, trimmed.
func userFormOf(c *gin.Context) userForm {
	return userForm{
		Name:        strings.TrimSpace(c.PostForm("name")),
		Email:       strings.TrimSpace(c.PostForm("email")),
		Role:        c.PostForm("role"),
		Credentials: strings.TrimSpace(c.PostForm("credentials")),
	}
}

// GET /admin/users/:id/profile shows anyone's profile form, for administrators.
func (s *Server) adminUserProfile(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok {
		return
	}
	s.showProfileForm(c, id, "/admin/users/"+strconv.FormatInt(id, 10)+"/profile")
}

// POST /admin/users/:id/profile saves anyone's profile, for administrators.
func (s *Server) adminUserProfilePost(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok {
		return
	}
	s.saveProfile(c, id, "/admin/users/"+strconv.FormatInt(id, 10)+"/profile")
}

// userID reads the :id of an account's address; a malformed one is not found.
func (s *Server) userID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return 0, false
	}
	return id, true
}
