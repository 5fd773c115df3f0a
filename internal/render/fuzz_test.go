package render_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
)

// allowedCommentTag matches every tag CommentText may write.
var allowedCommentTag = regexp.MustCompile(`</?p>|<br>|<a href="https?://[^"<>]*" rel="nofollow ugc">|</a>`)

// Ensure no reply text, however hostile, makes CommentText panic or write a tag other
// than a paragraph, a line break or a nofollow web link.
func FuzzCommentText(f *testing.F) {
	for _, seed := range []string{
		"plain", "<script>alert(1)</script>", "https://example.org/?a=<b>", `"><img src=x onerror=alert(1)>`,
		"javascript:alert(1)", "line\nbreak\n\npara", "https://x.org/\"onmouseover=\"x", "\x00\xff", "‮RTL override",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out := string(render.CommentText(text))
		if rest := allowedCommentTag.ReplaceAllString(out, ""); strings.ContainsAny(rest, "<>") {
			t.Errorf("CommentText(%q) wrote markup outside the allowlist: %q", text, out)
		}
	})
}

// Ensure Markdown never lets through script, event handlers, frames, styles or
// javascript:/data: URLs.
func FuzzMarkdown(f *testing.F) {
	for _, seed := range []string{
		"# Title\n\ntext", "<script>alert(1)</script>", "[x](javascript:alert(1))", "![x](data:image/png;base64,AAAA)",
		"<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<svg onload=alert(1)>", "<iframe src=//evil>", "<style>*{}</style>",
		"![x\" onerror=\"alert(1)](/media/x.png)", "![javascript: a \"quote\"](javascript:alert(1))",
	} {
		f.Add(seed)
	}
	unsafe := regexp.MustCompile(`(?i)<script|<iframe|<object|<embed|<style|\son[a-z]+\s*=|javascript:|data:|style=`)
	f.Fuzz(func(t *testing.T, source string) {
		out, err := render.Markdown(source)
		if err != nil {
			return
		}
		if m := unsafe.FindString(string(out)); m != "" {
			// Text content may mention these words; only markup counts.
			if strings.Contains(stripText(string(out)), strings.ToLower(m)) {
				t.Errorf("Markdown(%q) kept %q: %q", source, m, out)
			}
		}
	})
}

// stripText keeps only the tags of an HTML fragment, lower-cased, without the values
// of alt attributes: alt text is text (with its quotes escaped), not markup.
func stripText(html string) string {
	var b strings.Builder
	html = regexp.MustCompile(` alt="[^"]*"`).ReplaceAllString(html, ` alt=""`)
	for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(html, -1) {
		b.WriteString(strings.ToLower(tag))
	}
	return b.String()
}
