package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

type tagPage struct {
	layout
	articleList
	Tag   *model.Tag
	Total int
}

// GET /tags/:tag?page=N lists the published articles with a tag, newest first, ten to
// a page. An unknown tag, a page past the last, and a tag that only unpublished
// articles have (whose name may say what is coming) are not found.
func (s *Server) tagShow(c *gin.Context) {
	page, ok := pageNumber(c)
	if !ok {
		s.notFound(c)
		return
	}
	ctx := c.Request.Context()
	tag, err := s.store.TagBySlug(ctx, c.Param("tag"))
	if err != nil {
		s.fail(c, err)
		return
	}
	total, err := s.store.CountPublishedArticlesWithTag(ctx, tag.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	lastPage := (total + ArticlesPerPage - 1) / ArticlesPerPage
	if page > lastPage {
		s.notFound(c)
		return
	}
	articles, err := s.store.PublishedArticlesWithTag(ctx, tag.ID, ArticlesPerPage, (page-1)*ArticlesPerPage)
	if err != nil {
		s.fail(c, err)
		return
	}
	base := "/tags/" + url.PathEscape(tag.Slug)
	view := tagPage{
		layout: s.layout(c, tag.Name, "Articles about "+tag.Name+" on "+s.siteName+", medically reviewed, with their sources."),
		Tag:    tag,
		Total:  total,
	}
	view.CanonicalURL = s.publicURL + base
	view.articleList = listPage(&view.layout, base, tag.Name, articles, page, page < lastPage)
	s.render(c, http.StatusOK, "tag", view)
}
