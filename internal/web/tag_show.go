package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

type tagPage struct {
	layout
	Tag      *model.Tag
	Total    int
	Articles []model.ArticleSummary
	Page     int
	PrevURL  string
	NextURL  string
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
		layout:   s.layout(c, tag.Name, "Articles about "+tag.Name+" on "+s.siteName+", medically reviewed, with their sources."),
		Tag:      tag,
		Total:    total,
		Articles: articles,
		Page:     page,
	}
	view.CanonicalURL = s.publicURL + base
	if page > 1 {
		view.Title = tag.Name + ", page " + strconv.Itoa(page)
		view.CanonicalURL += "?page=" + strconv.Itoa(page)
		view.PrevURL = pageURL(base, page-1)
	}
	if page < lastPage {
		view.NextURL = pageURL(base, page+1)
	}
	s.render(c, http.StatusOK, "tag", view)
}
