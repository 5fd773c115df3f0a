package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

type dashboardPage struct {
	layout
	Counts   map[string]int // by status
	Articles []model.ArticleSummary
}

// GET /admin/ is the staff home page.
func (s *Server) adminHome(c *gin.Context) {
	view := dashboardPage{layout: s.adminLayout(c, "Dashboard")}
	if staff(c).Role.Can(model.PermModerateComments) {
		counts, err := s.store.CommentCounts(c.Request.Context())
		if err != nil {
			s.fail(c, err)
			return
		}
		view.Counts = map[string]int{}
		for status, n := range counts {
			view.Counts[string(status)] = n
		}
		if view.Articles, err = s.store.PublishedArticles(c.Request.Context(), 100, 0); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "admin/home", view)
}
