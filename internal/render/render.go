// Package render turns what people write into HTML that is safe to serve. It is the one
// place to audit for markup injection: article Markdown is rendered by goldmark and
// cleaned by bluemonday; reply text is escaped and only web links are made live.
//
// No id written in an article can be an id the page around it uses ("respond",
// "comment-12", "main"), which the page's scripts and links find elements by: every
// heading's id starts with HeadingIDPrefix, no id of that shape is used by the page,
// and no other element of an article keeps an id or a name.
package render

import (
	"bytes"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// HeadingIDPrefix starts the id of every heading in an article ("## Causes" is
// id="h-causes"). No element of a page may have an id that starts with it.
const HeadingIDPrefix = "h-"

var (
	// markdown has no syntax for ids ({#id} attributes are off): a heading's id is
	// made from its text, and headingIDs prefixes it.
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Typographer),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(headingIDs{}, 100), util.Prioritized(hiddenSchemes{}, 200)),
		),
	)
	// articlePolicy allows what authors need (headings, lists, tables, links, images,
	// quotes, code) and nothing that runs: no script, style, event handler, frame or
	// javascript:/data: URL. Authors are staff, so their links to sources are followed.
	articlePolicy = newArticlePolicy()
	// commentPolicy checks the reply HTML built below; it admits only what that code
	// writes, so a mistake there cannot turn into markup.
	commentPolicy = newCommentPolicy()
)

// headingID is the only id an article may hold: a heading's, as headingIDs writes it.
var headingID = regexp.MustCompile(`^` + HeadingIDPrefix + `[a-z0-9-]+$`)

// newArticlePolicy is bluemonday's UGCPolicy written out, less what would let an
// article take an element of the page: the id it allows on every element (only a
// heading keeps one, of the shape headingID), and image maps, which need a name.
func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	// Addresses: relative, http, https or mailto, and parseable.
	p.AllowStandardURLs()

	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`[a-zA-Z]{2,20}`)).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()

	p.AllowElements("article", "aside", "figure", "section", "summary", "hgroup")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`(?i)^(|open)$`)).OnElements("details")
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("id").Matching(headingID).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowElements("br", "div", "hr", "p", "span", "wbr")
	p.AllowAttrs("href").OnElements("a")
	p.AllowElements("abbr", "acronym", "cite", "code", "dfn", "em", "figcaption", "mark", "s", "samp", "strong",
		"sub", "sup", "var", "b", "i", "pre", "small", "strike", "tt", "u", "rp", "rt", "ruby")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time")
	p.AllowAttrs("dir").Matching(bluemonday.Direction).OnElements("bdi", "bdo")
	p.AllowAttrs("cite").Matching(bluemonday.Paragraph).OnElements("del", "ins")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("del", "ins")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("value", "min", "max", "low", "high", "optimum").Matching(bluemonday.Number).OnElements("meter")
	p.AllowAttrs("value", "max").Matching(bluemonday.Number).OnElements("progress")
	p.AllowImages()
	// An image's alt text may be any text. UGCPolicy's pattern for it refuses a colon,
	// question mark or quote and then drops the whole alt, leaving the image with no
	// description for readers who cannot see it. Attribute values are escaped on output,
	// so no text in one can become markup.
	p.AllowAttrs("alt").OnElements("img")
	// Authors are staff: their links to sources are followed. (Last: AllowImages and
	// AllowStandardURLs turn nofollow on.)
	p.RequireNoFollowOnLinks(false)
	return p
}

// headingIDs prefixes the id of every heading with HeadingIDPrefix, and rewrites each
// link to "#x", where x is the id Markdown gave one of the article's headings, to
// "#h-x", so that links within an article to its headings keep working. Any other
// link, to an element of the page ("#respond") or to another page, is left as written.
type headingIDs struct{}

