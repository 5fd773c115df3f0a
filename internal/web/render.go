package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/templates"
)

// layout is what the base template needs on every page.
type layout struct {
	SiteName     string
	Title        string // page title; the site name is added by the template
	Description  string
	CanonicalURL string
	NoIndex      bool
	Year         int
}

func (s *Server) layout(c *gin.Context, title, description string) layout {
	return layout{
		SiteName:     s.siteName,
		Title:        title,
		Description:  description,
		CanonicalURL: s.publicURL + c.Request.URL.Path,
		Year:         s.now().Year(),
	}
}

// pages holds one template set per page: the base layout, every partial and the page.
type pages struct {
	sets map[string]*template.Template
}

// loadPages parses every page once. A page that fails to parse, or that lacks the
// blocks the layout needs, stops the program at start.
func loadPages(funcs template.FuncMap) (*pages, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templates.FS, "layout/*.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, file := range files {
		set, err := template.Must(base.Clone()).ParseFS(templates.FS, file)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		for _, block := range []string{"title", "content"} {
			if set.Lookup(block) == nil {
				return nil, fmt.Errorf("%s does not define %q", file, block)
			}
		}
		p.sets[strings.TrimSuffix(path.Base(file), ".html")] = set
	}
	return p, nil
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a template error becomes a clean
// "Internal error" page instead of half a page.
func (s *Server) render(c *gin.Context, status int, page string, data any) {
	set, ok := s.pages.sets[page]
	if !ok {
		s.serverError(c, fmt.Errorf("no page template %q", page))
		return
	}
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufferPool.Put(buf)
	if err := set.ExecuteTemplate(buf, "base", data); err != nil {
		if page == "error" {
			c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Internal error\n"))
			return
		}
		s.serverError(c, fmt.Errorf("render %s: %w", page, err))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset": s.assetURL,
		"date": func(t time.Time) string {
			return t.UTC().Format("2 January 2006")
		},
		"datetime": func(t time.Time) string {
			return t.UTC().Format("2 January 2006 at 15:04 UTC")
		},
		"isotime": func(t time.Time) string {
			return t.UTC().Format(time.RFC3339)
		},
		"initial": func(name string) string {
			for _, r := range strings.TrimSpace(name) {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
	}
}

// assetURL is a template function; the assets field is set before templates load.
func (s *Server) assetURL(name string) (string, error) {
	return s.assets.url(name)
}
