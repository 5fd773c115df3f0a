package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// crawlPage is one answer the crawler received.
type crawlPage struct {
	URL    string // path and query, as requested
	From   string // the page that led to it ("" for a start page)
	Via    string // how: "link", "redirect" or "form" (a GET form as the page fills it)
	Code   int
	Header http.Header
	Body   string
}

// crawlForm is a form found on a crawled page, or one of its buttons with its own
// formaction.
type crawlForm struct {
	Page      string
	Method    string
	Action    string // path and query
	Fields    url.Values
	Multipart bool
}

// crawlResult is everything one crawl reached.
type crawlResult struct {
	Pages []crawlPage
	Forms []crawlForm
}

// crawlLimit bounds a crawl, so that a page that links to ever new addresses fails
// the test instead of running forever.
const crawlLimit = 600

// crawl follows every same-site link, redirect and GET form from the start pages, as
// the holder of cookie (nil for an anonymous reader), and returns every answer in the
// order it was reached and every form seen.
func (s *site) crawl(t testing.TB, cookie *http.Cookie, starts ...string) *crawlResult {
	t.Helper()
	type link struct{ target, from, via string }
	var queue []link
	for _, start := range starts {
		queue = append(queue, link{start, "", "link"})
	}
	seen := map[string]bool{}
	seenForm := map[string]bool{}
	result := &crawlResult{}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if seen[next.target] {
			continue
		}
		seen[next.target] = true
		if len(seen) > crawlLimit {
			t.Fatalf("more than %d addresses reached from %v; is a page linking to ever new ones?", crawlLimit, starts)
		}
		res := s.getAs(t, cookie, next.target)
		result.Pages = append(result.Pages, crawlPage{URL: next.target, From: next.from, Via: next.via, Code: res.Code, Header: res.Header, Body: res.Body})
		var found []link
		if loc := res.Header.Get("Location"); loc != "" {
			found = append(found, link{loc, next.target, "redirect"})
		}
		contentType := res.Header.Get("Content-Type")
		switch {
		case strings.HasPrefix(contentType, "text/html"):
			links, forms := crawlHTML(res.Body, next.target)
			for _, l := range links {
				found = append(found, link{l, next.target, "link"})
			}
			for _, f := range forms {
				key := f.Method + " " + f.Action + " " + f.Fields.Encode()
				if seenForm[key] {
					continue
				}
				seenForm[key] = true
				result.Forms = append(result.Forms, f)
				if f.Method == http.MethodGet {
					found = append(found, link{f.Action + "?" + f.Fields.Encode(), next.target, "form"})
				}
			}
		case strings.Contains(contentType, "xml") || strings.HasPrefix(contentType, "text/plain"):
			for _, m := range siteAddress.FindAllString(res.Body, -1) {
				found = append(found, link{html.UnescapeString(m), next.target, "link"})
			}
		}
		for _, l := range found {
			if target, ok := sameSite(next.target, l.target); ok && !seen[target] {
				l.target = target
				queue = append(queue, l)
			}
		}
	}
	return result
}

// siteAddress finds this site's absolute addresses in feeds, sitemaps and robots.txt.
var siteAddress = regexp.MustCompile(`https?://fascicle\.test/[^\s<>"']*`)

