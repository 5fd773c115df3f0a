package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"sync"

	"github.com/gin-gonic/gin"
)

// footerLink is a link in the footer of every public page.
type footerLink struct {
	Title string
	URL   string
}

// siteFooterLinks come after the pages an editor placed in the footer, always in this
// order. A link is shown only when its route is in the route table (see
// fixedFooterLinks), so the footer never points to an address that is not answered.
var siteFooterLinks = []footerLink{
	{Title: "Medical review board", URL: "/medical-review-board"},
	{Title: "Privacy", URL: "/privacy"},
}

// fixedFooterLinks returns the links of siteFooterLinks that routes answer with a GET.
func fixedFooterLinks(routes []Route) []footerLink {
	var links []footerLink
	for _, l := range siteFooterLinks {
		for _, r := range routes {
			if r.Method == http.MethodGet && r.Path == l.URL {
				links = append(links, l)
				break
			}
		}
	}
	return links
}

// footerCache keeps the footer for one content version: the pages in it change only
// with the articles table, whose every change moves the version (migration 0005), so
// a page rendered after a change never shows the footer from before it, and pages
// rendered between changes read nothing from the database for their footer and
// render it not at all.
type footerCache struct {
	mu      sync.Mutex
	version int64
	html    template.HTML
	ok      bool
}

// footer returns the footer's links for this request: the published pages with a
// footer position, in order, then the fixed links. If the pages cannot be read, the
// page shows the fixed links alone and is not cached.
func (s *Server) footer(c *gin.Context) template.HTML {
	ctx := c.Request.Context()
	// A cached route's request reads the version once (see cachePage).
	version, err := s.store.ContentVersion(ctx)
	if err != nil {
		return s.footerUnread(c, err)
	}
	s.footers.mu.Lock()
	if s.footers.ok && s.footers.version == version {
		html := s.footers.html
		s.footers.mu.Unlock()
		return html
	}
	s.footers.mu.Unlock()

	pages, err := s.store.FooterPages(ctx)
	if err != nil {
		return s.footerUnread(c, err)
	}
	links := make([]footerLink, 0, len(pages)+len(s.fixedLinks))
	for _, p := range pages {
		links = append(links, footerLink{Title: p.Title, URL: "/pages/" + url.PathEscape(p.Slug)})
	}
	html, err := s.renderFooter(append(links, s.fixedLinks...))
	if err != nil {
		return s.footerUnread(c, err)
	}
	s.footers.mu.Lock()
	// Read at version or later: never older than the pages cached with it.
	s.footers.version, s.footers.html, s.footers.ok = version, html, true
	s.footers.mu.Unlock()
	return html
}

// renderFooter renders the footer's list of links.
func (s *Server) renderFooter(links []footerLink) (template.HTML, error) {
	var buf bytes.Buffer
	err := s.pages.footer.Execute(&buf, struct {
		SiteName string
		Links    []footerLink
	}{s.siteName, links})
	return template.HTML(buf.String()), err // the partial's output, escaped by html/template
}

// footerUnread logs why the footer's pages could not be read and keeps the page out of
// the page cache, which would otherwise serve it without them until the next change.
func (s *Server) footerUnread(c *gin.Context, err error) template.HTML {
	s.log.ErrorContext(c.Request.Context(), "read footer pages", "error", err.Error())
	c.Header("Cache-Control", "no-store")
	return s.fixedFooter
}
