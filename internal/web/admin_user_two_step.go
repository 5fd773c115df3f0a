package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

type userTwoStepPage struct {
	layout
	Person *model.User
	Status accounts.TwoStepStatus
	Self   bool // the administrator's own account
}

// GET /admin/users/:id/two-step shows an account's two-step sign-in to an
// administrator, with the form that resets it for someone who lost their device.
func (s *Server) adminUserTwoStep(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok {
		return
	}
	u, st, err := s.accounts.TwoStepOf(c.Request.Context(), staff(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := userTwoStepPage{layout: s.adminLayout(c, "Two-step sign-in of "+u.Name), Person: u, Status: st, Self: u.ID == staff(c).ID}
	s.render(c, http.StatusOK, "admin/user_two_step", page)
}

// POST /admin/users/:id/two-step/reset turns an account's two-step sign-in off, for
// administrators (see accounts.Service.ResetTwoStep); the audit log records it.
func (s *Server) adminUserTwoStepReset(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, ok := s.userID(c)
	if !ok {
		return
	}
	was, err := s.accounts.ResetTwoStep(c.Request.Context(), staff(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	done := "two-step-reset"
	if !was {
		done = "two-step-was-off"
	}
	c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(id, 10)+"/two-step?done="+done)
}