// crawlHTML returns the addresses an HTML page links to or loads, and its forms.
func crawlHTML(body, page string) (links []string, forms []crawlForm) {
	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		return nil, nil
	}
	for n := range doc.Descendants() {
		if n.Type != xhtml.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "href" || a.Key == "src" {
				links = append(links, a.Val)
			}
		}
		if n.Data != "form" {
			continue
		}
		f := crawlForm{Page: page, Method: http.MethodGet, Action: page, Fields: url.Values{}}
		for _, a := range n.Attr {
			switch a.Key {
			case "method":
				f.Method = strings.ToUpper(a.Val)
			case "action":
				f.Action = a.Val
			case "enctype":
				f.Multipart = a.Val == "multipart/form-data"
			}
		}
		var buttons []*xhtml.Node
		for in := range n.Descendants() {
			if in.Type != xhtml.ElementNode {
				continue
			}
			if crawlHasAttr(in, "formaction") {
				buttons = append(buttons, in)
				continue
			}
			if in.Data != "input" && in.Data != "textarea" && in.Data != "select" {
				continue
			}
			name, value, typ := crawlAttr(in, "name"), crawlAttr(in, "value"), crawlAttr(in, "type")
			if name == "" || typ == "submit" || typ == "file" || (typ == "checkbox" || typ == "radio") && !crawlHasAttr(in, "checked") {
				continue
			}
			if in.Data == "select" {
				value = ""
				for o := range in.Descendants() {
					if o.Type == xhtml.ElementNode && o.Data == "option" && (value == "" || crawlHasAttr(o, "selected")) {
						value = crawlAttr(o, "value")
					}
				}
			}
			f.Fields.Add(name, value)
		}
		all := []crawlForm{f}
		for _, b := range buttons {
			bf := crawlForm{Page: page, Method: f.Method, Action: crawlAttr(b, "formaction"), Fields: cloneValues(f.Fields), Multipart: f.Multipart}
			if m := crawlAttr(b, "formmethod"); m != "" {
				bf.Method = strings.ToUpper(m)
			}
			if name := crawlAttr(b, "name"); name != "" {
				bf.Fields.Set(name, crawlAttr(b, "value"))
			}
			all = append(all, bf)
		}
		for _, f := range all {
			if target, ok := sameSite(page, f.Action); ok {
				f.Action = target
				forms = append(forms, f)
			}
		}
	}
	return links, forms
}

func crawlAttr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func crawlHasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// sameSite resolves raw against the page it was found on and returns its path and
// query, without the fragment, when it is on this site.
func sameSite(page, raw string) (string, bool) {
	base, err := url.Parse("http://fascicle.test" + page)
	if err != nil {
		return "", false
	}
	ref, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	u := base.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host != "fascicle.test" {
		return "", false
	}
	u.Fragment, u.RawFragment, u.ForceQuery = "", "", false
	return u.RequestURI(), true
}

// route is one route the server answers.
type route struct {
	Method string
	Path   string // with :params and *catchAll
}

// declaredRoutes is the route table, so that a new route is crawled, mutated and
// checked for 405 without anyone remembering to add it here.
func declaredRoutes(t testing.TB) []route {
	t.Helper()
	var routes []route
	for _, r := range web.RouteTable {
		routes = append(routes, route{r.Method, r.Path})
		if r.Method == http.MethodGet && r.Access == web.Public {
			routes = append(routes, route{http.MethodHead, r.Path})
		}
	}
	return routes
}

// matchRoute returns the pattern of the route of routes that serves path with any
// method, preferring literal segments over parameters as the router does, or "".
func matchRoute(routes []route, path string) string {
	best, bestScore := "", ""
	for _, r := range routes {
		if score, ok := routeScore(r.Path, path); ok && score > bestScore {
			best, bestScore = r.Path, score
		}
	}
	return best
}

// routeScore reports whether pattern matches path, and a score that is higher for a
// pattern with literal segments earlier.
func routeScore(pattern, path string) (string, bool) {
	ps, ss := strings.Split(pattern, "/"), strings.Split(path, "/")
	var score strings.Builder
	for i, p := range ps {
		if strings.HasPrefix(p, "*") {
			score.WriteString("0")
			return score.String(), true
		}
		if i >= len(ss) {
			return "", false
		}
		switch {
		case strings.HasPrefix(p, ":") && ss[i] != "":
			score.WriteString("1")
		case p == ss[i]:
			score.WriteString("2")
		default:
			return "", false
		}
	}
	return score.String(), len(ps) == len(ss)
}

// allowedMethods returns the methods of every route that matches path.
func allowedMethods(routes []route, path string) []string {
	var methods []string
	for _, r := range routes {
		if _, ok := routeScore(r.Path, path); ok && !slices.Contains(methods, r.Method) {
			methods = append(methods, r.Method)
		}
	}
	sort.Strings(methods)
	return methods
}

