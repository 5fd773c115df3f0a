// Package render turns what people write into HTML that is safe to serve. It is the one
// place to audit for markup injection: article Markdown is rendered by goldmark and
// cleaned by bluemonday; reply text is escaped and only web links are made live.
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
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
	// articlePolicy allows what authors need (headings, lists, tables, links, images,
	// quotes, code) and nothing that runs: no script, style, event handler, frame or
	// javascript:/data: URL. Authors are staff, so their links to sources are followed.
	articlePolicy = newArticlePolicy()
	// commentPolicy checks the reply HTML built below; it admits only what that code
	// writes, so a mistake there cannot turn into markup.
	commentPolicy = newCommentPolicy()
)

func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy().RequireNoFollowOnLinks(false)
	// An image's alt text may be any text. UGCPolicy's pattern for it refuses a colon,
	// question mark or quote and then drops the whole alt, leaving the image with no
	// description for readers who cannot see it. Attribute values are escaped on output,
	// so no text in one can become markup.
	p.AllowAttrs("alt").OnElements("img")
	return p
}

func newCommentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br")
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
	webLink        = regexp.MustCompile(`https?://[^\s<>"']+`)
)

// CommentText renders a reply written as plain text: every character is escaped,
// blank lines separate paragraphs, single line breaks are kept, and http(s) addresses
// become links marked rel="nofollow ugc".
func CommentText(text string) template.HTML {
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
			writeLinked(&b, line)
		}
		b.WriteString("</p>\n")
	}
	return template.HTML(commentPolicy.Sanitize(b.String()))
}

// writeLinked writes line escaped, with its web addresses as links.
func writeLinked(b *strings.Builder, line string) {
	last := 0
	for _, m := range webLink.FindAllStringIndex(line, -1) {
		start, end := m[0], m[0]+len(trimLinkEnd(line[m[0]:m[1]]))
		if u, err := url.Parse(line[start:end]); err != nil || u.Host == "" {
			continue // not an address after all; written as text below
		}
		b.WriteString(html.EscapeString(line[last:start]))
		link := html.EscapeString(line[start:end])
		b.WriteString(`<a href="` + link + `" rel="nofollow ugc">` + link + `</a>`)
		last = end
	}
	b.WriteString(html.EscapeString(line[last:]))
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
