package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// noRoute answers an address no route has: an old address of an imported article
// moves permanently (301) to its address here, WordPress's conventional addresses
// (/feed/, /tag/…/, /category/…/) move to ours, and anything else is not found.
func (s *Server) noRoute(c *gin.Context) {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		s.notFound(c)
		return
	}
	path := model.OldPathAddress(c.Request.URL.Path)
	if s.redirectOldAddress(c, path) {
		return
	}
	if to, ok := wordPressAddress(path); ok {
		c.Redirect(http.StatusMovedPermanently, to)
		return
	}
	s.notFound(c)
}

// redirectHomeQuery answers WordPress's numeric addresses and its search, all of
// which are the site root with a query: /?p=ID, /?page_id=ID and /?s=WORDS. It
// reports whether it answered.
func (s *Server) redirectHomeQuery(c *gin.Context) bool {
	q := c.Request.URL.Query()
	for _, key := range []string{"p", "page_id"} {
		id, err := strconv.ParseInt(q.Get(key), 10, 64)
		if err != nil {
			continue
		}
		address := model.OldPostAddress(id)
		if key == "page_id" {
			address = model.OldPageAddress(id)
		}
		if s.redirectOldAddress(c, address) {
			return true
		}
	}
	if words, ok := q["s"]; ok {
		c.Redirect(http.StatusMovedPermanently, "/search?q="+url.QueryEscape(strings.Join(words, " ")))
		return true
	}
	return false
}

// redirectOldAddress answers address if it is an old address of an article: 301 to
// the article when it is published, 410 when it is archived. An article that is not
// published (a post imported as a draft) is not revealed: the caller goes on as if
// the address were unknown. It reports whether it answered.
func (s *Server) redirectOldAddress(c *gin.Context, address string) bool {
	target, err := s.store.OldAddress(c.Request.Context(), address)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return false
	case err != nil:
		s.fail(c, err)
	case target.Status == model.ArticlePublished:
		c.Redirect(http.StatusMovedPermanently, publicPath(target.Kind, target.Slug))
	case target.Status == model.ArticleArchived:
		s.gone(c, target.Kind)
	default:
		return false
	}
	return true
}

// wordPressAddress returns our address for one of WordPress's own (the site feed,
// a tag's or category's archive), with the address kept as in model.OldPathAddress.
func wordPressAddress(path string) (string, bool) {
	if path == "/feed" || path == "/feed/rss2" || path == "/feed/atom" {
		return "/feed.xml", true
	}
	for _, prefix := range []string{"/tag/", "/category/"} {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok {
			continue
		}
		// A category's address holds its parents' slugs: the last one is its own.
		rest = strings.TrimSuffix(rest, "/feed")
		slug := model.Slugify(rest[strings.LastIndexByte(rest, '/')+1:])
		if slug != "" {
			return "/tags/" + slug, true
		}
	}
	return "", false
}
