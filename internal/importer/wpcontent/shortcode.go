package wpcontent

import (
	"html"
	"regexp"
	"strings"
)

// shortcodeTag matches one shortcode tag: [name attrs], [name attrs /] or [/name].
var shortcodeTag = regexp.MustCompile(`\[(/?)([A-Za-z][A-Za-z0-9_-]*)((?:\s[^\[\]]*)?)\]`)

// captionAttr finds the caption="…" attribute newer WordPress versions write.
var captionAttr = regexp.MustCompile(`\bcaption\s*=\s*"([^"]*)"`)

// knownStandalone are shortcodes WordPress and common plugins write without a closing
// tag. Any other name is taken for a shortcode only when its closing tag follows, so
// that prose such as "[sic]" stays as written.
var knownStandalone = map[string]bool{
	"gallery": true, "audio": true, "video": true, "playlist": true, "embed": true,
	"contact-form-7": true, "contact-form": true, "wpforms": true, "gravityform": true,
}

// expandShortcodes turns the shortcodes of post content into HTML the converter reads:
// [caption] becomes a figure with its caption, [embed] a link, and any other shortcode
// is replaced by its inner content. warn names each shortcode that lost its function.
func expandShortcodes(s string, warn func(format string, args ...any)) string {
	var b strings.Builder
	for {
		m := shortcodeTag.FindStringSubmatchIndex(s)
		if m == nil {
			b.WriteString(s)
			return b.String()
		}
		start, end := m[0], m[1]
		closing := m[3] > m[2]
		name := strings.ToLower(s[m[4]:m[5]])
		attrs := s[m[6]:m[7]]
		// [[name]] is WordPress's way of writing a shortcode as text.
		if start > 0 && s[start-1] == '[' && end < len(s) && s[end] == ']' {
			b.WriteString(s[:start-1])
			b.WriteString(s[start:end])
			s = s[end+1:]
			continue
		}
		b.WriteString(s[:start])
		if closing {
			// A closing tag without its opening one: drop it.
			warn("shortcode [%s] removed", name)
			s = s[end:]
			continue
		}
		rest := s[end:]
		inner, after, paired := cutClosing(rest, name)
		if strings.HasSuffix(strings.TrimSpace(attrs), "/") {
			inner, after, paired = "", rest, true
		}
		switch {
		case name == "caption" || name == "wp_caption":
			if !paired {
				inner, after = "", rest
			}
			b.WriteString(caption(inner, attrs))
		case name == "embed" && paired:
			warn("shortcode [embed] became a link")
			u := strings.TrimSpace(inner)
			b.WriteString(`<p><a href="` + html.EscapeString(html.UnescapeString(u)) + `">` + u + `</a></p>`)
		case paired:
			warn("shortcode [%s] replaced by its text", name)
			b.WriteString(expandShortcodes(inner, warn))
		case knownStandalone[name]:
			warn("shortcode [%s] removed", name)
		default:
			b.WriteString(s[start:end])
		}
		s = after
	}
}

// cutClosing returns the text before [/name] in s and the text after it.
func cutClosing(s, name string) (inner, after string, ok bool) {
	i := strings.Index(strings.ToLower(s), "[/"+name+"]")
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+len(name)+3:], true
}

// caption turns a caption's content (an image, maybe inside a link, then the caption
// text) into a figure.
func caption(inner, attrs string) string {
	inner = strings.TrimSpace(inner)
	media, text := inner, ""
	lower := strings.ToLower(inner)
	switch {
	case strings.HasPrefix(lower, "<a"):
		if i := strings.Index(lower, "</a>"); i >= 0 {
			media, text = inner[:i+4], inner[i+4:]
		}
	case strings.HasPrefix(lower, "<img"):
		if i := strings.Index(inner, ">"); i >= 0 {
			media, text = inner[:i+1], inner[i+1:]
		}
	}
	if m := captionAttr.FindStringSubmatch(attrs); m != nil && strings.TrimSpace(text) == "" {
		text = m[1] // already HTML, as WordPress stores it
	}
	return "<figure>" + media + "<figcaption>" + text + "</figcaption></figure>"
}