func (headingIDs) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	headings := map[string]bool{} // ids as Markdown made them, before the prefix
	var links []*ast.Link
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			var id string
			switch v, _ := n.AttributeString("id"); v := v.(type) {
			case []byte:
				id = string(v)
			case string:
				id = v
			}
			if id != "" {
				headings[id] = true
				n.SetAttributeString("id", []byte(HeadingIDPrefix+id))
			}
		case *ast.Link:
			links = append(links, n)
		}
		return ast.WalkContinue, nil
	})
	for _, l := range links {
		if id, ok := bytes.CutPrefix(l.Destination, []byte("#")); ok && headings[string(id)] {
			l.Destination = []byte("#" + HeadingIDPrefix + string(id))
		}
	}
}

func newCommentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "mark") // mark: only CommentTextMarked makes it, for moderators
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow ugc$`)).OnElements("a")
	return p
}

// Markdown renders an article body written in Markdown to sanitised HTML.
func Markdown(source string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(source), &buf); err != nil {
		return "", err
	}
	return template.HTML(articlePolicy.SanitizeBytes(buf.Bytes())), nil
}

var (
	paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)
	webLink        = regexp.MustCompile(`https?://[^\s<>"'\x00-\x1f\x7f]+`) // no control character belongs to an address
)

// CommentText renders a reply written as plain text: every character is escaped,
// blank lines separate paragraphs, single line breaks are kept, and http(s) addresses
// become links marked rel="nofollow ugc".
func CommentText(text string) template.HTML {
	return commentHTML(text, nil)
}

// CommentTextMarked is CommentText with every occurrence of mark, in any case and
// outside web addresses, wrapped in <mark>: what a moderation rule found ("500 mg"),
// for moderators to see at once. An empty mark marks nothing.
func CommentTextMarked(text, mark string) template.HTML {
	if strings.TrimSpace(mark) == "" {
		return commentHTML(text, nil)
	}
	return commentHTML(text, regexp.MustCompile(`(?i)`+regexp.QuoteMeta(mark)))
}

func commentHTML(text string, mark *regexp.Regexp) template.HTML {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.TrimSpace(text)
	var b strings.Builder
	for _, para := range paragraphBreak.Split(text, -1) {
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			writeLinked(&b, line, mark)
		}
		b.WriteString("</p>\n")
	}
	return template.HTML(commentPolicy.Sanitize(b.String()))
}

// writeLinked writes line escaped, with its web addresses as links and, outside
// them, what mark matches in <mark>.
func writeLinked(b *strings.Builder, line string, mark *regexp.Regexp) {
	last := 0
	for _, m := range webLink.FindAllStringIndex(line, -1) {
		start, end := m[0], m[0]+len(trimLinkEnd(line[m[0]:m[1]]))
		if u, err := url.Parse(line[start:end]); err != nil || u.Host == "" {
			continue // not an address after all; written as text below
		}
		writeMarked(b, line[last:start], mark)
		link := html.EscapeString(line[start:end])
		b.WriteString(`<a href="` + link + `" rel="nofollow ugc">` + link + `</a>`)
		last = end
	}
	writeMarked(b, line[last:], mark)
}

// writeMarked writes text escaped, with what mark matches in <mark>.
func writeMarked(b *strings.Builder, text string, mark *regexp.Regexp) {
	last := 0
	if mark != nil {
		for _, m := range mark.FindAllStringIndex(text, -1) {
			b.WriteString(html.EscapeString(text[last:m[0]]))
			b.WriteString("<mark>" + html.EscapeString(text[m[0]:m[1]]) + "</mark>")
			last = m[1]
		}
	}
	b.WriteString(html.EscapeString(text[last:]))
}

// trimLinkEnd drops punctuation that ends a sentence rather than the address, and a
// closing bracket that has no opening one inside the address.
func trimLinkEnd(link string) string {
	for link != "" {
		last := link[len(link)-1]
		switch {
		case strings.IndexByte(".,;:!?*", last) >= 0:
			link = link[:len(link)-1]
		case last == ')' && strings.Count(link, "(") < strings.Count(link, ")"):
			link = link[:len(link)-1]
		default:
			return link
		}
	}
	return link
}
