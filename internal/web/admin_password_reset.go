package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// passwordResetPath is where staff who forgot their password ask for a link.
const passwordResetPath = "/admin/password-reset"

type passwordResetPage struct {
	layout
	MailOff bool // the site sends no mail, so it offers no link
	Sent    bool // a request was taken: the answer, the same for every address
	Email   string
	Errors  map[string]string
}

// GET /admin/password-reset asks for the address to send a link to; with ?sent=1,
// says that a link went if an account has the address.
func (s *Server) passwordReset(c *gin.Context) {
	s.showPasswordReset(c, http.StatusOK, passwordResetPage{Sent: c.Query("sent") != ""})
}

func (s *Server) showPasswordReset(c *gin.Context, status int, view passwordResetPage) {
	view.layout = s.adminLayout(c, "Forgot your password?")
	view.MailOff = !s.mail.On()
	s.render(c, status, "admin/password_reset", view)
}

// POST /admin/password-reset sends a link to set a new password to the address in
// field email, if an account signs in with it (see
// accounts.Service.RequestPasswordReset), and answers the same whether or not one
// does: 303 to the page that says so. 429 with Retry-After when this client asked
// too often.
func (s *Server) passwordResetPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	if !s.mail.On() {
		s.showPasswordReset(c, http.StatusOK, passwordResetPage{})
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	err := s.accounts.RequestPasswordReset(c.Request.Context(), email, s.clientSubject(c))
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, passwordResetPath+"?sent=1")
	case errors.As(err, &invalid):
		s.showPasswordReset(c, http.StatusUnprocessableEntity, passwordResetPage{Email: email, Errors: invalid.Fields})
	case errors.Is(err, accounts.ErrTooManyResets):
		d, _ := describe(err)
		c.Header("Retry-After", strconv.Itoa(int(accounts.SignInWindow.Seconds())))
		s.showPasswordReset(c, d.status, passwordResetPage{Email: email, Errors: map[string]string{model.UserFieldEmail: d.message}})
	default:
		s.fail(c, err)
	}
}

// newPasswordPage is the form a link opens to set a password: a reset's or an
// invitation's.
type newPasswordPage struct {
	layout
	Action     string // where the form posts
	Token      string
	Person     *model.User
	Invitation bool // an invitation's first password, rather than a reset
	Errors     map[string]string
}

// GET /admin/password-reset/confirm?token=T shows the form that sets a new password
// with a reset link, or says that the link no longer works (410).
func (s *Server) passwordResetConfirm(c *gin.Context) {
	keepLinkPrivate(c)
	token := c.Query("token")
	u, err := s.accounts.CheckPasswordReset(c.Request.Context(), token)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showNewPassword(c, http.StatusOK, newPasswordPage{Action: passwordResetPath + "/confirm", Token: token, Person: u})
}

func (s *Server) showNewPassword(c *gin.Context, status int, view newPasswordPage) {
	title := "Choose a new password"
	if view.Invitation {
		title = "Welcome: choose your password"
	}
	view.layout = s.adminLayout(c, title)
	s.render(c, status, "admin/new_password", view)
}

// POST /admin/password-reset/confirm sets the new password (fields token, password
// and password_confirm), ends every session of the account and sends the person to
// sign in with it: 303. A refused password shows the form again (422); a link that no
// longer works says so (410).
func (s *Server) passwordResetConfirmPost(c *gin.Context) {
	s.setPasswordByLink(c, passwordLink{
		page:  newPasswordPage{Action: passwordResetPath + "/confirm"},
		check: s.accounts.CheckPasswordReset, set: s.accounts.ResetPassword, done: "password-reset",
	})
}

// passwordLink is a link in a message that lets its holder set an account's password:
// a reset or an invitation.
type passwordLink struct {
	page  newPasswordPage // the form, as the link shows it
	check func(ctx context.Context, token string) (*model.User, error)
	set   func(ctx context.Context, token, password string) (*model.User, error)
	done  string // the sign-in page's message once it is set
}

// setPasswordByLink sets the password that the form of link sent (fields token,
// password and password_confirm) and sends the person to sign in: 303. A refused
// password shows the form again (422); a link that no longer works says so.
func (s *Server) setPasswordByLink(c *gin.Context, link passwordLink) {
	keepLinkPrivate(c)
	if !s.readForm(c) {
		return
	}
	ctx := c.Request.Context()
	token := c.PostForm("token")
	u, err := link.check(ctx, token)
	if err != nil {
		s.fail(c, err)
		return
	}
	password := c.PostForm("password")
	if c.PostForm("password_confirm") != password {
		err = passwordsDiffer()
	} else {
		_, err = link.set(ctx, token, password)
	}
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/admin/login?done="+link.done)
	case errors.As(err, &invalid):
		page := link.page
		page.Token, page.Person, page.Errors = token, u, invalid.Fields
		s.showNewPassword(c, http.StatusUnprocessableEntity, page)
	default:
		s.fail(c, err)
	}
}

// passwordsDiffer is the error of a form whose two passwords are not the same: typing
// it twice is the form's own check, made before anything else.
func passwordsDiffer() error {
	return &model.ValidationError{Fields: map[string]string{"password_confirm": "The two passwords are not the same. Type the new password twice."}}
}

// keepLinkPrivate keeps the token of the page's address, a link from a message, out
// of the Referer of anything the page leads to.
func keepLinkPrivate(c *gin.Context) {
	c.Header("Referrer-Policy", "no-referrer")
}
