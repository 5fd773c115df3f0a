package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Session lifetimes.
const (
	SessionLifetime = 12 * time.Hour // absolute: sign in again after this
	SessionIdle     = time.Hour      // a session unused this long ends
	// sessionTouchEvery limits how often a session's last use is written.
	sessionTouchEvery = time.Minute
)

// Sign-in lock-out: after this many failures in the window, for one account or one
// client, further tries are refused until the window passes.
const (
	MaxSignInFailures = 5
	SignInWindow      = 15 * time.Minute
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
	ctx := c.Request.Context()
	now := s.now()
	sess, user, err := s.store.SessionUser(ctx, auth.TokenHash(cookie), now, SessionIdle)
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.clearSessionCookie(c)
	case err != nil:
		s.fail(c, err)
		return
	default:
		if now.Sub(sess.LastSeenAt) > sessionTouchEvery {
			if err := s.store.TouchSession(ctx, sess.TokenHash, now); err != nil {
				s.fail(c, err)
				return
			}
		}
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

// startSession signs user in: a new session with a new token, so that a token set
// before sign-in (session fixation) is worthless.
func (s *Server) startSession(c *gin.Context, user *model.User) error {
	ctx := c.Request.Context()
	now := s.now().UTC()
	if old, err := c.Cookie(s.sessionCookieName()); err == nil && old != "" {
		if err := s.store.DeleteSession(ctx, auth.TokenHash(old)); err != nil {
			return err
		}
	}
	if err := s.store.DeleteStaleSessions(ctx, now, SessionIdle); err != nil {
		return err
	}
	token, hash := auth.NewToken()
	sess := &store.Session{TokenHash: hash, UserID: user.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return err
	}
	if err := s.store.RecordSignIn(ctx, user.ID, now); err != nil {
		return err
	}
	s.setSessionCookie(c, token, int(SessionLifetime.Seconds()))
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

// accountSubject names an account for the sign-in lock-out without storing its email.
func (s *Server) accountSubject(email string) string {
	mac := hmac.New(sha256.New, s.tokenKey)
	mac.Write([]byte("sign-in:" + strings.ToLower(strings.TrimSpace(email))))
	return "account:" + hex.EncodeToString(mac.Sum(nil))
}

func (s *Server) clientSubject(c *gin.Context) string {
	return "client:" + s.moderation.ClientHash(clientAddr(c))
}

// safeNext returns next if it is a path on this site's staff pages, and fallback
// otherwise, so that a sign-in link cannot send anyone to another site.
func safeNext(next, fallback string) string {
	if strings.HasPrefix(next, "/admin") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		if u, err := url.Parse(next); err == nil && u.Host == "" && u.Scheme == "" {
			return next
		}
	}
	return fallback
}
