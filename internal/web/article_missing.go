package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// publicPath is the public address of an article or page: /articles/SLUG or
// /pages/SLUG.
func publicPath(kind model.ArticleKind, slug string) string {
	if kind == model.KindPage {
		return "/pages/" + url.PathEscape(slug)
	}
	return "/articles/" + url.PathEscape(slug)
}

// articleMissing answers a request for /articles/:slug… (kind article) or
// /pages/:slug (kind page), whose published article or page was not found (err), as
// the address deserves: an address it had before its slug changed moves permanently
// (301) to the new one, with suffix (such as "/comments.xml") and without the query
// string; a page asked for at /articles/ moves to its /pages/ address; an archived one
// is gone (410); anything else, including a draft, one in review or a scheduled one,
// and an article asked for at /pages/, is not found, so that nothing unpublished can
// be discovered. Other errors go to fail.
func (s *Server) articleMissing(c *gin.Context, err error, kind model.ArticleKind, suffix string) {
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
	_, status, found, err := s.store.ArticleStatusBySlug(ctx, slug)
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.notFound(c)
	case err != nil:
		s.fail(c, err)
	case found == model.KindPage && kind == model.KindArticle && status == model.ArticlePublished && suffix == "":
		c.Redirect(http.StatusMovedPermanently, publicPath(found, slug))
	case found != kind:
		s.notFound(c)
	case status == model.ArticleArchived:
		s.gone(c, kind)
	case status == model.ArticlePublished && slug != c.Param("slug"):
		c.Redirect(http.StatusMovedPermanently, publicPath(kind, slug)+suffix)
	default:
		s.notFound(c)
	}
}

// gone tells the reader that the article or page at this address was withdrawn (410).
func (s *Server) gone(c *gin.Context, kind model.ArticleKind) {
	if kind == model.KindPage {
		s.renderError(c, http.StatusGone, "This page has been withdrawn",
			"The page that was here has been taken off the site by its editors. The pages that remain are listed at the foot of every page.")
		return
	}
	s.renderError(c, http.StatusGone, "This article has been withdrawn",
		"The article that was here has been taken off the site by its editors. Other articles are listed on the home page.")
}
