// Package wpcontent turns the content of a WordPress export into Fascicle's formats:
// a post's HTML into article Markdown, and a comment's HTML into reply text.
//
// Nothing that runs survives: script, style, frames, objects and forms go with their
// content, no attribute is copied except a link's or an image's address, and only
// http, https (and, for links, mailto) addresses are kept. Text is escaped so that it
// stays text when the Markdown is rendered.
package wpcontent

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropped elements go with everything inside them.
var dropped = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true,
	"form": true, "noscript": true, "template": true, "svg": true, "math": true,
	"frame": true, "frameset": true, "noframes": true, "noembed": true, "applet": true,
	"head": true, "title": true, "meta": true, "link": true, "base": true, "param": true,
}

// blockElements start a block of their own.
var blockElements = map[string]bool{
	"p": true, "div": true, "section": true, "article": true, "aside": true, "header": true,
	"footer": true, "main": true, "nav": true, "figure": true, "figcaption": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"blockquote": true, "pre": true, "hr": true, "table": true, "address": true,
	"details": true, "summary": true, "center": true, "fieldset": true,
}

var (
	blankLine  = regexp.MustCompile(`\n[ \t\r\f]*\n\s*`)
	spaces     = regexp.MustCompile(`[ \t\r\f]+`)
	allSpace   = regexp.MustCompile(`[ \t\r\f\n]+`)
	listNumber = regexp.MustCompile(`^(\d+)([.)])`)
)

// PostMarkdown converts a post's content:encoded to Markdown. The warnings say what
// could not be carried over as it was (a shortcode, a table), one line each.
func PostMarkdown(content string) (markdown string, warnings []string) {
	c := &converter{seen: map[string]bool{}}
	content = strings.ToValidUTF8(content, "\uFFFD")
	content = expandShortcodes(content, c.warn)
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), body)
	if err != nil { // the parser only fails on a failing reader
		return "", []string{err.Error()}
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	// Content without <p> was written for wpautop: blank lines are paragraph breaks
	// and single line breaks are kept.
	c.autop = !hasElement(body, "p")
	return joinBlocks(c.blocks(body), false), c.warnings
}

type converter struct {
	autop    bool
	warnings []string
	seen     map[string]bool
}

func (c *converter) warn(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	if !c.seen[w] {
		c.seen[w] = true
		c.warnings = append(c.warnings, w)
	}
}

// block is a Markdown block; in a list item, a list may follow a paragraph without a
// blank line.
type block struct {
	text string
	list bool
}

