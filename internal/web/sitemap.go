package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// sitemapURLSet is a sitemap (https://www.sitemaps.org/protocol.html).
type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	XMLNS   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// GET /sitemap.xml lists the pages search engines should know: the home page, every
// published article, every tag that has one and every published page (at its /pages/
// address), each with when it last changed, the medical review board and every public
// staff profile. Search results and staff pages are not in it.
func (s *Server) sitemap(c *gin.Context) {
	ctx := c.Request.Context()
	articles, err := s.store.SitemapArticles(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	tags, err := s.store.SitemapTags(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages, err := s.store.SitemapPages(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	profiles, err := s.store.SitemapProfiles(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	set := sitemapURLSet{XMLNS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	var newest time.Time
	for _, a := range articles {
		if a.UpdatedAt.After(newest) {
			newest = a.UpdatedAt
		}
	}
	home := sitemapURL{Loc: s.publicURL + "/"}
	if !newest.IsZero() {
		home.LastMod = newest.Format(time.RFC3339)
	}
	set.URLs = append(set.URLs, home)
	for _, a := range articles {
		set.URLs = append(set.URLs, sitemapURL{
			Loc: s.publicURL + "/articles/" + url.PathEscape(a.Slug), LastMod: a.UpdatedAt.Format(time.RFC3339),
		})
	}
	for _, t := range tags {
		set.URLs = append(set.URLs, sitemapURL{
			Loc: s.publicURL + "/tags/" + url.PathEscape(t.Slug), LastMod: t.UpdatedAt.Format(time.RFC3339),
		})
	}
	for _, p := range pages {
		set.URLs = append(set.URLs, sitemapURL{
			Loc: s.publicURL + publicPath(model.KindPage, p.Slug), LastMod: p.UpdatedAt.Format(time.RFC3339),
		})
	}
	set.URLs = append(set.URLs, sitemapURL{Loc: s.publicURL + "/medical-review-board"})
	for _, p := range profiles {
		set.URLs = append(set.URLs, sitemapURL{
			Loc: s.publicURL + "/authors/" + url.PathEscape(p.Slug), LastMod: p.UpdatedAt.Format(time.RFC3339),
		})
	}
	body, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), body...))
}

// GET /robots.txt lets crawlers read every public page, keeps them out of the staff
// pages, and points them to the sitemap.
func (s *Server) robots(c *gin.Context) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	b.WriteString("Allow: /\n")
	b.WriteString("Disallow: /admin/\n")
	b.WriteString("\nSitemap: " + s.publicURL + "/sitemap.xml\n")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}
