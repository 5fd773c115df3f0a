package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// hostileMarkup is HTML that must not run once imported, in every post's body.
var hostileMarkup = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror="alert(2)">`,
	`<a href="javascript:alert(3)">click</a>`,
	`<a href="  JaVaScRiPt&#58;alert(4)">entity click</a>`,
	`<a href="java&#x09;script:alert(5)">tab click</a>`,
	`<iframe src="https://evil.example.net/"></iframe>`,
	`<svg onload=alert(6)><circle r="4"/></svg>`,
	`<p style="background:url(javascript:alert(7))" onmouseover="alert(8)">styled</p>`,
	`<style>body{background:url("javascript:alert(9)")}</style>`,
	`<object data="data:text/html,<script>alert(10)</script>"></object><embed src="javascript:alert(11)">`,
	`<form action="javascript:alert(12)"><button formaction="javascript:alert(13)">go</button></form>`,
	`<math><mi xlink:href="javascript:alert(14)">m</mi></math>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(15)"><base href="javascript:alert(16)//">`,
	`&lt;script&gt;alert(17)&lt;/script&gt; &amp;lt;b&amp;gt;`,
	"right\u202Eleft zero\u200Bwidth joiner\u200D NUL-adjacent a\x00b \x01\x7f",
}

// cdata writes s as a CDATA section, split where s holds the section's end.
func cdata(w *bufio.Writer, s string) {
	w.WriteString("<![CDATA[")
	w.WriteString(strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>"))
	w.WriteString("]]>")
}

// hostileExport writes an export whose titles, bodies, excerpts, tag names, author
// names and replies' names, websites and texts come from the hostile corpus, each
// post with hostileMarkup and a marker text, and an approved reply with an email at
// hostile-mail.example.org. It returns the number of posts.
func hostileExport(t *testing.T, path string) int {
	t.Helper()
	corpus := hostile.Corpus(t)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile Notes</title><link>https://hostile.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://hostile.example.org</wp:base_site_url>
`)
	const authors = 8
	for i := range authors {
		fmt.Fprintf(w, "<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>h%d</wp:author_login><wp:author_display_name>", i+1, i)
		cdata(w, corpus[len(corpus)-1-i])
		w.WriteString("</wp:author_display_name></wp:author>\n")
	}
	const per = 8 // corpus strings a post uses
	posts := (len(corpus) + per - 1) / per
	at := func(i int) string { return corpus[i%len(corpus)] }
	for p := range posts {
		s := p * per
		fmt.Fprintf(w, "<item><title>")
		cdata(w, at(s))
		fmt.Fprintf(w, "</title><dc:creator>h%d</dc:creator><content:encoded>", p%authors)
		var body strings.Builder
		fmt.Fprintf(&body, "<p>Marker %d stays readable.</p>\n<p>%s</p>\n", p, at(s+1))
		for _, m := range hostileMarkup {
			body.WriteString(m + "\n")
		}
		cdata(w, body.String())
		w.WriteString("</content:encoded><excerpt:encoded>")
		cdata(w, at(s+2))
		fmt.Fprintf(w, "</excerpt:encoded><wp:post_id>%d</wp:post_id><wp:post_date_gmt>2024-05-01 10:00:00</wp:post_date_gmt>"+
			"<wp:comment_status>open</wp:comment_status><wp:post_name>hostile-%d</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n", p+1, p)
		for _, tag := range []string{at(s + 3), at(s + 4)} {
			w.WriteString(`<category domain="post_tag">`)
			cdata(w, tag)
			w.WriteString("</category>\n")
		}
		fmt.Fprintf(w, "<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>", p+1)
		cdata(w, at(s+5))
		fmt.Fprintf(w, "</wp:comment_author><wp:comment_author_email>reader%d@hostile-mail.example.org</wp:comment_author_email><wp:comment_author_url>", p)
		cdata(w, at(s+6))
		w.WriteString("</wp:comment_author_url><wp:comment_date_gmt>2024-05-02 10:00:00</wp:comment_date_gmt><wp:comment_content>")
		cdata(w, fmt.Sprintf("Reply marker %d. %s <a href=\"javascript:alert(1)\">x</a><script>alert(2)</script>", p, at(s+7)))
		w.WriteString("</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>\n</item>\n")
	}
	w.WriteString("</channel></rss>\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return posts
}

// urlAttributes are the attributes whose value a browser follows or loads.
var urlAttributes = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true,
	"poster": true, "background": true, "srcset": true, "cite": true, "ping": true, "xlink:href": true}

// activeIn names what could run in a page a browser parses from body, or "": a
// script, an event handler, a style attribute, a javascript:, vbscript: or data:
// address, a frame, object, SVG, MathML, base or refresh. Allowed are the site's own
// scripts (loaded by src from the site, or its JSON-LD, which must be JSON through to
// its end), its avatars (SVG of class avatar) and its links in the head.
func activeIn(body string) string {
	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		return "unparseable: " + err.Error()
	}
	for el := range elements(doc) {
		attrs := map[string]string{}
		for _, a := range el.Attr {
			key := strings.ToLower(a.Key)
			if a.Namespace != "" {
				key = a.Namespace + ":" + key
			}
			attrs[key] = a.Val
			if strings.HasPrefix(key, "on") {
				return fmt.Sprintf("an event handler %s=%q on <%s>", a.Key, a.Val, el.Data)
			}
			if key == "style" { // the public pages have none of their own
				return fmt.Sprintf("a style attribute %q on <%s>", a.Val, el.Data)
			}
			if urlAttributes[key] || (key == "content" && strings.EqualFold(attrs["http-equiv"], "refresh")) {
				v := strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, strings.ToLower(a.Val))
				if strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") || strings.HasPrefix(v, "data:") {
					return fmt.Sprintf("<%s %s=%q>", el.Data, a.Key, a.Val)
				}
			}
		}
		switch el.Data {
		case "script":
			if src, ok := attrs["src"]; ok && strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//") {
				continue
			}
			if attrs["type"] == "application/ld+json" && el.FirstChild != nil && json.Valid([]byte(el.FirstChild.Data)) {
				continue
			}
			return fmt.Sprintf("a script %v: %.200q", attrs, textOf(el))
		case "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base", "style", "link":
			if el.Data == "svg" && attrs["class"] == "avatar" {
				continue // the site's own avatars, drawn from a hash; their shapes are checked as the walk goes on
			}
			if el.Data == "link" && attrs["rel"] != "import" && !strings.HasPrefix(strings.ToLower(attrs["href"]), "javascript:") {
				continue // the site's stylesheets, feeds and icons
			}
			if el.Data == "style" && el.Parent != nil && el.Parent.Data == "head" {
				continue
			}
			return fmt.Sprintf("a <%s> element %v", el.Data, attrs)
		case "meta":
			if strings.EqualFold(attrs["http-equiv"], "refresh") {
				return fmt.Sprintf("a refresh %q", attrs["content"])
			}
		}
	}
	return ""
}

// textOf returns the text of n's first child, if any.
func textOf(n *xhtml.Node) string {
	if n.FirstChild == nil {
		return ""
	}
	return n.FirstChild.Data
}

// activeInFeed names what could run in an Atom feed: the feed must be well-formed, and
// each text it marks as HTML (type="html"), which a feed reader shows as such, must
// hold nothing active. Other texts are shown as text.
func activeInFeed(body string) string {
	d := xml.NewDecoder(strings.NewReader(body))
	var htmlText []bool // for each open element, whether its text is HTML
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return "not well-formed: " + err.Error()
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			isHTML := false
			for _, a := range tok.Attr {
				if a.Name.Local == "type" && (a.Value == "html" || a.Value == "xhtml") {
					isHTML = true
				}
			}
			htmlText = append(htmlText, isHTML)
		case xml.EndElement:
			htmlText = htmlText[:len(htmlText)-1]
		case xml.CharData:
			if len(htmlText) > 0 && htmlText[len(htmlText)-1] {
				if what := activeIn(string(tok)); what != "" {
					return "in an HTML text: " + what
				}
			}
		}
	}
}

// Ensure a WordPress export full of hostile strings and markup, imported with its
// posts published and replies approved, gives a site that shows the text but runs
// nothing from it: on the home page, each article, each tag page, the feeds and
// search, no script but the site's own, no event handler, no javascript: address, no
// frame or SVG; and no reader's email shows anywhere.
func TestImportWordPress_HostileContentServedInert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := testConfig(t)
	export := filepath.Join(t.TempDir(), "hostile.xml")
	posts := hostileExport(t, export)
	var out strings.Builder
	if err := app.ImportWordPress(ctx, cfg, config.Import{File: export, KeepPublished: true}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if want := fmt.Sprintf("articles %d, pages 0", posts); !strings.Contains(out.String(), want) ||
		!strings.Contains(out.String(), fmt.Sprintf("replies: %d approved", posts)) {
		t.Fatalf("the import says, want %q and %d approved replies:\n%s", want, posts, out.String())
	}
	_, base := startAppWith(t, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))

	db := storetest.Open(t, cfg.DBPath)
	var tagSlugs []string
	rows, err := db.Query(`SELECT slug FROM tags ORDER BY slug`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			t.Fatal(err)
		}
		tagSlugs = append(tagSlugs, slug)
	}
	rows.Close()
	if len(tagSlugs) < posts/2 {
		t.Fatalf("%d tags for %d posts", len(tagSlugs), posts)
	}

	get := func(path string) string {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d\n%.500s", path, res.StatusCode, body)
		}
		return string(body)
	}
	check := func(path, body string, feed bool) {
		t.Helper()
		what := ""
		if feed {
			what = activeInFeed(body)
		} else {
			what = activeIn(body)
		}
		if what != "" {
			t.Errorf("%s holds %s", path, what)
		}
		if strings.Contains(strings.ToLower(body), "hostile-mail.example.org") {
			t.Errorf("%s shows a reader's email", path)
		}
	}

	pages := []string{"/", "/?page=2", "/search?q=marker", "/search?q=" + url.QueryEscape(`"><script>alert(1)</script>`),
		"/search?q=" + url.QueryEscape("javascript:alert(1)"), "/search?q=alert"}
	for _, slug := range tagSlugs {
		pages = append(pages, "/tags/"+url.PathEscape(slug))
	}
	for _, path := range pages {
		check(path, get(path), false)
	}
	if home := get("/"); !strings.Contains(home, "/articles/hostile-") {
		t.Errorf("the home page lists no imported article:\n%.1000s", home)
	}
	for p := range posts {
		path := fmt.Sprintf("/articles/hostile-%d", p)
		page := get(path)
		check(path, page, false)
		for _, want := range []string{fmt.Sprintf("Marker %d stays readable.", p), fmt.Sprintf("Reply marker %d.", p)} {
			if !strings.Contains(page, want) {
				t.Errorf("%s does not show %q", path, want)
			}
		}
		check(path+"/comments.xml", get(path+"/comments.xml"), true)
	}
	feed := get("/feed.xml")
	check("/feed.xml", feed, true)
	if !strings.Contains(feed, "/articles/hostile-") {
		t.Errorf("the site's feed holds no imported article:\n%.1000s", feed)
	}
}

