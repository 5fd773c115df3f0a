package model

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Truncate shortens valid UTF-8 text to at most maxBytes, cutting between characters.
func Truncate(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Excerpt is text on one line (runs of spaces and line breaks made one space),
// shortened to about maxBytes with an ellipsis where it was cut.
func Excerpt(text string, maxBytes int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= maxBytes {
		return text
	}
	return strings.TrimSpace(Truncate(text, maxBytes)) + "…"
}

// Path is the article's address on the site: /articles/SLUG, or /pages/SLUG for a page.
func (a *Article) Path() string {
	if a.IsPage() {
		return "/pages/" + url.PathEscape(a.Slug)
	}
	return "/articles/" + url.PathEscape(a.Slug)
}
