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
	articleList
}

// articleList is one page of a list of articles with its newer and older links, as
// the "article_pagination" partial shows them.
type articleList struct {
	Articles []model.ArticleSummary
	Page     int
	PrevURL  string
	NextURL  string
}

// listPage makes page number page of the list at base, whose later pages exist if
// more; past the first page, it numbers l's title (after title) and canonical address.
func listPage(l *layout, base, title string, articles []model.ArticleSummary, page int, more bool) articleList {
	list := articleList{Articles: articles, Page: page}
	if page > 1 {
		l.Title = title + ", page " + strconv.Itoa(page)
		l.CanonicalURL += "?page=" + strconv.Itoa(page)
		list.PrevURL = pageURL(base, page-1)
	}
	if more {
		list.NextURL = pageURL(base, page+1)
	}
	return list
}

// GET /?page=N lists published articles, newest first.
func (s *Server) home(c *gin.Context) {
	if c.Request.URL.RawQuery != "" && s.redirectHomeQuery(c) {
		return
	}
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
	view := homePage{layout: s.layout(c, "", "Health articles reviewed by medical professionals, with their sources.")}
	view.articleList = listPage(&view.layout, "/", "Articles", articles, page, more)
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
