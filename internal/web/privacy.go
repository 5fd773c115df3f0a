package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

type privacyPolicyPage struct {
	layout
	Policy model.Policy
	Mail   bool // the site sends mail, so offers emails about replies
}

// GET /privacy tells readers what is kept about them when they reply, why, for how
// long and how to have it sent or erased, from the site's current settings.
func (s *Server) privacyPolicy(c *gin.Context) {
	p, err := s.store.Policy(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	view := privacyPolicyPage{
		layout: s.layout(c, "Privacy", "What "+s.siteName+" keeps about the people who reply to its articles, why, for how long, and how to get a copy or have it erased."),
		Policy: p,
		Mail:   s.mail.On(),
	}
	s.render(c, http.StatusOK, "privacy", view)
}