// unlinkedRoutes are the GET routes no page links to, and why.
var unlinkedRoutes = map[string]string{
	"/healthz":     "for monitors, not readers",
	"/admin/setup": "reached only by the link the server prints while there is no account",
	"/media/:name": "the demo site has no uploaded image",
	// Signing in to an account with two-step sign-in redirects here.
	"/admin/login/code": "reached by a redirect after the password of an account with two-step sign-in",
	"/admin/profile":    "the old address of /admin/account, kept for bookmarks",
	// Their tokens arrive by mail only; subscriptions_test.go checks them, bad tokens too.
	"/subscriptions/confirm":        "opened from the link in a message to a reader, with its token",
	"/subscriptions/unsubscribe":    "opened from the link in a message to a reader, with its token",
	"/admin/password-reset/confirm": "reached only by the link in a password reset message",
	"/admin/invitation":             "reached only by the link in an invitation",
}

// crawlSite is the demo site crawled by a reader and by an administrator.
type crawlSite struct {
	*site
	routes []route
	admin  *http.Cookie
	public *crawlResult
	staff  *crawlResult
}

func newCrawlSite(t testing.TB) *crawlSite {
	t.Helper()
	// With mail on, which offers the password reset and invitations.
	s := newMailSite(t).site
	c := &crawlSite{site: s, routes: declaredRoutes(t), admin: s.signIn(t, s.addUser(t, model.RoleAdmin))}

	// Content that makes every kind of page and button appear: a second page of
	// articles, a held and a spam reply, a ban, clinicians' answers, and an article
	// with two revisions.
	ctx := context.Background()
	for i := range web.ArticlesPerPage {
		addArticle(t, s, fmt.Sprintf("crawl-article-%d", i), model.ArticlePublished)
	}
	held := validReply()
	held.Set("comment", "A reply waiting for a moderator.")
	s.postReply(t, articlePath+"/comments", held).wantStatus(http.StatusSeeOther)
	spam := validReply()
	spam.Set("comment", "A reply from a robot.")
	spam.Set("contact_me_by_fax_only", "robot")
	s.postReply(t, articlePath+"/comments", spam).wantStatus(http.StatusSeeOther)
	s.postForm(t, "/admin/bans", url.Values{"comment": {"1"}, "kind": {"email"}, "duration": {"30d"}, "reason": {"crawl"}}, c.admin).
		wantStatus(http.StatusSeeOther)
	s.postForm(t, "/admin/webhooks", url.Values{"url": {"https://hooks.example.org/crawl"}, "secret": {"a secret for the crawl"},
		"events": {"reply.pending"}}, c.admin).wantStatus(http.StatusSeeOther)
	// Someone invited, to whom an administrator can send the invitation again.
	s.postForm(t, "/admin/users/invite", url.Values{"name": {"Ivy Invited"}, "email": {"ivy@staff.example"}, "role": {"author"}}, c.admin).
		wantStatus(http.StatusSeeOther)
	// An account with two-step sign-in on, which an administrator can reset.
	twoStep := s.addUser(t, model.RoleAuthor)
	s.exec(t, `UPDATE users SET totp_enabled_at = ? WHERE id = ?`, s.clock().UTC(), twoStep.ID)
	// Two clinicians' answers to a reply, one pinned: the queue offers Pin and Unpin.
	doc := s.addStaff(t, "Dr. Crawl", model.RoleReviewer, "MD")
	for i, text := range []string{"A clinician's answer.", "A pinned answer."} {
		id := s.addReplyRow(t, replyRow{Parent: 1, Name: doc.Name, Body: text, Status: "approved"})
		s.exec(t, `UPDATE comments SET user_id = ? WHERE id = ?`, doc.ID, id)
		if i == 1 {
			s.exec(t, `UPDATE comments SET pinned_at = ? WHERE id = ?`, s.clock().UTC(), id)
		}
	}
	a, err := s.store.Article(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	a.Title += " (revised)"
	if err := s.store.SaveArticle(ctx, a, nil, "revised for the crawl", s.clock()); err != nil {
		t.Fatal(err)
	}

	// Where readers and robots arrive: the home page, robots.txt (which names the
	// sitemap) and the staff address, which sends them to sign in.
	c.public = s.crawl(t, nil, "/", "/robots.txt", "/admin/")
	c.staff = s.crawl(t, c.admin, "/admin/")
	return c
}

// contentTables hold what a request may change; sessions and sign-in counts are left
// out, as reading a page may touch them.
var contentTables = []string{"articles", "article_references", "article_tags", "bans", "comments", "content_version",
	"events", "media", "outbox", "privacy_audit", "revisions", "settings", "slug_redirects", "subscriptions", "tags", "users",
	"webhooks"}

// contentSnapshot returns every row of contentTables as text, to tell whether a
// request changed anything.
func (s *site) contentSnapshot(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range contentTables {
		rows, err := s.db.Query(`SELECT * FROM ` + table + ` ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		values := make([]any, len(cols))
		pointers := make([]any, len(cols))
		for i := range values {
			pointers[i] = &values[i]
		}
		for rows.Next() {
			if err := rows.Scan(pointers...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, values)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// Ensure every same-site link, redirect and GET form (as the page fills it) a reader
// or an administrator can reach answers without error, that a page kept out of
// search engines declares no canonical address, and that the crawl reaches every GET
// route in routes.go, so that the mutation, method and header checks below cover
// them all.
func TestCrawl_EveryLinkAnswers(t *testing.T) {
	t.Parallel()
	c := newCrawlSite(t)
	reached := map[string]bool{}
	for who, result := range map[string]*crawlResult{"reader": c.public, "administrator": c.staff} {
		if len(result.Pages) < 10 {
			t.Errorf("the %s's crawl reached only %d pages", who, len(result.Pages))
		}
		for _, p := range result.Pages {
			reached[matchRoute(c.routes, strings.SplitN(p.URL, "?", 2)[0])] = true
			// A GET form counts too: pressing its button as the page comes is the first
			// thing a person may do, so its defaults must make a valid request.
			if p.Code >= 400 {
				t.Errorf("%s: %s (%s from %s) answers %d; body:\n%.500s", who, p.URL, p.Via, p.From, p.Code, p.Body)
			}
			noindex := strings.Contains(p.Header.Get("X-Robots-Tag"), "noindex") || strings.Contains(p.Body, `<meta name="robots" content="noindex`)
			if noindex && strings.Contains(p.Body, `rel="canonical"`) {
				t.Errorf("%s: %s is kept out of search engines but declares a canonical address", who, p.URL)
			}
		}
	}
	for _, r := range c.routes {
		if r.Method == http.MethodGet && !reached[r.Path] && unlinkedRoutes[r.Path] == "" {
			t.Errorf("no page links to GET %s, so the crawl cannot check it; link to it, or add it to unlinkedRoutes with the reason", r.Path)
		}
	}
}

// Crawl mutations: values a reader, a robot or an attacker may put in a query
// parameter or a path segment in place of a page number, a search, a slug or an ID.
var (
	badQueryValues = []string{
		"-1", "0", "abc", "99999999999999999999", "1e3", "0x10", "1.5", " 1", "١", "",
		strings.Repeat("q", 10_000), "%00", "%ff%fe", "%c0%af", "<script>alert(1)</script>", "' OR 1=1--",
		"../../../etc/passwd", "%0d%0aSet-Cookie:%20x=1", "unknown-tag", "*", "%",
	}
	badSegments = []string{
		"0", "-1", "99999999999999999999", "9223372036854775807", "abc", "no-such-slug-at-all", "%00", "%ff%fe",
		"%c0%af", "a%2fb", "%20", "<script>", "'", strings.Repeat("s", 10_000), "null", "1e3", "0x10", "١",
		"%5c", "UNKNOWN-TAG",
	}
	// queryNames are every query parameter a handler reads; each is sent to every page.
	queryNames = []string{"page", "q", "status", "replytocom", "pending", "done", "n", "image", "due", "article",
		"author", "to", "from", "email", "comment", "next", "return", "token", "rev", "signed_out"}
)

// sensibleStatus is what an answer to a mangled address may be: the page as usual, a
// redirect, or a clean refusal; never a server error.
var sensibleStatus = []int{http.StatusOK, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
	http.StatusNotModified, http.StatusTemporaryRedirect, http.StatusPermanentRedirect,
	http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity}

// crawlExamples returns one crawled address per route and set of query names: the
// pages worth mutating.
func (c *crawlSite) crawlExamples(result *crawlResult) []string {
	seen := map[string]bool{}
	var examples []string
	for _, p := range result.Pages {
		path, query, _ := strings.Cut(p.URL, "?")
		values, _ := url.ParseQuery(query)
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range values {
				if !yield(k) {
					return
				}
			}
		})
		key := matchRoute(c.routes, path) + "?" + strings.Join(names, "&")
		if !seen[key] && !strings.HasPrefix(path, "/static/") {
			seen[key] = true
			examples = append(examples, p.URL)
		}
	}
	return examples
}

