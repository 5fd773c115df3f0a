package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

const staffKey = "fascicle.staff"

func (s *Server) sessionCookieName() string {
	if s.secure {
		return "__Host-fascicle_session" // Secure, Path=/ and no Domain, enforced by browsers
	}
	return "fascicle_session"
}

// loadStaff finds the signed-in staff member, if any, and keeps their session alive.
// It never refuses a request; requirePermission does that.
func (s *Server) loadStaff(c *gin.Context) {
	cookie, err := c.Cookie(s.sessionCookieName())
	if err != nil || cookie == "" {
		c.Next()
		return
	}
	user, err := s.accounts.SessionUser(c.Request.Context(), cookie)
	switch {
	case errors.Is(err, accounts.ErrNoSession):
		s.clearSessionCookie(c)
	case err != nil:
		s.fail(c, err)
		return
	default:
		c.Set(staffKey, user)
	}
	c.Next()
}

// staff returns the signed-in staff member, or nil.
func staff(c *gin.Context) *model.User {
	if v, ok := c.Get(staffKey); ok {
		return v.(*model.User)
	}
	return nil
}

// requirePermission lets the request through only for staff whose role has perm:
// others are sent to sign in, or refused with 403 if they are signed in.
func (s *Server) requirePermission(perm model.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := staff(c)
		if u == nil {
			target := "/admin/login"
			if c.Request.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
			}
			c.Redirect(http.StatusSeeOther, target)
			c.Abort()
			return
		}
		if perm != "" && !u.Role.Can(perm) {
			s.renderError(c, http.StatusForbidden, "Not allowed",
				"Your account ("+u.Role.Label()+") cannot open this page. Ask an administrator if you need it.")
			return
		}
		c.Next()
	}
}

// requireAnyPermission is requirePermission for staff whose role has any of perms.
func (s *Server) requireAnyPermission(perms ...model.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := staff(c)
		if u == nil {
			s.requirePermission("")(c)
			return
		}
		for _, p := range perms {
			if u.Role.Can(p) {
				c.Next()
				return
			}
		}
		s.forbidden(c)
	}
}

// requireTwoStepSetUp sends a person whose role requires two-step sign-in, and who
// has not set it up, to set it up: no other staff page opens for them until then.
func (s *Server) requireTwoStepSetUp(c *gin.Context) {
	required, err := s.accounts.TwoStepRequired(c.Request.Context(), staff(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if required {
		c.Redirect(http.StatusSeeOther, twoStepRequiredPath)
		c.Abort()
		return
	}
	c.Next()
}

// twoStepRequiredPath is where a person who must set up two-step sign-in is sent.
const twoStepRequiredPath = "/admin/account/2fa?required=1"

// client describes the request's client for the accounts service: a keyed hash of its
// address for the lock-out, its anonymised network and its browser.
func (s *Server) client(c *gin.Context) accounts.Client {
	return accounts.Client{Subject: s.clientSubject(c), Network: moderation.AnonymisedPrefix(clientAddr(c)), UserAgent: c.Request.UserAgent()}
}

// sessionToken returns the token of the browser's session cookie, or "".
func (s *Server) sessionToken(c *gin.Context) string {
	token, _ := c.Cookie(s.sessionCookieName())
	return token
}

// startSession signs user in with a new session, ending the one whose cookie the
// browser had, and sets the new session's cookie.
func (s *Server) startSession(c *gin.Context, user *model.User) error {
	previous, _ := c.Cookie(s.sessionCookieName())
	token, err := s.accounts.StartSession(c.Request.Context(), user, previous, s.client(c))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, int(accounts.SessionLifetime.Seconds()))
	return nil
}

func (s *Server) setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     s.sessionCookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	s.setSessionCookie(c, "", -1)
}

// twoStepCookieName names the cookie of a half-finished two-step sign-in.
func (s *Server) twoStepCookieName() string {
	if s.secure {
		return "__Host-fascicle_two_step"
	}
	return "fascicle_two_step"
}

// setTwoStepCookie binds a half-finished sign-in to this browser; maxAge -1 deletes
// the cookie.
func (s *Server) setTwoStepCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     s.twoStepCookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteStrictMode,
	})
}
