package render

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// Marks around each search match in the text given to Highlight: control characters,
// which the search snippets put there and which are never shown.
const (
	MatchStart = "\x01"
	MatchEnd   = "\x02"
)

// Highlight escapes text and shows each search match, written between MatchStart and
// MatchEnd, as <mark>…</mark>. The marks are balanced whatever the text holds (a
// stray or repeated mark is dropped, an open one is closed at the end), other control
// characters are removed, and runs of white space become one space.
func Highlight(text string) template.HTML {
	var b strings.Builder
	open := false
	for _, field := range strings.Fields(text) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		start := 0
		flush := func(end int) {
			b.WriteString(html.EscapeString(dropControls(field[start:end])))
		}
		for i := 0; i < len(field); i++ {
			switch field[i] {
			case MatchStart[0]:
				flush(i)
				if !open {
					b.WriteString("<mark>")
					open = true
				}
				start = i + 1
			case MatchEnd[0]:
				flush(i)
				if open {
					b.WriteString("</mark>")
					open = false
				}
				start = i + 1
			}
		}
		flush(len(field))
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

var (
	markdownLink      = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`) // [text](url), ![alt](src)
	markdownLinkTail  = regexp.MustCompile(`^([^\[\]]*)\]\([^)]*\)`)  // text](url) where a snippet starts mid-link
	markdownTag       = regexp.MustCompile(`</?[a-zA-Z][^<>\x01\x02]*>`)
	markdownLineStart = regexp.MustCompile(`(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+|\|)`)
	markdownEmphasis  = regexp.MustCompile("\\*{1,3}|_{2,3}|`+|~~|\\|")
)

// SearchExcerpt is Highlight for a passage of an article's Markdown: link addresses,
// HTML tags, heading, quote and list markers and emphasis are removed first, so that
// the reader sees the words rather than the syntax.
func SearchExcerpt(markdown string) template.HTML {
	s := markdownLinkTail.ReplaceAllString(markdown, "$1")
	s = markdownLink.ReplaceAllString(s, "$1")
	s = markdownTag.ReplaceAllString(s, "")
	s = markdownLineStart.ReplaceAllString(s, "")
	s = markdownEmphasis.ReplaceAllString(s, "")
	return Highlight(s)
}