func joinBlocks(bs []block, tight bool) string {
	var b strings.Builder
	for i, bl := range bs {
		if i > 0 {
			if tight && bl.list && !bs[i-1].list {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(bl.text)
	}
	return b.String()
}

// blocks converts the children of n. Runs of inline content become paragraphs.
func (c *converter) blocks(n *html.Node) []block {
	var out []block
	var para strings.Builder
	flush := func() {
		if p := paragraph(para.String()); p != "" {
			out = append(out, block{text: p})
		}
		para.Reset()
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch {
		case ch.Type == html.TextNode && c.autop:
			for i, part := range blankLine.Split(ch.Data, -1) {
				if i > 0 {
					flush()
				}
				para.WriteString(c.text(part))
			}
		case ch.Type == html.TextNode:
			para.WriteString(c.text(ch.Data))
		case ch.Type != html.ElementNode || dropped[ch.Data]:
		case blockElements[ch.Data] || hasBlock(ch):
			flush()
			out = append(out, c.block(ch)...)
		default:
			para.WriteString(c.inline(ch))
		}
	}
	flush()
	return out
}

// block converts a block element.
func (c *converter) block(n *html.Node) []block {
	switch n.Data {
	case "h1", "h2", "h3", "h4", "h5", "h6":
		t := oneLine(c.inlineChildren(n))
		if t == "" {
			return nil
		}
		if strings.HasSuffix(t, "#") { // would be read as a closing sequence
			t = t[:len(t)-1] + `\#`
		}
		return []block{{text: strings.Repeat("#", int(n.Data[1]-'0')) + " " + t}}
	case "ul", "ol":
		if l := c.list(n); l != "" {
			return []block{{text: l, list: true}}
		}
		return nil
	case "blockquote":
		inner := joinBlocks(c.blocks(n), false)
		if inner == "" {
			return nil
		}
		return []block{{text: prefixLines(inner, "> ", ">")}}
	case "pre":
		return []block{{text: codeBlock(textContent(n))}}
	case "hr":
		return []block{{text: "---"}}
	case "table":
		return c.table(n)
	case "figcaption":
		// "_" so that emphasis inside the caption ("*") stays distinct.
		if p := paragraph(emphasis("_", c.inlineChildren(n))); p != "" {
			return []block{{text: p}}
		}
		return nil
	}
	return c.blocks(n)
}

// list converts ul or ol; nested lists are indented under their item.
func (c *converter) list(n *html.Node) string {
	ordered := n.Data == "ol"
	num := 1
	if s, err := strconv.Atoi(getAttr(n, "start")); err == nil && ordered && s >= 0 && s < 1e9 {
		num = s
	}
	var items []string
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		var body string
		switch {
		case ch.Type == html.ElementNode && ch.Data == "li":
			body = joinBlocks(c.blocks(ch), true)
		case ch.Type == html.ElementNode && !dropped[ch.Data]:
			body = joinBlocks(c.block(ch), true)
		case ch.Type == html.TextNode:
			body = paragraph(c.text(ch.Data))
		}
		if body == "" && (ch.Type != html.ElementNode || ch.Data != "li") {
			continue
		}
		marker := "- "
		if ordered {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		if body == "" {
			items = append(items, strings.TrimSpace(marker))
			continue
		}
		indent := strings.Repeat(" ", len(marker))
		items = append(items, marker+prefixLines(body, indent, "")[len(indent):])
	}
	return strings.Join(items, "\n")
}

// table turns a table into one line of text per row, its cells separated by " | ".
func (c *converter) table(n *html.Node) []block {
	c.warn("table turned into plain rows of text")
	var out []block
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode || dropped[ch.Data] {
				continue
			}
			switch ch.Data {
			case "tr":
				var cells []string
				for cell := ch.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type == html.ElementNode && (cell.Data == "td" || cell.Data == "th") {
						cells = append(cells, oneLine(c.inlineChildren(cell)))
					}
				}
				if p := paragraph(strings.Join(cells, " | ")); strings.Trim(p, " |") != "" {
					out = append(out, block{text: p})
				}
			case "caption":
				if p := paragraph(oneLine(c.inlineChildren(ch))); p != "" {
					out = append(out, block{text: p})
				}
			default:
				walk(ch)
			}
		}
	}
	walk(n)
	return out
}

// inlineChildren converts the children of n as inline content: "\n" in the result is
// a line break.
func (c *converter) inlineChildren(n *html.Node) string {
	var b strings.Builder
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		b.WriteString(c.inline(ch))
	}
	return b.String()
}

func (c *converter) inline(n *html.Node) string {
	if n.Type == html.TextNode {
		return c.text(n.Data)
	}
	if n.Type != html.ElementNode || dropped[n.Data] {
		return ""
	}
	switch n.Data {
	case "br":
		return "\n"
	case "strong", "b":
		return emphasis("**", c.inlineChildren(n))
	case "em", "i":
		return emphasis("*", c.inlineChildren(n))
	case "code", "kbd", "samp", "tt":
		return codeSpan(textContent(n))
	case "a":
		inner := c.inlineChildren(n)
		href, ok := safeURL(getAttr(n, "href"), true)
		text := oneLine(inner)
		if !ok || text == "" {
			return inner
		}
		return lead(inner) + "[" + text + "](" + href + ")" + trail(inner)
	case "img":
		alt := oneLine(c.text(getAttr(n, "alt")))
		if src, ok := safeURL(getAttr(n, "src"), false); ok {
			return "![" + alt + "](" + src + ")"
		}
		return alt
	}
	if blockElements[n.Data] {
		return " " + c.inlineChildren(n) + " "
	}
	return c.inlineChildren(n)
}

