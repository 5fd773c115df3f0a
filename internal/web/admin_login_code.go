package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
)

type loginCodePage struct {
	layout
	Next    string
	Message string
}

// GET /admin/login/code asks a person who gave the right password for the code of
// their two-step sign-in. Without a half-finished sign-in in this browser it sends
// them to the password form.
func (s *Server) loginCode(c *gin.Context) {
	if staff(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next"), "/admin/"))
		return
	}
	if token, _ := c.Cookie(s.twoStepCookieName()); token == "" {
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	}
	s.showLoginCode(c, http.StatusOK, c.Query("next"), "")
}

func (s *Server) showLoginCode(c *gin.Context, status int, next, message string) {
	view := loginCodePage{layout: s.adminLayout(c, "Enter your code"), Next: safeNext(next, ""), Message: message}
	s.render(c, status, "admin/login_code", view)
}

// POST /admin/login/code finishes a two-step sign-in with the code typed (see
// accounts.Service.SignInSecondStep). A wrong, reused or used-up code shows the form
// again (401), as does a lock-out (429 with Retry-After); a sign-in that took too long
// goes back to the password form.
func (s *Server) loginCodePost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	ctx := c.Request.Context()
	next := c.PostForm("next")
	token, _ := c.Cookie(s.twoStepCookieName())
	user, err := s.accounts.SignInSecondStep(ctx, token, c.PostForm("code"), s.clientSubject(c))
	if err == nil {
		s.setTwoStepCookie(c, "", -1)
		err = s.startSession(c, user)
	}
	var locked *accounts.LockedOutError
	switch {
	case err == nil:
		s.afterSignIn(c, user, next)
	case errors.Is(err, accounts.ErrSignInExpired):
		s.setTwoStepCookie(c, "", -1)
		d, _ := describe(err)
		s.showLogin(c, d.status, "", next, d.message)
	case errors.As(err, &locked):
		c.Header("Retry-After", strconv.Itoa(int(locked.RetryAfter.Seconds())))
		d, _ := describe(err)
		s.showLoginCode(c, d.status, next, d.message)
	case errors.Is(err, accounts.ErrWrongCode), errors.Is(err, accounts.ErrCodeReused), errors.Is(err, accounts.ErrRecoveryCodeUsed):
		d, _ := describe(err)
		s.showLoginCode(c, d.status, next, d.message)
	default:
		s.fail(c, err)
	}
}
