package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// POST /admin/articles/:id/replies opens (open=1) or closes (open=0) an article to new
// replies; the replies it has stay.
func (s *Server) adminArticleReplies(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	open := c.PostForm("open") == "1"
	if err := s.moderation.SetRepliesOpen(c.Request.Context(), id, open); err != nil {
		s.fail(c, err)
		return
	}
	done := "replies-closed"
	if open {
		done = "replies-opened"
	}
	c.Redirect(http.StatusSeeOther, "/admin/?done="+done)
}
