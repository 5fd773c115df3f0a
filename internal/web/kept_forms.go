package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// signedOutMessage heads a form shown again because the session ended before it was
// sent (see keptForm).
const signedOutMessage = "Your session has ended, so nothing was saved. Sign in again in another tab (the link opens one), " +
	"then come back here and save: everything you typed is still below."

// keptForm keeps the work of a staff member whose session ended while they filled in a
// form (a route's KeepsForm): instead of sending them to sign in, show renders the form
// again with what they sent (401), and they sign in in another tab and send it again.
// It shows nothing that was not in the request: the sender is no longer known.
func (s *Server) keptForm(show func(*Server, *gin.Context)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if staff(c) != nil || c.Request.Method != http.MethodPost {
			c.Next()
			return
		}
		if s.readForm(c) {
			show(s, c)
		}
		c.Abort()
	}
}
