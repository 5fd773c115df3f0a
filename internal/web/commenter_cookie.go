package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// The commenter cookie remembers the latest replies a browser sent, signed, for the
// rule that publishes a known commenter's reply at once (moderation's known.go): only
// the browser that wrote an approved reply can claim it, so a guessed email proves
// nothing. It is set only while that rule is on, and holds nothing but reply numbers.
const (
	commenterCookie         = "fascicle_commenter"
	commenterCookieReplies  = 3
	commenterCookieLifetime = 365 * 24 * time.Hour
)

// earlierReplies returns the replies the request's commenter cookie proves this
// browser sent, or nil.
func (s *Server) earlierReplies(c *gin.Context) []int64 {
	value, err := c.Cookie(commenterCookie)
	if err != nil || value == "" {
		return nil
	}
	return s.tokens.CommenterReplies(value, s.now())
}

// rememberReply puts reply id first in the browser's commenter cookie, before the
// earlier ones it proved.
func (s *Server) rememberReply(c *gin.Context, earlier []int64, id int64) {
	ids := append([]int64{id}, earlier...)
	if len(ids) > commenterCookieReplies {
		ids = ids[:commenterCookieReplies]
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     commenterCookie,
		Value:    s.tokens.Commenter(ids, s.now().Add(commenterCookieLifetime)),
		Path:     "/",
		MaxAge:   int(commenterCookieLifetime.Seconds()),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}
