package render_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
)

// Ensure reply text is escaped, keeps its line breaks and paragraphs, and gets live
// links only for http(s) addresses, marked nofollow ugc.
func TestCommentText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		In   string
		Want string
	}{
		{"Plain", "Hello", "<p>Hello</p>\n"},
		{"Escaped", `<b>bold</b> & "quoted" 'single'`, "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34; &#39;single&#39;</p>\n"},
		{"LineBreaks", "one\r\ntwo\nthree", "<p>one<br>\ntwo<br>\nthree</p>\n"},
		{"Paragraphs", "one\n\n\ntwo\n \nthree", "<p>one</p>\n<p>two</p>\n<p>three</p>\n"},
		{"Link", "see https://example.org/a?b=1&c=2.", `<p>see <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc">https://example.org/a?b=1&amp;c=2</a>.</p>` + "\n"},
		{"LinkInBrackets", "(http://example.org/x)", `<p>(<a href="http://example.org/x" rel="nofollow ugc">http://example.org/x</a>)</p>` + "\n"},
		{"LinkWithBrackets", "https://en.wikipedia.org/wiki/Myoclonus_(disorder)", `<p><a href="https://en.wikipedia.org/wiki/Myoclonus_(disorder)" rel="nofollow ugc">https://en.wikipedia.org/wiki/Myoclonus_(disorder)</a></p>` + "\n"},
		{"JavascriptNotLinked", "javascript:alert(1)", "<p>javascript:alert(1)</p>\n"},
		{"LinkCannotBreakOut", `https://x.org/"onmouseover="alert(1)`, `<p><a href="https://x.org/" rel="nofollow ugc">https://x.org/</a>&#34;onmouseover=&#34;alert(1)</p>` + "\n"},
		{"Empty", "  \n ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := string(render.CommentText(tt.In)); got != tt.Want {
				t.Errorf("CommentText(%q)\n got %q\nwant %q", tt.In, got, tt.Want)
			}
		})
	}
}

// Ensure Markdown is rendered and anything that could run is removed.
func TestMarkdown(t *testing.T) {
	t.Parallel()
	got, err := render.Markdown("## Causes\n\n**Caffeine** and [a source](https://example.org).\n\n" +
		"<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[bad](javascript:alert(3))\n\n" +
		"<iframe src=https://evil.example></iframe><style>body{}</style><a href=\"data:text/html,x\">d</a>")
	if err != nil {
		t.Fatal(err)
	}
	html := string(got)
	for _, want := range []string{`<h2 id="h-causes">Causes</h2>`, "<strong>Caffeine</strong>", `<a href="https://example.org">a source</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("Markdown output lacks %q:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "<style", "data:text"} {
		if strings.Contains(html, bad) {
			t.Errorf("Markdown output contains %q:\n%s", bad, html)
		}
	}
}

// Ensure an image keeps its alt text whatever characters it holds, escaped, while its
// address must still be a safe one.
func TestMarkdown_ImageAltText(t *testing.T) {
	t.Parallel()
	got, err := render.Markdown(`![Fig. 2: is it serious? <b>"no"</b> & 50%](/media/0123456789abcdef.png) ![x" onerror="alert(1)](javascript:alert(2))`)
	if err != nil {
		t.Fatal(err)
	}
	html := string(got)
	// Raw HTML in alt text is dropped by the Markdown parser; model.MediaMarkdown escapes
	// it so that it arrives as text.
	want := `<img src="/media/0123456789abcdef.png" alt="Fig. 2: is it serious? “no” &amp; 50%">`
	if !strings.Contains(html, want) {
		t.Errorf("Markdown output lacks %q:\n%s", want, html)
	}
	if strings.Contains(html, "javascript:") || strings.Contains(html, `" onerror`) {
		t.Errorf("Markdown output lets markup through an alt text or a bad address:\n%s", html)
	}
}
