package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
)

type usersPage struct {
	layout
	Users  []*model.User
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
	users, err := s.store.Users(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin/users", usersPage{layout: s.adminLayout(c, "Accounts"), Users: users, Roles: model.Roles, Form: form, Errors: errs})
}

// POST /admin/users creates a staff account.
func (s *Server) adminUsersPost(c *gin.Context) {
	form := userForm{
		Name:        strings.TrimSpace(c.PostForm("name")),
		Email:       strings.TrimSpace(c.PostForm("email")),
		Role:        c.PostForm("role"),
		Credentials: strings.TrimSpace(c.PostForm("credentials")),
	}
	password := c.PostForm("password")
	var v model.ValidationError
	validateAccount(&v, form.Name, form.Email)
	if !model.Role(form.Role).Valid() {
		v.Add("role", "Choose a role.")
	}
	if len(form.Credentials) > 245 {
		v.Add("credentials", "Credentials are too long.")
	}
	if problem := auth.PasswordProblem(password, form.Name, form.Email); problem != "" {
		v.Add("password", problem)
	}
	if v.Err() != nil {
		s.showUsers(c, http.StatusUnprocessableEntity, form, v.Fields)
		return
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		s.fail(c, err)
		return
	}
	u := &model.User{Name: form.Name, Email: &form.Email, Role: model.Role(form.Role), Credentials: form.Credentials, PasswordHash: hash}
	if err := s.store.CreateUser(c.Request.Context(), u); err != nil {
		if errors.Is(err, model.ErrConflict) {
			s.showUsers(c, http.StatusConflict, form, map[string]string{"email": "An account with this email already exists."})
			return
		}
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done=user-added")
}
