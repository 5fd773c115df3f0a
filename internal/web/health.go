package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// GET /healthz answers 200 when the database answers, for load balancers and monitors.
func (s *Server) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if err := s.store.Ping(c.Request.Context()); err != nil {
		s.log.ErrorContext(c.Request.Context(), "health check failed", "error", err.Error())
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}
