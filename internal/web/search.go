package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

type searchPage struct {
	layout
	Query   string // what the reader typed, cut to model.MaxSearchQuery characters
	NoWords bool   // the query has no word to look for
	Total   int
	More    bool // more than Total articles match; the newest Total were ranked
	Hits    []searchHit
	Page    int
	PrevURL string
	NextURL string
}

// searchHit is one result: its title and excerpt are escaped text with the matches
// in <mark>, made by internal/render from the store's snippets (whose match marks,
// store.SnippetStart and SnippetEnd, are render.MatchStart and MatchEnd).
type searchHit struct {
	URL         string
	Title       template.HTML
	Excerpt     template.HTML
	AuthorName  string
	PublishedAt time.Time
}

// GET /search?q=…&page=N finds published articles with every word of q in their
// title, summary or body, best first, ten to a page. A query without a word of letters
// or digits shows how to search. Results are never indexed by search engines.
func (s *Server) search(c *gin.Context) {
	page, ok := pageNumber(c)
	if !ok {
		s.notFound(c)
		return
	}
	query := model.CutSearchQuery(c.Query("q"))
	terms := model.SearchTerms(query)
	view := searchPage{
		layout:  s.layout(c, "Search", "Search the health articles of "+s.siteName+"."),
		Query:   query,
		NoWords: len(terms) == 0,
		Page:    page,
	}
	view.NoIndex, view.SearchPage = true, true
	if query != "" {
		view.Title = "Search: " + query
	}
	if view.NoWords {
		if page > 1 {
			s.notFound(c)
			return
		}
		s.render(c, http.StatusOK, "search", view)
		return
	}
	hits, total, err := s.store.SearchArticles(c.Request.Context(), terms, ArticlesPerPage, (page-1)*ArticlesPerPage)
	if err != nil {
		s.fail(c, err)
		return
	}
	if page > 1 && len(hits) == 0 {
		s.notFound(c)
		return
	}
	view.Total, view.More = min(total, store.MaxSearchMatches), total > store.MaxSearchMatches
	for _, h := range hits {
		view.Hits = append(view.Hits, searchHit{
			URL:         "/articles/" + url.PathEscape(h.Slug),
			Title:       render.Highlight(h.TitleSnippet),
			Excerpt:     render.SearchExcerpt(h.Snippet),
			AuthorName:  h.AuthorName,
			PublishedAt: h.PublishedAt,
		})
	}
	if page > 1 {
		view.Title += ", page " + strconv.Itoa(page)
		view.PrevURL = searchURL(query, page-1)
	}
	if page*ArticlesPerPage < view.Total {
		view.NextURL = searchURL(query, page+1)
	}
	s.render(c, http.StatusOK, "search", view)
}

func searchURL(query string, page int) string {
	v := url.Values{"q": {query}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/search?" + v.Encode()
}
