package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/templates"
)

// layout is what the base template needs on every page.
type layout struct {
	SiteName     string
	Title        string // page title; the site name is added by the template
	Description  string
	CanonicalURL string // declared on indexable pages only: a noindex page's path alone may not even answer
	NoIndex      bool
	Year         int
	Admin        bool      // a staff page: the staff header instead of the public one
	Staff        *staffBar // the signed-in staff member, on staff pages only
	Flash        string    // the outcome of the last action, on staff pages

	// What search engines, feed readers and link previews read, on public pages.
	OGType      string      // og:type: "article" on an article, "website" (when empty) elsewhere
	RepliesFeed string      // the address of the replies feed of the article shown
	JSONLD      template.JS // schema.org data, made by encoding/json (see articleJSONLD)
	SearchPage  bool        // the search page, which has its own search box instead of the header's

	// Footer lists the pages an editor placed in the footer, then the site's own
	// links, rendered once per content version (see footerCache).
	Footer template.HTML
}

// staffBar is the top of every staff page.
type staffBar struct {
	Name          string
	Role          string
	Pending       int
	CanModerate   bool
	CanSettings   bool
	CanManageUser bool
	CanPrivacy    bool // may answer personal-data requests
	CanWrite      bool // may write articles, so upload images
	CanArticles   bool // write or review articles
}

// layout is what a public page needs besides its own content, its footer included.
func (s *Server) layout(c *gin.Context, title, description string) layout {
	l := s.bareLayout(c, title, description)
	l.Footer = s.footer(c)
	return l
}

// bareLayout is layout with the site's own footer links only, read from nothing.
func (s *Server) bareLayout(c *gin.Context, title, description string) layout {
	return layout{
		SiteName:     s.siteName,
		Title:        title,
		Description:  description,
		CanonicalURL: s.publicURL + c.Request.URL.Path,
		Year:         s.now().Year(),
		Footer:       s.fixedFooter,
	}
}

// adminLayout is layout for staff pages: never cached or indexed, with the staff
// header and the number of replies waiting. Its footer has the site's own links only.
func (s *Server) adminLayout(c *gin.Context, title string) layout {
	l := s.bareLayout(c, title, "")
	l.NoIndex, l.Admin = true, true
	l.Flash = flashMessages[c.Query("done")]
	if n, err := strconv.Atoi(c.Query("n")); err == nil && l.Flash != "" && c.Query("done") != "none" {
		switch {
		case n == 0:
			l.Flash = "Nothing changed: the selected replies were already there, or cannot take that action."
		case n > 1:
			l.Flash = fmt.Sprintf("%s (%d replies)", l.Flash, n)
		}
	}
	c.Header("Cache-Control", "no-store")
	u := staff(c)
	if u == nil {
		return l
	}
	l.Staff = &staffBar{
		Name: u.Name, Role: u.Role.Label(),
		CanModerate:   u.Role.Can(model.PermModerateComments),
		CanSettings:   u.Role.Can(model.PermManageSettings),
		CanManageUser: u.Role.Can(model.PermManageUsers),
		CanPrivacy:    u.Role.Can(model.PermPersonalData),
		CanWrite:      u.Role.Can(model.PermEditOwnArticles),
		CanArticles: u.Role.Can(model.PermEditOwnArticles) || u.Role.Can(model.PermEditAllArticles) ||
			u.Role.Can(model.PermReviewArticles),
	}
	if l.Staff.CanModerate {
		n, err := s.store.CountPendingComments(c.Request.Context())
		if err != nil {
			s.log.ErrorContext(c.Request.Context(), "count pending replies", "error", err.Error())
		}
		l.Staff.Pending = n
	}
	return l
}

// flashMessages are the outcomes an action can report after its redirect (?done=…).
var flashMessages = map[string]string{
	"welcome":             "Welcome. Your administrator account is ready.",
	"approve":             "Approved.",
	"unapprove":           "Unapproved: back in Pending.",
	"spam":                "Marked as spam.",
	"trash":               "Moved to the trash.",
	"restore":             "Restored.",
	"delete":              "Deleted permanently.",
	"edited":              "Reply saved.",
	"replied":             "Your reply is published.",
	"pinned":              "Pinned: readers find this answer first under the reply it answers.",
	"unpinned":            "Unpinned: the answer is listed with the others again.",
	"settings":            "Settings saved.",
	"none":                "Nothing was selected, so nothing changed.",
	"user-added":          "Account created.",
	"account-saved":       "Account saved.",
	"profile-saved":       "Profile saved.",
	"saved":               "Article saved.",
	"status":              "Status changed.",
	"reviewed":            "Your medical review is recorded.",
	"changes-requested":   "Your request for changes is recorded; the author sees your notes.",
	"restored":            "Revision restored as the current text.",
	"restored-change":     "Revision restored as a pending change: readers keep the live version until it is reviewed and published.",
	"saved-change":        "Saved as a pending change. Readers keep seeing the live version until the change is reviewed and published.",
	"saved-minor":         "Minor change published, without a new medical review.",
	"submitted":           "Saved and sent for medical review.",
	"published":           "Saved and published.",
	"replies-opened":      "Replies are open on that article.",
	"replies-closed":      "Replies are closed on that article; its existing replies stay.",
	"uploaded":            "Image uploaded. Copy its Markdown into an article.",
	"uploaded-again":      "This image was already uploaded, so the same file is used. Copy its Markdown into an article.",
	"banned":              "Ban saved. New replies from this commenter go to spam.",
	"lifted":              "Ban lifted.",
	"webhook-added":       "Webhook added. Events are delivered from now on.",
	"webhook-deleted":     "Webhook deleted, with its deliveries.",
	"password-changed":    "Password changed. Your other sign-ins have ended; this one goes on.",
	"signed-out-others":   "Signed out everywhere else: only this browser is still signed in.",
	"two-step-off":        "Two-step sign-in is off. You sign in with your password alone.",
	"two-step-reset":      "Two-step sign-in is reset: this person signs in with their password alone until they set it up again.",
	"two-step-was-off":    "Two-step sign-in was already off for this person; nothing changed.",
	"password-reset":      "Your new password is set, and every sign-in of your account has ended. Sign in with the new password.",
	"invited":             "Invitation sent. The person chooses a password with the link in it, within 72 hours.",
	"invitation-sent":     "Invitation sent again, with a new link; the old one no longer works.",
	"invitation-accepted": "Your password is set. Sign in with your email address and your new password.",
	"mail-saved":          "Your choice of mail is saved.",
}

