package model

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of an uploaded image.
const (
	MaxMediaSize   = 5 << 20    // bytes: 5 MB
	MaxMediaSide   = 10_000     // pixels, width or height
	MaxMediaPixels = 25_000_000 // width × height: each reader's browser holds them decoded, some 100 MB
	MaxMediaAlt    = 300        // characters of alt text
)

// Media is an uploaded image. Its file name is made from its content (the first 16 hex
// digits of its SHA-256 and the extension), so one image is stored once and its public
// address never changes.
type Media struct {
	ID          int64
	FileName    string // e.g. "3f2a9c0d11b4e7a8.png"
	ContentType string // image/png, image/jpeg or image/webp
	Size        int64  // bytes
	Alt         string // the description given when it was first uploaded
	SHA256      string // hex, all 64 digits
	UserID      *int64 // who uploaded it; nil once that account is deleted
	CreatedAt   time.Time
}

// URL returns the image's public address, relative to the site.
func (m *Media) URL() string {
	return "/media/" + m.FileName
}

// Markdown returns the Markdown that shows the image with its stored alt text.
func (m *Media) Markdown() string {
	return MediaMarkdown(m.Alt, m.URL())
}

// MediaMarkdown returns the Markdown image `![alt](url)`, with the characters of alt
// that Markdown would read as markup escaped, so the alt text arrives as typed.
func MediaMarkdown(alt, url string) string {
	var b strings.Builder
	b.WriteString("![")
	for _, r := range alt {
		if strings.ContainsRune("\\`*_[]<>&~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteString("](")
	b.WriteString(url)
	b.WriteString(")")
	return b.String()
}

// NormalizeAlt trims alt text and joins its lines and runs of spaces into single
// spaces: alt text is one line, and a line break would end the Markdown image.
func NormalizeAlt(alt string) string {
	return strings.Join(strings.Fields(alt), " ")
}

// ValidateAlt records in v what is wrong with alt text, already normalised, under the
// field "alt".
func ValidateAlt(v *ValidationError, alt string) {
	switch {
	case alt == "":
		v.Add("alt", "Describe the image for readers who cannot see it (the alt text).")
	case utf8.RuneCountInString(alt) > MaxMediaAlt:
		v.Add("alt", "Keep the description to 300 characters or fewer; longer explanations belong in the article text.")
	case !utf8.ValidString(alt) || strings.IndexFunc(alt, unicode.IsControl) >= 0:
		v.Add("alt", "The description contains characters that cannot be shown. Type it again as plain text.")
	}
}
