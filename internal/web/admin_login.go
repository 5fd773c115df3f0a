package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

type loginPage struct {
	layout
	Email   string
	Next    string
	Message string
}

// GET /admin/login shows the sign-in form.
func (s *Server) login(c *gin.Context) {
	if staff(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next"), "/admin/"))
		return
	}
	s.showLogin(c, http.StatusOK, "", c.Query("next"), "")
}

func (s *Server) showLogin(c *gin.Context, status int, email, next, message string) {
	view := loginPage{layout: s.adminLayout(c, "Sign in"), Email: email, Next: safeNext(next, ""), Message: message}
	s.render(c, status, "admin/login", view)
}

// POST /admin/login signs a staff member in. After MaxSignInFailures failures for
// one account or one client within SignInWindow, it refuses with 429 until the window
// has passed; a successful sign-in clears the account's count.
func (s *Server) loginPost(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.PostForm("email"))
	password := c.PostForm("password")
	next := c.PostForm("next")
	now := s.now()
	subjects := []string{s.accountSubject(email), s.clientSubject(c)}

	attempt, allowed, err := s.store.ReserveSignInAttempt(ctx, now, now.Add(-SignInWindow), MaxSignInFailures, subjects...)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !allowed {
		c.Header("Retry-After", strconv.Itoa(int(SignInWindow.Seconds())))
		s.showLogin(c, http.StatusTooManyRequests, email, next,
			"Too many failed sign-ins. For your security, wait 15 minutes before trying again.")
		return
	}
	user, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	if user == nil || user.PasswordHash == "" {
		auth.WasteTime(password) // an unknown email takes as long as a wrong password
		err = auth.ErrWrongPassword
	} else {
		err = auth.VerifyPassword(user.PasswordHash, password)
	}
	if err != nil {
		// The attempt stays counted as a failure.
		if !errors.Is(err, auth.ErrWrongPassword) {
			s.log.ErrorContext(ctx, "password check failed", "user", user.ID, "error", err.Error())
		}
		s.showLogin(c, http.StatusUnauthorized, email, next, "The email address or password is not right.")
		return
	}
	// Success resets the account's count; the client's earlier failures stay, so that
	// signing in to one's own account does not buy more guesses at others.
	if err := s.store.ForgetSignInAttempt(ctx, attempt, subjects[0]); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.startSession(c, user); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, safeNext(next, "/admin/"))
}

// POST /admin/logout ends the session.
func (s *Server) logout(c *gin.Context) {
	if token, err := c.Cookie(s.sessionCookieName()); err == nil && token != "" {
		if err := s.store.DeleteSession(c.Request.Context(), auth.TokenHash(token)); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.clearSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/admin/login?signed_out=1")
}

type setupPage struct {
	layout
	Token  string
	Name   string
	Email  string
	Errors map[string]string
}

// GET /admin/setup?token=T shows the form that creates the first administrator, for
// the one-time link that "fascicle serve" prints while there is no account.
func (s *Server) setup(c *gin.Context) {
	token := c.Query("token")
	if !s.checkSetupToken(c, token) {
		return
	}
	s.render(c, http.StatusOK, "admin/setup", setupPage{layout: s.adminLayout(c, "Create the first administrator"), Token: token})
}

// POST /admin/setup creates the first administrator and signs them in.
func (s *Server) setupPost(c *gin.Context) {
	ctx := c.Request.Context()
	token := c.PostForm("token")
	if !s.checkSetupToken(c, token) {
		return
	}
	view := setupPage{
		layout: s.adminLayout(c, "Create the first administrator"),
		Token:  token,
		Name:   strings.TrimSpace(c.PostForm("name")),
		Email:  strings.TrimSpace(c.PostForm("email")),
	}
	password := c.PostForm("password")
	var v model.ValidationError
	validateAccount(&v, view.Name, view.Email)
	if problem := auth.PasswordProblem(password, view.Name, view.Email); problem != "" {
		v.Add("password", problem)
	} else if password != c.PostForm("password_confirm") {
		v.Add("password_confirm", "The two passwords are not the same.")
	}
	if v.Err() != nil {
		view.Errors = v.Fields
		s.render(c, http.StatusUnprocessableEntity, "admin/setup", view)
		return
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		s.fail(c, err)
		return
	}
	admin := &model.User{Name: view.Name, Email: &view.Email, Role: model.RoleAdmin, PasswordHash: hash}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UseSetupToken(ctx, auth.TokenHash(token), s.now()); err != nil {
			return err
		}
		if n, err := tx.CountAccounts(ctx); err != nil || n > 0 {
			return errors.Join(err, model.ErrConflict)
		}
		return tx.CreateUser(ctx, admin)
	})
	if err != nil {
		if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrConflict) {
			s.setupLinkInvalid(c)
			return
		}
		s.fail(c, err)
		return
	}
	if err := s.startSession(c, admin); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/?done=welcome")
}

// checkSetupToken answers the request itself, and returns false, when the setup link
// cannot be used.
func (s *Server) checkSetupToken(c *gin.Context, token string) bool {
	ctx := c.Request.Context()
	if n, err := s.store.CountAccounts(ctx); err != nil || n > 0 {
		if err != nil {
			s.fail(c, err)
		} else {
			s.renderError(c, http.StatusGone, "Set-up is complete",
				"This site already has an administrator. Sign in at /admin/login.")
		}
		return false
	}
	ok, err := s.store.SetupTokenValid(ctx, auth.TokenHash(token), s.now())
	if err != nil {
		s.fail(c, err)
		return false
	}
	if !ok {
		s.setupLinkInvalid(c)
		return false
	}
	return true
}

func (s *Server) setupLinkInvalid(c *gin.Context) {
	s.renderError(c, http.StatusForbidden, "This set-up link does not work",
		"The link is wrong, was already used, or is more than an hour old. Restart “fascicle serve” to print a new one.")
}

// validateAccount checks the name and email of a staff account.
func validateAccount(v *model.ValidationError, name, email string) {
	switch {
	case name == "":
		v.Add("name", "Name is required.")
	case len(name) > model.MaxCommentName:
		v.Add("name", "Name is too long.")
	}
	switch {
	case email == "":
		v.Add("email", "Email is required.")
	case len(email) > model.MaxCommentEmail || !model.ValidEmail(email):
		v.Add("email", "Enter an email address like name@example.com.")
	}
}