// pages holds one template set per page: the base layout, every partial and the page.
// Every page is parsed and checked at start, but a page's set is kept only from its
// first use: a public site never opens most of the staff pages, and each set holds a
// copy of the layout and partials (about 200 KB), which the garbage collector would
// otherwise scan on every cycle.
type pages struct {
	base   *template.Template // layout and partials, never executed: cloned for each set
	sets   map[string]*pageSet
	footer *template.Template // the footer's links alone (see footerCache)
}

// pageSet is one page's template set, parsed on first use.
type pageSet struct {
	file string
	once sync.Once
	tmpl *template.Template
	err  error
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
	adminFiles, err := fs.Glob(templates.FS, "pages/admin/*.html")
	if err != nil {
		return nil, err
	}
	files = append(files, adminFiles...)
	p := &pages{base: base, sets: map[string]*pageSet{}}
	if p.footer = template.Must(base.Clone()).Lookup("footer_links"); p.footer == nil {
		return nil, fmt.Errorf("no footer_links partial")
	}
	for _, file := range files {
		// The page is checked alone: cloning the layout and partials for each page,
		// as its set does, took most of the time to start.
		page, err := template.New(path.Base(file)).Funcs(funcs).ParseFS(templates.FS, file)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		if err := definesBlocks(page, file); err != nil {
			return nil, err
		}
		p.sets[strings.TrimSuffix(strings.TrimPrefix(file, "pages/"), ".html")] = &pageSet{file: file}
	}
	return p, nil
}

// definesBlocks reports an error unless the page in file defines the blocks the
// layout needs.
func definesBlocks(set *template.Template, file string) error {
	for _, block := range []string{"title", "content"} {
		if set.Lookup(block) == nil {
			return fmt.Errorf("%s does not define %q", file, block)
		}
	}
	return nil
}

// parse makes the template set of the page in file.
func (p *pages) parse(file string) (*template.Template, error) {
	clone, err := p.base.Clone()
	if err != nil {
		return nil, err
	}
	set, err := clone.ParseFS(templates.FS, file)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", file, err)
	}
	if err := definesBlocks(set, file); err != nil {
		return nil, err
	}
	return set, nil
}

// set returns the template set of a page ("article", "admin/dashboard").
func (p *pages) set(page string) (*template.Template, error) {
	ps, ok := p.sets[page]
	if !ok {
		return nil, fmt.Errorf("no page template %q", page)
	}
	ps.once.Do(func() { ps.tmpl, ps.err = p.parse(ps.file) })
	return ps.tmpl, ps.err
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a template error becomes a clean
// "Internal error" page instead of half a page.
func (s *Server) render(c *gin.Context, status int, page string, data any) {
	set, err := s.pages.set(page)
	if err != nil {
		s.serverError(c, err)
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
		"lower": func(v any) string {
			return strings.ToLower(fmt.Sprint(v))
		},
		"number":  groupDigits,
		"plural":  plural,
		"browser": accounts.BrowserSummary,
		"waited":  func(t time.Time) string { return waited(s.now().Sub(t)) },
	}
}

// waited writes how long something has waited, for people: "3 days", "5 hours",
// "less than an hour".
func waited(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return plural(int(d.Hours()/24), "day", "days")
	case d >= time.Hour:
		return plural(int(d.Hours()), "hour", "hours")
	}
	return "less than an hour"
}

// plural writes a count with the word that goes with it: "1 reply", "1,200 replies".
func plural(n int, one, many string) string {
	if n == 1 {
		return groupDigits(n) + " " + one
	}
	return groupDigits(n) + " " + many
}

// assetURL is a template function; the assets field is set before templates load.
func (s *Server) assetURL(name string) (string, error) {
	return s.assets.url(name)
}

// groupDigits writes n with a comma between each group of three digits: 15,662.
func groupDigits(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}
