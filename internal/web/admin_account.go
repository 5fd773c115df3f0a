package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// accountPath is one's own account page: profile, password, two-step sign-in and
// sign-ins.
const accountPath = "/admin/account"

// accountSections are the parts of one's own account page besides the profile.
type accountSections struct {
	PasswordErrors map[string]string // the change-password form's, by field
	MailErrors     map[string]string // the mail form's
	SignIns        []accounts.RecentSignIn
	TwoStep        accounts.TwoStepStatus
	Mail           accountMail
}

// accountMail is what the account page says about mail: what its owner is told, and
// their choice about replies waiting.
type accountMail struct {
	On bool // the site sends mail
	// What the role is told about; Moderates also chooses how (Choice).
	Moderates, Reviews, Writes, Publishes bool
	Choice                                model.ModerationMail
	Choices                               []model.ModerationMail
}

// moderationMailChoices are the choices of the account page, in its order.
var moderationMailChoices = []model.ModerationMail{model.ModerationMailEach, model.ModerationMailDaily, model.ModerationMailNone}

// loadAccountSections fills what the account page of me shows from the database.
func (s *Server) loadAccountSections(c *gin.Context, me *model.User, a *accountSections) error {
	ctx := c.Request.Context()
	var err error
	if a.SignIns, err = s.accounts.SignIns(ctx, me, s.sessionToken(c)); err != nil {
		return err
	}
	a.TwoStep, err = s.accounts.TwoStepStatus(ctx, me)
	a.Mail = accountMail{
		On:        s.mail.On(),
		Moderates: me.Role.Can(model.PermModerateComments),
		Reviews:   me.Role.Can(model.PermReviewArticles),
		Writes:    me.Role.Can(model.PermEditOwnArticles),
		Publishes: me.Role.Can(model.PermPublish),
		Choice:    me.ModerationMail,
		Choices:   moderationMailChoices,
	}
	return err
}

// GET /admin/account shows the signed-in staff member's own account: their profile
// form, the change-password form, their two-step sign-in and their open sign-ins.
func (s *Server) adminAccount(c *gin.Context) {
	s.showProfileForm(c, staff(c).ID, accountPath)
}

// POST /admin/account saves the signed-in staff member's own profile.
func (s *Server) adminAccountPost(c *gin.Context) {
	s.saveProfile(c, staff(c).ID, accountPath)
}

// POST /admin/account/password changes the signed-in staff member's password (fields
// current_password, new_password and new_password_confirm) and ends their other
// sessions (see accounts.Service.ChangePassword). A refused change shows the account
// page again with the reason beside the field, and changes nothing: 422, or 429 with
// Retry-After while locked out.
func (s *Server) adminAccountPassword(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	me := staff(c)
	change := accounts.PasswordChange{Current: c.PostForm(accounts.FieldCurrentPassword), New: c.PostForm(accounts.FieldNewPassword)}
	var err error
	if c.PostForm("new_password_confirm") != change.New {
		// Typing it twice is the form's own check, made before anything else.
		err = &model.ValidationError{Fields: map[string]string{"new_password_confirm": "The two new passwords are not the same. Type the new password twice."}}
	} else {
		err = s.accounts.ChangePassword(c.Request.Context(), me, s.sessionToken(c), change, s.clientSubject(c))
	}
	var invalid *model.ValidationError
	var locked *accounts.LockedOutError
	fields := map[string]string{}
	status := http.StatusUnprocessableEntity
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, accountPath+"?done=password-changed#password")
		return
	case errors.As(err, &invalid):
		fields = invalid.Fields
	case errors.Is(err, accounts.ErrWrongPassword):
		if err != accounts.ErrWrongPassword { // a stored hash that could not be checked
			s.log.ErrorContext(c.Request.Context(), "password check failed", "error", err.Error())
		}
		d, _ := describe(accounts.ErrWrongPassword)
		fields[accounts.FieldCurrentPassword] = d.message
	case errors.As(err, &locked):
		d, _ := describe(err)
		c.Header("Retry-After", strconv.Itoa(int(locked.RetryAfter.Seconds())))
		status, fields[accounts.FieldCurrentPassword] = d.status, d.message
	default:
		s.fail(c, err)
		return
	}
	s.renderProfileForm(c, status, profilePage{Action: accountPath, Person: me, Form: profileFormOf(me),
		Account: &accountSections{PasswordErrors: fields}})
}

// POST /admin/account/sign-out-others ends every session of the signed-in staff
// member but this one.
func (s *Server) adminAccountSignOutOthers(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	if _, err := s.accounts.SignOutOthers(c.Request.Context(), staff(c), s.sessionToken(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, accountPath+"?done=signed-out-others#sign-ins")
}

// POST /admin/account/mail saves what the signed-in moderator hears about replies
// waiting (field moderation_mail: each, daily or none).
func (s *Server) adminAccountMail(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	err := s.accounts.SetModerationMail(c.Request.Context(), staff(c), model.ModerationMail(c.PostForm(accounts.FieldModerationMail)))
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, accountPath+"?done=mail-saved#mail")
	case errors.As(err, &invalid):
		me := staff(c)
		s.renderProfileForm(c, http.StatusUnprocessableEntity, profilePage{Action: accountPath, Person: me, Form: profileFormOf(me),
			Account: &accountSections{MailErrors: invalid.Fields}})
	default:
		s.fail(c, err)
	}
}
