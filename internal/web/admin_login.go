package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

type loginPage struct {
	layout
	Email   string
	Next    string
	Message string
	MailOn  bool // a forgotten password can be reset by mail
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
	view := loginPage{layout: s.adminLayout(c, "Sign in"), Email: email, Next: safeNext(next, ""), Message: message, MailOn: s.mail.On()}
	s.render(c, status, "admin/login", view)
}

// POST /admin/login signs a staff member in. A refused sign-in shows the form again
// with the email kept: 401, or 429 with Retry-After while locked out (see
// accounts.Service.SignIn).
func (s *Server) loginPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	next := c.PostForm("next")
	// A half-finished two-step sign-in of this browser ends with a new try.
	if old, _ := c.Cookie(s.twoStepCookieName()); old != "" {
		if err := s.accounts.AbandonSecondStep(c.Request.Context(), old); err != nil {
			s.fail(c, err)
			return
		}
		s.setTwoStepCookie(c, "", -1)
	}
	user, err := s.accounts.SignIn(c.Request.Context(), email, c.PostForm("password"), s.clientSubject(c))
	if err == nil {
		err = s.startSession(c, user)
	}
	var locked *accounts.LockedOutError
	var second *accounts.SecondStepError
	switch {
	case err == nil:
		s.afterSignIn(c, user, next)
	case errors.As(err, &second):
		s.setTwoStepCookie(c, second.Token, int(accounts.SecondStepLifetime.Seconds()))
		target := "/admin/login/code"
		if next = safeNext(next, ""); next != "" {
			target += "?next=" + url.QueryEscape(next)
		}
		c.Redirect(http.StatusSeeOther, target)
	case errors.As(err, &locked):
		c.Header("Retry-After", strconv.Itoa(int(locked.RetryAfter.Seconds())))
		s.showLoginError(c, err, email, next)
	case errors.Is(err, accounts.ErrWrongCredentials):
		if err != accounts.ErrWrongCredentials { // a stored hash that could not be checked
			s.log.ErrorContext(c.Request.Context(), "password check failed", "error", err.Error())
		}
		s.showLoginError(c, err, email, next)
	default:
		s.fail(c, err)
	}
}

// afterSignIn sends a person who has just signed in where they were going, or to set
// up two-step sign-in first when their role requires it.
func (s *Server) afterSignIn(c *gin.Context, user *model.User, next string) {
	required, err := s.accounts.TwoStepRequired(c.Request.Context(), user)
	if err != nil {
		s.fail(c, err)
		return
	}
	if required {
		c.Redirect(http.StatusSeeOther, twoStepRequiredPath)
		return
	}
	c.Redirect(http.StatusSeeOther, safeNext(next, "/admin/"))
}

// showLoginError shows the sign-in form again with what err means for the person.
func (s *Server) showLoginError(c *gin.Context, err error, email, next string) {
	d, _ := describe(err)
	s.showLogin(c, d.status, email, next, d.message)
}

// POST /admin/logout ends the session. Signing out from an article's reply form
// (next=/articles/…) goes back to the article, where the reader's form now is;
// anything else, and a session that had already ended, goes to the sign-in page.
func (s *Server) logout(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	token, _ := c.Cookie(s.sessionCookieName())
	if err := s.accounts.SignOut(c.Request.Context(), token); err != nil {
		s.fail(c, err)
		return
	}
	s.clearSessionCookie(c)
	target := "/admin/login?signed_out=1"
	if staff(c) != nil {
		target = localPath(c.PostForm("next"), "/articles/", target)
	}
	c.Redirect(http.StatusSeeOther, target)
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
	if err := s.accounts.CheckSetupToken(c.Request.Context(), token); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin/setup", setupPage{layout: s.adminLayout(c, "Create the first administrator"), Token: token})
}

// POST /admin/setup creates the first administrator and signs them in.
func (s *Server) setupPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	ctx := c.Request.Context()
	token := c.PostForm("token")
	// A dead link says so before anything about the form.
	if err := s.accounts.CheckSetupToken(ctx, token); err != nil {
		s.fail(c, err)
		return
	}
	view := setupPage{
		layout: s.adminLayout(c, "Create the first administrator"),
		Token:  token,
		Name:   strings.TrimSpace(c.PostForm("name")),
		Email:  strings.TrimSpace(c.PostForm("email")),
	}
	account := accounts.NewAccount{Name: view.Name, Email: view.Email, Role: model.RoleAdmin, Password: c.PostForm("password")}
	var admin *model.User
	var err error
	if c.PostForm("password_confirm") != account.Password {
		err = confirmationDiffers(account)
	} else {
		admin, err = s.accounts.Setup(ctx, token, account)
	}
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		view.Errors = invalid.Fields
		s.render(c, http.StatusUnprocessableEntity, "admin/setup", view)
		return
	case errors.Is(err, accounts.ErrEmailTaken):
		d, _ := describe(err)
		view.Errors = map[string]string{model.UserFieldEmail: d.message}
		s.render(c, d.status, "admin/setup", view)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	if err := s.startSession(c, admin); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/?done=welcome")
}

// confirmationDiffers returns the errors of a set-up form whose two passwords differ:
// those of the account, and the confirmation's unless the password itself is wrong.
// Typing the password twice is the form's own check, not a rule of accounts.
func confirmationDiffers(account accounts.NewAccount) error {
	v := &model.ValidationError{}
	if err := v.Merge(account.Validate()); err != nil {
		return err
	}
	if _, bad := v.Fields[model.UserFieldPassword]; !bad {
		v.Add("password_confirm", "The two passwords are not the same.")
	}
	return v
}

// clientSubject names the client for the sign-in lock-out without revealing its
// address.
func (s *Server) clientSubject(c *gin.Context) string {
	return s.moderation.ClientHash(clientAddr(c))
}

// safeNext returns next if it is a path on this site's staff pages, and fallback
// otherwise, so that a sign-in link cannot send anyone to another site.
func safeNext(next, fallback string) string {
	return localPath(next, "/admin", fallback)
}

// localPath returns next if it is a path on this site that starts with prefix, and
// fallback otherwise.
func localPath(next, prefix, fallback string) string {
	if strings.HasPrefix(next, prefix) && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		if u, err := url.Parse(next); err == nil && u.Host == "" && u.Scheme == "" {
			return next
		}
	}
	return fallback
}