// text escapes a text node. Its white space collapses as HTML's does, except that
// in wpautop content a line break is kept.
func (c *converter) text(s string) string {
	s = stripControl(s)
	if c.autop {
		s = spaces.ReplaceAllString(s, " ")
	} else {
		s = allSpace.ReplaceAllString(s, " ")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '\\', '*', '_', '`', '[', ']', '<', '|', '~':
			b.WriteByte('\\')
		case '&': // only where it would start an entity
			if j := strings.IndexByte(s[i+1:], ';'); j > 0 && isEntityName(s[i+1:i+1+j]) {
				b.WriteByte('\\')
			}
		case '!': // an image if a link follows
			if i == len(s)-1 {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func isEntityName(s string) bool {
	for _, r := range s {
		if r != '#' && !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// paragraph finishes inline content as a paragraph: each line trimmed, empty lines
// dropped, lines that would start a block escaped, line breaks made hard.
func paragraph(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
		if l == "" {
			continue
		}
		switch l[0] {
		case '#', '>', '-', '+', '=':
			l = `\` + l
		default:
			if m := listNumber.FindStringSubmatchIndex(l); m != nil {
				l = l[:m[4]] + `\` + l[m[4]:]
			}
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\\\n")
}

// emphasis wraps inline content in a marker, leaving its outer white space outside.
func emphasis(marker, s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return s
	}
	return lead(s) + marker + t + marker + trail(s)
}

func lead(s string) string  { return s[:len(s)-len(strings.TrimLeft(s, " \n"))] }
func trail(s string) string { return s[len(strings.TrimRight(s, " \n")):] }

// oneLine joins inline content into one line.
func oneLine(s string) string {
	return strings.TrimSpace(allSpace.ReplaceAllString(s, " "))
}

// codeSpan writes inline code with a fence longer than any run of backticks inside.
func codeSpan(s string) string {
	s = allSpace.ReplaceAllString(stripControl(s), " ")
	if strings.TrimSpace(s) == "" {
		return s
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// codeBlock writes a fenced code block that no line of its content can close.
func codeBlock(s string) string {
	s = strings.ReplaceAll(stripControl(s), "\r", "")
	s = strings.TrimPrefix(s, "\n")
	s = strings.TrimRight(s, "\n")
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + "\n" + s + "\n" + fence
}

func longestRun(s string, ch byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == ch {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// safeURL returns an address fit for a Markdown link destination, or false if its
// scheme is not http or https (or mailto, for links).
func safeURL(raw string, mailto bool) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if !mailto || u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	return destination.Replace(u.String()), true
}

// destination escapes what would end or break a Markdown link destination.
var destination = strings.NewReplacer(
	"(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", `\`, "%5C", "\n", "", "\r", "",
)

// textContent is the text of n and its descendants, with <br> as a line break.
func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteString("\n")
		case n.Type == html.ElementNode && dropped[n.Data]:
		default:
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				walk(ch)
			}
		}
	}
	walk(n)
	return b.String()
}

// prefixLines prefixes every line of s, empty lines with empty.
func prefixLines(s, prefix, empty string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = empty
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// stripControl removes control characters other than tab and line feed.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasElement(n *html.Node, name string) bool {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && !dropped[ch.Data] && (ch.Data == name || hasElement(ch, name)) {
			return true
		}
	}
	return false
}

// hasBlock reports whether an inline element holds a block element, as in
// <span><p>…</p></span>: it is then read as a block.
func hasBlock(n *html.Node) bool {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && !dropped[ch.Data] && (blockElements[ch.Data] || hasBlock(ch)) {
			return true
		}
	}
	return false
}
