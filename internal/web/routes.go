package web

import "github.com/gin-gonic/gin"

// MaxRequestBody is the largest request body accepted. A full-length reply in a
// non-Latin script is about 200 KB once form-encoded, and must fit.
const MaxRequestBody = 256 << 10

func (s *Server) routes() {
	e := s.engine
	e.Use(s.logRequests, s.recoverPanics, securityHeaders(s.secure), s.refuseCrossOrigin, s.limitBody(MaxRequestBody))
	e.NoRoute(s.notFound)
	e.NoMethod(s.methodNotAllowed)

	getAndHead(e, "/", s.home)
	getAndHead(e, "/articles/:slug", s.articleShow)
	e.POST("/articles/:slug/comments", s.commentCreate)
	getAndHead(e, "/healthz", s.healthz)
	getAndHead(e, "/static/*path", s.staticFile)
}

// getAndHead answers HEAD like GET, without the body, as monitors and crawlers expect.
func getAndHead(e *gin.Engine, path string, h gin.HandlerFunc) {
	e.GET(path, h)
	e.HEAD(path, h)
}
