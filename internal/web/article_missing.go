package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// articleMissing answers a request for /articles/:slug…, whose published article was
// not found (err), as the address deserves: an address the article had before its
// slug changed moves permanently (301) to the new one, with suffix (such as
// "/comments.xml") and without the query string; an archived article is gone (410);
// anything else, including a draft, an article in review or a scheduled one, is not
// found, so that nothing unpublished can be discovered. Other errors go to fail.
func (s *Server) articleMissing(c *gin.Context, err error, suffix string) {
	if !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	slug := c.Param("slug")
	if current, err := s.store.RedirectSlug(ctx, slug); err == nil {
		slug = current
	} else if !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	_, status, _, err := s.store.ArticleStatusBySlug(ctx, slug)
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.notFound(c)
	case err != nil:
		s.fail(c, err)
	case status == model.ArticleArchived:
		s.gone(c)
	case status == model.ArticlePublished && slug != c.Param("slug"):
		c.Redirect(http.StatusMovedPermanently, "/articles/"+url.PathEscape(slug)+suffix)
	default:
		s.notFound(c)
	}
}

// gone tells the reader that the article at this address was withdrawn (410).
func (s *Server) gone(c *gin.Context) {
	s.renderError(c, http.StatusGone, "This article has been withdrawn",
		"The article that was here has been taken off the site by its editors. Other articles are listed on the home page.")
}
