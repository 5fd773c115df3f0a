package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// pageView is a standalone page as readers see it.
type pageView struct {
	layout
	Page *model.Article
	Body template.HTML
}

// GET /pages/:slug shows a published page (About, Editorial policy…): its text, its
// medical review and its references, without byline, tags or replies. An old address
// of a renamed page redirects, a withdrawn page is gone (410), and an article is not
// found here: its address is /articles/SLUG.
func (s *Server) pageShow(c *gin.Context) {
	page, err := s.store.PublishedArticle(c.Request.Context(), c.Param("slug"))
	if err == nil && !page.IsPage() {
		err = model.ErrNotFound
	}
	if err != nil {
		s.articleMissing(c, err, model.KindPage, "")
		return
	}
	body, err := s.bodies.get(page)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := pageView{layout: s.layout(c, page.Title, page.Summary), Page: page, Body: body}
	if view.JSONLD, err = s.articleJSONLD(page, s.publicURL+publicPath(page.Kind, page.Slug)); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "page", view)
}
