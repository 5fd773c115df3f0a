package render

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// bioPolicy admits the little a staff member's bio needs: paragraphs, emphasis, lists
// and links (http, https, mailto or relative). Headings, images, tables and the rest
// of an article's Markdown are reduced to their text.
var bioPolicy = newBioPolicy()

func newBioPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowElements("p", "br", "em", "strong", "ul", "ol", "li")
	p.AllowAttrs("href").OnElements("a")
	// Bios are written by staff, like articles: their links are followed.
	p.RequireNoFollowOnLinks(false)
	return p
}

// Bio renders a staff member's bio, written in Markdown, to sanitised HTML.
func Bio(source string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(source), &buf); err != nil {
		return "", err
	}
	return template.HTML(bioPolicy.SanitizeBytes(buf.Bytes())), nil
}

var spaces = regexp.MustCompile(`\s+`)

// BioSummary returns the first paragraph of a bio as plain text (its Markdown
// rendered, then every tag dropped), cut at the last word that ends within max bytes,
// with "…" added, when longer. The text is not escaped: the template escapes it.
func BioSummary(source string, max int) (string, error) {
	first, _, _ := strings.Cut(strings.TrimSpace(strings.ReplaceAll(source, "\r\n", "\n")), "\n\n")
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(first), &buf); err != nil {
		return "", err
	}
	text := html.UnescapeString(bluemonday.StrictPolicy().Sanitize(buf.String()))
	text = strings.TrimSpace(spaces.ReplaceAllString(text, " "))
	if len(text) <= max {
		return text, nil
	}
	cut := strings.LastIndexByte(text[:max+1], ' ')
	if cut <= 0 {
		cut = max
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
	}
	return strings.TrimRight(text[:cut], " ,.;:") + "…", nil
}
