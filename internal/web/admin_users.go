package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

type usersPage struct {
	layout
	Users  []accounts.Listed
	Named  []*model.User // people named on articles, who cannot sign in
	Roles  []model.Role
	Form   userForm
	Errors map[string]string
}

// userForm is the "Add an account" form as typed; the password is never sent back.
type userForm struct {
	Name        string
	Email       string
	Role        string
	Credentials string
}

// GET /admin/users lists the staff accounts, with a form to add one.
func (s *Server) adminUsers(c *gin.Context) {
	s.showUsers(c, http.StatusOK, userForm{Role: string(model.RoleModerator)}, nil)
}

func (s *Server) showUsers(c *gin.Context, status int, form userForm, errs map[string]string) {
	users, err := s.accounts.List(c.Request.Context(), staff(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	named, err := s.accounts.NamedPeople(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin/users", usersPage{layout: s.adminLayout(c, "Accounts"), Users: users, Named: named,
		Roles: model.Roles, Form: form, Errors: errs})
}

// POST /admin/users creates a staff account.
func (s *Server) adminUsersPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	form := userForm{
		Name:        strings.TrimSpace(c.PostForm("name")),
		Email:       strings.TrimSpace(c.PostForm("email")),
		Role:        c.PostForm("role"),
		Credentials: strings.TrimSpace(c.PostForm("credentials")),
	}
	_, err := s.accounts.Create(c.Request.Context(), staff(c), accounts.NewAccount{
		Name: form.Name, Email: form.Email, Role: model.Role(form.Role), Credentials: form.Credentials,
		Password: c.PostForm("password"),
	})
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/admin/users?done=user-added")
	case errors.As(err, &invalid):
		s.showUsers(c, http.StatusUnprocessableEntity, form, invalid.Fields)
	case errors.Is(err, accounts.ErrEmailTaken):
		d, _ := describe(err)
		s.showUsers(c, d.status, form, map[string]string{model.UserFieldEmail: d.message})
	default:
		s.fail(c, err)
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