// Ensure no page, for a reader or an administrator, answers a mangled query parameter
// with a server error: page=-1, page=abc, a huge page number, a 10 000-character
// search, NUL, invalid UTF-8 and the like, in each of its own parameters and in page,
// and in every other parameter a handler reads (all at once, to keep the test quick).
func TestCrawl_MutatedQueryParameters(t *testing.T) {
	t.Parallel()
	c := newCrawlSite(t)
	sent := 0
	for who, crawl := range map[string]struct {
		result *crawlResult
		cookie *http.Cookie
	}{"reader": {c.public, nil}, "administrator": {c.staff, c.admin}} {
		for _, example := range c.crawlExamples(crawl.result) {
			path, query, _ := strings.Cut(example, "?")
			own := []string{"page"}
			for _, kv := range strings.Split(query, "&") {
				if name, _, _ := strings.Cut(kv, "="); name != "" && !slices.Contains(own, name) {
					own = append(own, name)
				}
			}
			for _, value := range badQueryValues {
				for _, name := range own {
					c.checkSensible(t, who, crawl.cookie, path+"?"+replaceQuery(query, name, value))
					sent++
				}
				others := query
				for _, name := range queryNames {
					if !slices.Contains(own, name) {
						others = replaceQuery(others, name, value)
					}
				}
				c.checkSensible(t, who, crawl.cookie, path+"?"+others)
				sent++
			}
			// The same parameter twice, with a good and a bad value.
			c.checkSensible(t, who, crawl.cookie, example+"&page=1&page=-1&q=a&q=%ff")
		}
	}
	if sent < 1000 {
		t.Errorf("only %d mangled addresses were sent; the crawl found too little to check", sent)
	}
}