// elements yields n and every element below it, in document order.
func elements(n *xhtml.Node) func(yield func(*xhtml.Node) bool) {
	return func(yield func(*xhtml.Node) bool) {
		var walk func(n *xhtml.Node) bool
		walk = func(n *xhtml.Node) bool {
			if n.Type == xhtml.ElementNode && !yield(n) {
				return false
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if !walk(c) {
					return false
				}
			}
			return true
		}
		walk(n)
	}
}

// Ensure the hostile test's checks see what they look for, so that its passing means
// something.
func TestActiveIn_FindsWhatRuns(t *testing.T) {
	t.Parallel()
	for _, page := range []string{
		`<p>x</p><script>alert(1)</script>`,
		`<script type="application/ld+json">{"a":"</script><script>alert(1)</script>"}</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href=" java&#x09;script:alert(1)">x</a>`,
		`<iframe src="/x"></iframe>`,
		`<svg><circle r=1 /></svg>`,
		`<p style="color:red">x</p>`,
		`<meta http-equiv="refresh" content="0;url=/x">`,
		`<script src="//evil.example.net/x.js"></script>`,
	} {
		if activeIn(page) == "" {
			t.Errorf("activeIn(%q) found nothing", page)
		}
	}
	safe := `<html><head><script src="/static/js/reply.js" defer></script><script type="application/ld+json">{"a":"&lt;b&gt;"}</script></head>` +
		`<body><svg class="avatar"><rect width="1" height="1"></rect></svg><p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=x javascript:</p></body></html>`
	if what := activeIn(safe); what != "" {
		t.Errorf("activeIn found %s in a page with nothing that runs", what)
	}
	if activeInFeed(`<feed><entry><content type="html">&lt;img src=x onerror=alert(1)&gt;</content></entry></feed>`) == "" {
		t.Error("activeInFeed found nothing in an HTML text with an event handler")
	}
	if what := activeInFeed(`<feed><entry><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></entry></feed>`); what != "" {
		t.Errorf("activeInFeed found %s in a plain-text title", what)
	}
}
