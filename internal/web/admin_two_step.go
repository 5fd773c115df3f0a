package web

import (
	"bytes"
	"errors"
	"image/png"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// twoStepQRSize is the QR code's width in pixels: large enough for a phone's camera
// at arm's length, small enough for a narrow screen.
const twoStepQRSize = 240

type twoStepPage struct {
	layout
	Required bool                   // the role requires it, and it is off
	Secret   string                 // the secret being set up, grouped by four
	Status   accounts.TwoStepStatus // when it is on
	On       bool
	Message  string            // why the last form was refused
	Errors   map[string]string // the turn-off form's, by field
	Codes    []string          // the recovery codes, shown once, just after turning it on
}

// GET /admin/account/2fa shows the signed-in staff member's two-step sign-in: while it
// is off, a QR code and the secret to add to an authenticator app, and the form that
// turns it on; while it is on, what is left of the recovery codes and the form that
// turns it off.
func (s *Server) adminTwoStep(c *gin.Context) {
	s.showTwoStep(c, http.StatusOK, twoStepPage{})
}

// showTwoStep fills page for the signed-in staff member and renders it.
func (s *Server) showTwoStep(c *gin.Context, status int, page twoStepPage) {
	ctx, me := c.Request.Context(), staff(c)
	page.layout = s.adminLayout(c, "Two-step sign-in")
	page.On = me.TwoStepOn()
	if page.On {
		st, err := s.accounts.TwoStepStatus(ctx, me)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Status = st
	} else {
		required, err := s.accounts.TwoStepRequired(ctx, me)
		if err != nil {
			s.fail(c, err)
			return
		}
		setup, err := s.accounts.PendingTwoStep(ctx, me, s.siteName)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Required, page.Secret = required, setup.Secret()
	}
	s.render(c, status, "admin/two_step", page)
}

// GET /admin/account/2fa/qr.png draws the QR code of the secret being set up, on the
// server: no outside service sees the secret, and the page needs no data: URL. 404
// while two-step sign-in is on, as its secret is never shown again.
func (s *Server) adminTwoStepQR(c *gin.Context) {
	setup, err := s.accounts.PendingTwoStep(c.Request.Context(), staff(c), s.siteName)
	if errors.Is(err, accounts.ErrTwoStepOn) {
		s.notFound(c)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	img, err := setup.QR(twoStepQRSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/png", buf.Bytes())
}

// POST /admin/account/2fa turns two-step sign-in on once the code typed (field code)
// is right for the secret shown, and shows the recovery codes. They are shown in the
// answer to this POST, not after a redirect, because they exist in clear only here:
// only their hashes are stored. A wrong code shows the page again (422) with the same
// secret.
func (s *Server) adminTwoStepEnable(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	codes, err := s.accounts.EnableTwoStep(c.Request.Context(), staff(c), c.PostForm("code"))
	switch {
	case err == nil:
		page := twoStepPage{layout: s.adminLayout(c, "Your recovery codes"), On: true, Codes: codes}
		s.render(c, http.StatusOK, "admin/two_step", page)
	case errors.Is(err, accounts.ErrTwoStepOn):
		c.Redirect(http.StatusSeeOther, "/admin/account/2fa")
	case errors.Is(err, accounts.ErrWrongCode), errors.Is(err, accounts.ErrTwoStepSetupExpired):
		d, _ := describeIn("two-step-setup", err)
		s.showTwoStep(c, http.StatusUnprocessableEntity, twoStepPage{Message: d.message})
	default:
		s.fail(c, err)
	}
}

// POST /admin/account/2fa/disable turns the signed-in staff member's two-step sign-in
// off, with their password or a code (fields password and code) as proof (see
// accounts.Service.DisableTwoStep). A refusal shows the page again with the reason.
func (s *Server) adminTwoStepDisable(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	proof := accounts.TwoStepTurnOff{Password: c.PostForm("password"), Code: c.PostForm("code")}
	err := s.accounts.DisableTwoStep(c.Request.Context(), staff(c), proof, s.clientSubject(c))
	var invalid *model.ValidationError
	var locked *accounts.LockedOutError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/admin/account/2fa?done=two-step-off")
		return
	case errors.As(err, &invalid):
		s.showTwoStep(c, http.StatusUnprocessableEntity, twoStepPage{Errors: invalid.Fields})
		return
	case errors.As(err, &locked):
		c.Header("Retry-After", strconv.Itoa(int(locked.RetryAfter.Seconds())))
	case errors.Is(err, accounts.ErrWrongPassword):
		if err != accounts.ErrWrongPassword {
			s.log.ErrorContext(c.Request.Context(), "password check failed", "error", err.Error())
		}
	case errors.Is(err, accounts.ErrWrongCode), errors.Is(err, accounts.ErrCodeReused),
		errors.Is(err, accounts.ErrRecoveryCodeUsed), errors.Is(err, accounts.ErrTwoStepRequired):
	default:
		s.fail(c, err)
		return
	}
	d, _ := describe(err)
	s.showTwoStep(c, d.status, twoStepPage{Message: d.message})
}