// pageHeading returns the first heading of an HTML page, to say briefly what it is.
func pageHeading(body string) string {
	m := regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`).FindStringSubmatch(body)
	if m == nil {
		return fmt.Sprintf("%.200q", body)
	}
	return strings.TrimSpace(m[1])
}

// replaceQuery returns query with name's value set to value, sent as written (so that
// invalid percent-encodings reach the server).
func replaceQuery(query, name, value string) string {
	var parts []string
	for _, kv := range strings.Split(query, "&") {
		if k, _, _ := strings.Cut(kv, "="); kv != "" && k != name {
			parts = append(parts, kv)
		}
	}
	if strings.ContainsAny(value, " <>'\"") || len(value) > 100 {
		value = url.QueryEscape(value)
	}
	return strings.Join(append(parts, name+"="+value), "&")
}

// checkSensible sends a GET and fails the test unless the answer is sensible.
func (c *crawlSite) checkSensible(t testing.TB, who string, cookie *http.Cookie, target string) *response {
	t.Helper()
	res := c.getAs(t, cookie, target)
	if !slices.Contains(sensibleStatus, res.Code) || strings.Contains(res.Body, "Internal error") {
		t.Errorf("%s: GET %.300s answers %d: %s", who, target, res.Code, pageHeading(res.Body))
	}
	return res
}

// Ensure a made-up slug, tag, ID, revision or action in the path of any route the
// crawl found (pages and forms alike) is refused with 400 or 404, never a server
// error or a redirect that reports "nothing changed"; and that a form sent to such an
// address changes nothing.
func TestCrawl_MutatedPathSegments(t *testing.T) {
	t.Parallel()
	c := newCrawlSite(t)
	type example struct {
		who, method, path string
		cookie            *http.Cookie
		form              url.Values
	}
	var examples []example
	seen := map[string]bool{}
	add := func(e example) {
		pattern := matchRoute(c.routes, e.path)
		if key := e.who + e.method + pattern; pattern != "" && strings.Contains(pattern, "/:") && !seen[key] {
			seen[key] = true
			examples = append(examples, e)
		}
	}
	for who, crawl := range map[string]struct {
		result *crawlResult
		cookie *http.Cookie
	}{"reader": {c.public, nil}, "administrator": {c.staff, c.admin}} {
		for _, p := range crawl.result.Pages {
			add(example{who, http.MethodGet, strings.SplitN(p.URL, "?", 2)[0], crawl.cookie, nil})
		}
		for _, f := range crawl.result.Forms {
			if f.Method == http.MethodPost {
				add(example{who, http.MethodPost, strings.SplitN(f.Action, "?", 2)[0], crawl.cookie, f.Fields})
			}
		}
	}
	patterns := map[string]bool{}
	for _, e := range examples {
		patterns[e.method+" "+matchRoute(c.routes, e.path)] = true
	}
	for _, r := range c.routes {
		if strings.Contains(r.Path, "/:") && (r.Method == http.MethodGet || r.Method == http.MethodPost) &&
			!patterns[r.Method+" "+r.Path] && unlinkedRoutes[r.Path] == "" {
			t.Errorf("the crawl found no example of %s %s, so its path is not mutated", r.Method, r.Path)
		}
	}

	sent := 0
	for _, e := range examples {
		segments := strings.Split(e.path, "/")
		for i, p := range strings.Split(matchRoute(c.routes, e.path), "/") {
			if !strings.HasPrefix(p, ":") {
				continue
			}
			for _, bad := range badSegments {
				mutated := slices.Clone(segments)
				mutated[i] = bad
				target := strings.Join(mutated, "/")
				sent++
				if e.method == http.MethodGet {
					if res := c.getAs(t, e.cookie, target); res.Code != http.StatusNotFound && res.Code != http.StatusBadRequest {
						t.Errorf("%s: GET %.300s (for %s) answers %d, want 404 or 400: %s", e.who, target, e.path, res.Code, pageHeading(res.Body))
					}
					continue
				}
				before := c.contentSnapshot(t)
				res := c.postForm(t, target, e.form, e.cookie)
				if res.Code != http.StatusNotFound && res.Code != http.StatusBadRequest {
					t.Errorf("%s: POST %.300s (for %s) answers %d %s, want 404 or 400: %s",
						e.who, target, e.path, res.Code, res.Header.Get("Location"), pageHeading(res.Body))
				}
				if c.contentSnapshot(t) != before {
					t.Fatalf("%s: POST %.300s (for %s) changed the content, answering %d %s",
						e.who, target, e.path, res.Code, res.Header.Get("Location"))
				}
			}
		}
	}
	if sent < 300 {
		t.Errorf("only %d mangled paths were sent", sent)
	}
}

// Ensure every route answers a method it does not accept with 405 and an Allow header
// listing exactly the methods it does accept, signed in or not.
func TestCrawl_MethodNotAllowed(t *testing.T) {
	t.Parallel()
	c := newCrawlSite(t)
	examples := map[string]string{} // pattern → a crawled path
	for _, result := range []*crawlResult{c.public, c.staff} {
		for _, p := range result.Pages {
			path := strings.SplitN(p.URL, "?", 2)[0]
			if pattern := matchRoute(c.routes, path); examples[pattern] == "" {
				examples[pattern] = path
			}
		}
		for _, f := range result.Forms {
			path := strings.SplitN(f.Action, "?", 2)[0]
			if pattern := matchRoute(c.routes, path); examples[pattern] == "" {
				examples[pattern] = path
			}
		}
	}
	checked := 0
	for _, r := range c.routes {
		path := examples[r.Path]
		if path == "" {
			path = strings.NewReplacer(":id", "1", ":rev", "1", ":action", "approve", ":slug", "x", ":tag", "x", ":name", "x", "*path", "x").Replace(r.Path)
		}
		allowed := allowedMethods(c.routes, path)
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"} {
			if slices.Contains(allowed, method) {
				continue
			}
			for _, cookie := range []*http.Cookie{nil, c.admin} {
				req := httptest.NewRequest(method, path, strings.NewReader("a=1"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				if cookie != nil {
					req.AddCookie(cookie)
				}
				res := c.do(t, req)
				got := strings.Split(res.Header.Get("Allow"), ", ")
				sort.Strings(got)
				if res.Code != http.StatusMethodNotAllowed || !slices.Equal(got, allowed) {
					t.Errorf("%s %s (signed in: %v): status %d, Allow %q; want 405, Allow %v",
						method, path, cookie != nil, res.Code, res.Header.Get("Allow"), allowed)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d refused methods checked", checked)
	}
}

// largeBodyRoutes take bodies up to MaxUploadBody: the forms that carry an image, and
// the live preview, which sends a whole article body.
var largeBodyRoutes = []string{"/admin/media", "/admin/articles/new", "/admin/articles/:id/edit", "/admin/preview",
	"/admin/account", "/admin/users/:id/profile"}

// Ensure every route that takes a POST refuses a body over its limit with 413 and its
// error page, signed in or not, length declared or not, without changing anything:
// MaxUploadBody for largeBodyRoutes, MaxRequestBody for every other; and that every
// form that carries a file, and the preview, take more than the small limit.
func TestCrawl_BodyOverLimit(t *testing.T) {
	t.Parallel()
	c := newCrawlSite(t)
	fields := map[string]url.Values{}
	for _, f := range append(c.public.Forms, c.staff.Forms...) {
		pattern := matchRoute(c.routes, strings.SplitN(f.Action, "?", 2)[0])
		if f.Multipart && !slices.Contains(largeBodyRoutes, pattern) {
			t.Errorf("the form on %s uploads a file to %s, which is not in largeBodyRoutes", f.Page, pattern)
		}
		if f.Method == http.MethodPost && fields[pattern] == nil {
			fields[pattern] = f.Fields
		}
	}
	checked := 0
	for _, r := range c.routes {
		if r.Method != http.MethodPost {
			continue
		}
		path := strings.NewReplacer(":id", "1", ":rev", "1", ":action", "approve", ":slug", demo.ArticleSlug).Replace(r.Path)
		// The form as the page fills it, so that a handler given a cut-off body would
		// have something to act on.
		form := fields[r.Path].Encode() + "&padding="
		limit := web.MaxRequestBody
		if slices.Contains(largeBodyRoutes, r.Path) {
			limit = web.MaxUploadBody
			if res := c.postBody(t, path, form, web.MaxRequestBody, c.admin, true); res.Code == http.StatusRequestEntityTooLarge || res.Code >= 500 {
				t.Errorf("POST %s with %d bytes: status %d; it must take up to %d", path, web.MaxRequestBody+1, res.Code, web.MaxUploadBody)
			}
		}
		for _, cookie := range []*http.Cookie{nil, c.admin} {
			for _, declared := range []bool{true, false} {
				before := c.contentSnapshot(t)
				res := c.postBody(t, path, form, limit, cookie, declared)
				// An upload route does not read a body of undeclared length at all.
				wantCode, wantPage := http.StatusRequestEntityTooLarge, "Submission too large"
				if !declared && limit > web.MaxRequestBody {
					wantCode, wantPage = http.StatusLengthRequired, "Length required"
				}
				if res.Code != wantCode || !strings.Contains(res.Body, wantPage) {
					t.Errorf("POST %s (signed in: %v, length declared: %v) with %d bytes: status %d, want %d and its page: %s",
						path, cookie != nil, declared, limit+1, res.Code, wantCode, pageHeading(res.Body))
				}
				if c.contentSnapshot(t) != before {
					t.Errorf("POST %s (signed in: %v, length declared: %v) with %d bytes changed the content",
						path, cookie != nil, declared, limit+1)
				}
				checked++
			}
		}
	}
	if checked < 80 {
		t.Errorf("only %d oversized posts were sent", checked)
	}
	c.getAs(t, c.admin, "/admin/").wantStatus(http.StatusOK) // the session outlived every refused sign-out
}

// postBody sends form padded to one byte over limit as a url-encoded form, with its
// length declared or not, as a same-site browser would.
func (s *site) postBody(t testing.TB, target, form string, limit int, cookie *http.Cookie, declared bool) *response {
	t.Helper()
	body := form + strings.Repeat("a", limit+1-len(form))
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if !declared {
		req.Body = io.NopCloser(strings.NewReader(body)) // hides the length from the server
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// Ensure no spelling of a path that climbs out of /static/ (or /media/) serves a file
// from outside it: dot segments raw and encoded, encoded slashes and backslashes,
// double encoding and overlong UTF-8 all answer 404.
func TestCrawl_StaticTraversal(t *testing.T) {
	t.Parallel()
	s, _ := mediaSite(t) // puts a fake go.mod and database beside the media folder
	goMod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{string(goMod[:40]), "SECRET", "go:embed", "package static"}
	for _, prefix := range []string{"/static/", "/static/css/", "/media/"} {
		for _, climb := range []string{
			"../go.mod", "../../go.mod", "../../../go.mod", "%2e%2e/go.mod", "%2e%2e/%2e%2e/go.mod", "..%2fgo.mod",
			"..%2f..%2fgo.mod", "%2e%2e%2f%2e%2e%2fgo.mod", "..%5cgo.mod", "..%5c..%5cgo.mod", "%5c..%5cgo.mod",
			`..\go.mod`, `..\..\go.mod`, "%252e%252e/go.mod", "%252e%252e%252fgo.mod", "..%252fgo.mod",
			"%c0%ae%c0%ae/go.mod", "%c0%ae%c0%ae%c0%afgo.mod", "..;/go.mod", "....//go.mod", ".../go.mod",
			"%2fetc%2fpasswd", "/etc/passwd", "..%00/go.mod", "go.mod%00.css", "embed.go", "../static/embed.go",
			"%2e%2e/fascicle.db", "../fascicle.db", "..%2ffascicle.db", "..%5cfascicle.db",
		} {
			target := prefix + climb
			req := &http.Request{Method: http.MethodGet, RequestURI: target, Header: http.Header{}, Host: "fascicle.test"}
			if req.URL, err = url.ParseRequestURI(target); err != nil {
				t.Fatalf("%s: %v", target, err)
			}

			res := s.do(t, req)
			if res.Code != http.StatusNotFound && (res.Code < 300 || res.Code >= 400) {
				t.Errorf("GET %s: status %d, want 404", target, res.Code)
			}
			for _, secret := range secrets {
				if strings.Contains(res.Body, secret) {
					t.Errorf("GET %s: the answer holds %q", target, secret)
				}
			}
			if loc := res.Header.Get("Location"); loc != "" {
				// A redirect must lead to a cleaned path that is itself refused.
				follow := s.get(t, loc)
				if follow.Code != http.StatusNotFound || strings.Contains(follow.Body, "module github.com") {
					t.Errorf("GET %s redirects to %s, which answers %d", target, loc, follow.Code)
				}
			}
		}
	}
}
