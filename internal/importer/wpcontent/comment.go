package wpcontent

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var manyBlankLines = regexp.MustCompile(`\n{3,}`)

// CommentText converts a comment's content to reply text: tags removed, paragraphs
// separated by a blank line, <br> as a line break, quotes as "> " lines, and a link
// as its text followed by its address in brackets (only http and https addresses
// are kept, and only once when the text is the address).
func CommentText(content string) string {
	content = strings.ReplaceAll(strings.ToValidUTF8(content, "\uFFFD"), "\r\n", "\n")
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), body)
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, n := range nodes {
		commentNode(&b, n)
	}
	return tidyText(b.String())
}

func commentNode(b *strings.Builder, n *html.Node) {
	switch {
	case n.Type == html.TextNode:
		b.WriteString(strings.ReplaceAll(stripControl(n.Data), "\t", " "))
		return
	case n.Type != html.ElementNode || dropped[n.Data]:
		return
	}
	switch n.Data {
	case "br":
		b.WriteString("\n")
	case "a":
		var inner strings.Builder
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			commentNode(&inner, ch)
		}
		text := strings.TrimSpace(inner.String())
		href, ok := commentURL(getAttr(n, "href"))
		switch {
		case !ok:
			b.WriteString(inner.String())
		case text == "" || sameLink(text, href):
			b.WriteString(href)
		default:
			b.WriteString(text + " (" + href + ")")
		}
	case "blockquote":
		var inner strings.Builder
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			commentNode(&inner, ch)
		}
		if q := tidyText(inner.String()); q != "" {
			b.WriteString("\n\n" + prefixLines(q, "> ", ">") + "\n\n")
		}
	default:
		block := blockElements[n.Data]
		if block {
			b.WriteString("\n\n")
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			commentNode(b, ch)
		}
		if block {
			b.WriteString("\n\n")
		}
	}
}

// commentURL returns an http or https address as written, without spaces or
// control characters.
func commentURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if _, ok := safeURL(raw, false); !ok || strings.ContainsAny(raw, " \t\n") {
		return "", false
	}
	return raw, true
}

func sameLink(text, href string) bool {
	return strings.TrimSuffix(text, "/") == strings.TrimSuffix(href, "/")
}

// tidyText trims every line and leaves at most one blank line between paragraphs.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	s = manyBlankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s)
}
