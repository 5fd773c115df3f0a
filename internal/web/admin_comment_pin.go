package web

import (
	"strconv"

	"github.com/gin-gonic/gin"
)

// POST /admin/comments/:id/pin lists a clinician's answer first under the reply it
// answers, and comes back to the queue page it was sent from.
func (s *Server) adminCommentPin(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	if err := s.moderation.Pin(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, "pinned", 1)
}

// POST /admin/comments/:id/unpin puts a pinned answer back among the others, and comes
// back to the queue page it was sent from.
func (s *Server) adminCommentUnpin(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	was, err := s.moderation.Unpin(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	n := 0
	if was {
		n = 1
	}
	s.redirectBack(c, "unpinned", n)
}
