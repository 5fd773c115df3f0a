package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// ArticlesPerPage is the length of a page of the article list.
const ArticlesPerPage = 10

type homePage struct {
	layout
	Articles []model.ArticleSummary
	Page     int
	PrevURL  string
	NextURL  string
}

// GET /?page=N lists published articles, newest first.
func (s *Server) home(c *gin.Context) {
	page, ok := pageNumber(c)
	if !ok {
		s.notFound(c)
		return
	}
	ctx := c.Request.Context()
	// One article more than a page shows whether there is a next page, without
	// counting every published article.
	articles, err := s.store.PublishedArticles(ctx, ArticlesPerPage+1, (page-1)*ArticlesPerPage)
	if err != nil {
		s.fail(c, err)
		return
	}
	if page > 1 && len(articles) == 0 {
		s.notFound(c)
		return
	}
	more := len(articles) > ArticlesPerPage
	articles = articles[:min(len(articles), ArticlesPerPage)]
	view := homePage{
		layout:   s.layout(c, "", "Health articles reviewed by medical professionals, with their sources."),
		Articles: articles,
		Page:     page,
	}
	if page > 1 {
		view.Title = "Articles, page " + strconv.Itoa(page)
		view.CanonicalURL += "?page=" + strconv.Itoa(page)
		view.PrevURL = pageURL("/", page-1)
	}
	if more {
		view.NextURL = pageURL("/", page+1)
	}
	s.render(c, http.StatusOK, "home", view)
}

// pageNumber reads ?page=N; a missing page is the first, anything but a positive
// number is not a page.
func pageNumber(c *gin.Context) (int, bool) {
	raw, present := c.GetQuery("page")
	if !present {
		return 1, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, false
	}
	return n, true
}

func pageURL(base string, page int) string {
	if page <= 1 {
		return base
	}
	return base + "?page=" + strconv.Itoa(page)
}
