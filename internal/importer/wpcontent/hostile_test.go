package wpcontent_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/importer/wpcontent"
	"github.com/fascicle/fascicle/internal/render"
)

// Ensure nothing that runs in an export survives, in the Markdown or on the page.
func TestPostMarkdown_Hostile(t *testing.T) {
	tests := []struct {
		Name string
		HTML string
		Want string
		// ShownAsText is set where the hostile text is meant to reach the page as text.
		ShownAsText bool
	}{
		{Name: "Script", HTML: "<p>Before<script>alert(document.cookie)</script> after</p>", Want: "Before after"},
		{Name: "ScriptAlone", HTML: "<script src=\"https://evil.example/x.js\"></script>Text", Want: "Text"},
		{Name: "Style", HTML: "<style>body{display:none}</style><p>Shown</p>", Want: "Shown"},
		{Name: "Iframe", HTML: "<p>Video:</p><iframe src=\"https://evil.example/\">fallback text</iframe>", Want: "Video:"},
		{Name: "ObjectEmbedForm", HTML: "<object data=\"x.swf\"><param name=a value=b>obj</object><embed src=\"x.swf\"><form action=\"https://evil.example/\"><input name=q>Search<button>Go</button></form><p>end</p>", Want: "end"},
		{Name: "JavascriptLink", HTML: `<p><a href="javascript:alert(1)">click me</a></p>`, Want: "click me"},
		{Name: "JavascriptLinkObfuscated", HTML: `<p><a href="  JaVaScRiPt:alert(1)">a</a> <a href="java&#x09;script:alert(1)">b</a> <a href="&#106;avascript:alert(1)">c</a></p>`, Want: "a b c"},
		{Name: "ImgOnerror", HTML: `<p><img src=x onerror=alert(1)>text</p>`, Want: "text"},
		{Name: "ImgJavascript", HTML: `<img src="javascript:alert(1)" alt="pic">`, Want: "pic"},
		{Name: "SvgOnload", HTML: `<svg onload=alert(1)><text>svg text</text></svg><p>ok</p>`, Want: "ok"},
		{Name: "EventOnKeptElement", HTML: `<p onclick="alert(1)"><a href="https://a.example/" onmouseover="alert(1)">link</a></p>`, Want: "[link](https://a.example/)"},
		{Name: "EscapedMarkupInText", HTML: `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`, Want: `\<script>alert(1)\</script>`, ShownAsText: true},
		{Name: "MarkdownLinkInText", HTML: `<p>[x](javascript:alert(1))</p>`, Want: `\[x\](javascript:alert(1))`, ShownAsText: true},
		{Name: "ShortcodeCarryingScript", HTML: `[caption]<img src="https://i.example/a.png" alt="a"><script>alert(1)</script> cap[/caption][foo]<script>alert(2)</script>[/foo]`, Want: "![a](https://i.example/a.png)\n\n_cap_"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, _ := wpcontent.PostMarkdown(tt.HTML)
			if got != tt.Want {
				t.Errorf("PostMarkdown(%q)\n got %q\nwant %q", tt.HTML, got, tt.Want)
			}
			page := renderArticle(t, got)
			if problem := runnable(page); problem != "" {
				t.Errorf("rendered page has %s: %s", problem, page)
			}
			if tt.ShownAsText {
				return
			}
			lower := strings.ToLower(page)
			for _, bad := range []string{"<script", "javascript:", "onerror", "onload", "onclick", "onmouseover"} {
				if strings.Contains(lower, bad) {
					t.Errorf("rendered page contains %q: %s", bad, page)
				}
			}
		})
	}
}

// wrappings put a hostile string where a WordPress post could hold it.
var wrappings = []func(string) string{
	func(s string) string { return s },
	func(s string) string { return "<p>" + s + "</p>" },
	func(s string) string {
		return `<p><a href="` + s + `">link</a> <a href="https://a.example/">` + s + `</a></p>`
	},
	func(s string) string { return `<img src="` + s + `" alt="` + s + `">` },
	func(s string) string {
		return "<ul><li>" + s + "<ol><li><strong>" + s + "</strong></li></ol></li></ul>"
	},
	func(s string) string {
		return "<blockquote><h2>" + s + "</h2></blockquote><pre>" + s + "</pre><code>" + s + "</code>"
	},
	func(s string) string { return "<table><tr><td>" + s + "</td></tr></table>" },
	func(s string) string {
		return `[caption id="1" caption="` + s + `"]<img src="https://i.example/a.png">` + s + `[/caption][foo]` + s + `[/foo]`
	},
	func(s string) string { return "no paragraphs\n\n" + s + "\nline" },
}

// Ensure no hostile string, wherever it sits in a post, reaches a page as a script,
// an event handler or a javascript: address.
func TestPostMarkdown_HostileCorpusRendersNothingThatRuns(t *testing.T) {
	for i, s := range hostile.Corpus(t) {
		for j, wrap := range wrappings {
			in := wrap(s)
			md, _ := wpcontent.PostMarkdown(in)
			page := renderArticle(t, md)
			if problem := runnable(page); problem != "" {
				t.Errorf("string %d, wrapping %d: %q\nMarkdown %q\nrendered page has %s: %s", i, j, in, md, problem, page)
			}
		}
	}
}

// Ensure no hostile string in a comment leaves a control character in its text.
func TestCommentText_HostileCorpusHasNoControlCharacters(t *testing.T) {
	for i, s := range hostile.Corpus(t) {
		in := `<p>` + s + `</p><a href="` + s + `">` + s + `</a>`
		got := wpcontent.CommentText(in)
		for _, r := range got {
			if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
				t.Fatalf("string %d: CommentText(%q) = %q holds control character %U", i, in, got, r)
			}
		}
		if strings.Contains(strings.ToLower(got), " (javascript:") {
			t.Errorf("string %d: CommentText(%q) = %q shows a javascript: address as a link", i, in, got)
		}
	}
}

func renderArticle(t *testing.T, md string) string {
	t.Helper()
	page, err := render.ArticleBody(md, 0)
	if err != nil {
		t.Fatalf("ArticleBody(%q): %v", md, err)
	}
	return string(page)
}

// runnable names the first thing in rendered HTML that could run: a script (or other
// active) element, an event handler attribute, or a javascript: address.
func runnable(page string) string {
	z := html.NewTokenizer(bytes.NewReader([]byte(page)))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ""
			}
			return "unparseable HTML: " + z.Err().Error()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "form":
				return "a <" + tok.Data + "> element"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return "an event handler " + a.Key
				}
				v := strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, strings.ToLower(a.Val))
				if strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") || strings.HasPrefix(v, "data:") {
					return "an address " + a.Val
				}
			}
		}
	}
}
