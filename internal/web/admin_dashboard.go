package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/store"
)

type dashboardPage struct {
	layout
	Work *publishing.Dashboard // nil for those who work on no articles
	// Replies, for moderators.
	Counts         map[string]int // by status
	WaitingReplies []store.ArticleReplies
	Articles       []model.ArticleSummary
	DueSoonDays    int
}

// GET /admin/ is the staff home page: the work waiting for the signed-in person, by
// what their role does.
func (s *Server) adminHome(c *gin.Context) {
	ctx, u := c.Request.Context(), staff(c)
	view := dashboardPage{layout: s.adminLayout(c, "Dashboard"), DueSoonDays: int(publishing.DueSoon.Hours() / 24)}
	work, err := s.publishing.Dashboard(ctx, u)
	switch {
	case err == nil:
		view.Work = work
	case err != model.ErrForbidden:
		s.fail(c, err)
		return
	}
	if u.Role.Can(model.PermModerateComments) {
		counts, err := s.store.CommentCounts(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		view.Counts = map[string]int{}
		for status, n := range counts {
			view.Counts[string(status)] = n
		}
		if view.Counts["reported"], err = s.store.CountReported(ctx); err != nil {
			s.fail(c, err)
			return
		}
		if view.WaitingReplies, err = s.store.PendingRepliesByArticle(ctx, 20); err != nil {
			s.fail(c, err)
			return
		}
		if view.Articles, err = s.store.PublishedArticles(ctx, 100, 0); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "admin/home", view)
}
