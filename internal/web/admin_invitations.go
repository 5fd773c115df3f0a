package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/model"
)

// POST /admin/users/invite invites someone to the staff by email (fields name, email,
// role and credentials; no password): see accounts.Service.Invite. Offered only while
// the site sends mail; otherwise the page says so again (409).
func (s *Server) adminUsersInvite(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	form := userFormOf(c)
	if !s.mail.On() {
		s.showUsers(c, http.StatusConflict, usersPage{InviteForm: form})
		return
	}
	_, err := s.accounts.Invite(c.Request.Context(), staff(c), accounts.Invitation{
		Name: form.Name, Email: form.Email, Role: model.Role(form.Role), Credentials: form.Credentials,
	})
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/admin/users?done=invited#invited")
	case errors.As(err, &invalid):
		s.showUsers(c, http.StatusUnprocessableEntity, usersPage{InviteForm: form, InviteErrors: invalid.Fields})
	case errors.Is(err, accounts.ErrEmailTaken), errors.Is(err, accounts.ErrAlreadyInvited):
		d, _ := describe(err)
		s.showUsers(c, d.status, usersPage{InviteForm: form, InviteErrors: map[string]string{model.UserFieldEmail: d.message}})
	default:
		s.fail(c, err)
	}
}

// POST /admin/users/:id/invitation sends an invited person a new link, which replaces
// the one sent before.
func (s *Server) adminUserInvitation(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok || !s.readForm(c) {
		return
	}
	if !s.mail.On() {
		s.showUsers(c, http.StatusConflict, usersPage{})
		return
	}
	if _, err := s.accounts.ResendInvitation(c.Request.Context(), staff(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done=invitation-sent#invited")
}

// GET /admin/invitation?token=T shows the form with which an invited person chooses
// their password, or says that the link no longer works (410).
func (s *Server) invitation(c *gin.Context) {
	keepLinkPrivate(c)
	token := c.Query("token")
	u, err := s.accounts.CheckInvitation(c.Request.Context(), token)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showNewPassword(c, http.StatusOK, newPasswordPage{Action: mail.InvitationPath, Token: token, Person: u, Invitation: true})
}

// POST /admin/invitation sets an invited person's first password (fields token,
// password and password_confirm) and sends them to sign in with it: 303. A refused
// password shows the form again (422); a link that no longer works says so (410).
func (s *Server) invitationPost(c *gin.Context) {
	s.setPasswordByLink(c, passwordLink{
		page:  newPasswordPage{Action: mail.InvitationPath, Invitation: true},
		check: s.accounts.CheckInvitation, set: s.accounts.AcceptInvitation, done: "invitation-accepted",
	})
}
