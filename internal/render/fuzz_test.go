package render_test

import (
	"iter"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/render"
)

// allowedCommentTag matches every tag CommentText may write.
var allowedCommentTag = regexp.MustCompile(`</?p>|<br>|<a href="https?://[^"<>]*" rel="nofollow ugc">|</a>`)

// Ensure no reply text, however hostile, makes CommentText panic or write anything a
// browser would read as markup other than paragraphs, line breaks and nofollow web
// links whose address is the text shown; and that no character of the reply is lost
// or invented (only whitespace is rearranged).
func FuzzCommentText(f *testing.F) {
	for _, seed := range []string{
		"plain", "<script>alert(1)</script>", "https://example.org/?a=<b>", `"><img src=x onerror=alert(1)>`,
		"javascript:alert(1)", "line\nbreak\n\npara", "https://x.org/\"onmouseover=\"x", "\x00\xff", "\u202eRTL override",
		"see https://example.org/a_(b)_c. and (https://example.org/x)", "https://exämple.org/päth?q=ü#frag",
		"http://[::1]:80/ http://user@host/ https://a.b/&amp;", "https://%zz", "a\r\n\r\nb\rc",
	} {
		f.Add(seed)
	}
	for _, s := range hostile.Corpus(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out := string(render.CommentText(text))
		if rest := allowedCommentTag.ReplaceAllString(out, ""); strings.ContainsAny(rest, "<>") {
			t.Errorf("CommentText(%q) wrote markup outside the allowlist: %q", text, out)
		}
		var shown strings.Builder
		for d := range allNodes(parseFragment(t, out)) {
			switch d.Type {
			case html.TextNode:
				shown.WriteString(d.Data)
			case html.ElementNode:
				checkCommentElement(t, text, out, d)
			default:
				t.Errorf("CommentText(%q) wrote a %v node: %q", text, d.Type, out)
			}
		}
		// The parser drops NUL and cannot keep invalid UTF-8 as it was.
		if utf8.ValidString(text) && !strings.ContainsRune(text, 0) {
			if got, want := withoutSpace(shown.String()), withoutSpace(text); got != want {
				t.Errorf("CommentText(%q) shows %q, want the same characters as typed", text, shown.String())
			}
		}
	})
}

// checkCommentElement fails the test unless n is a paragraph, a line break, or a link
// to the http(s) address it shows, marked nofollow ugc.
func checkCommentElement(t *testing.T, text, out string, n *html.Node) {
	t.Helper()
	switch n.DataAtom {
	case atom.P, atom.Br:
		if len(n.Attr) > 0 {
			t.Errorf("CommentText(%q) wrote <%s> with attributes %v: %q", text, n.Data, n.Attr, out)
		}
	case atom.A:
		attrs := map[string]string{}
		for _, a := range n.Attr {
			attrs[a.Key] = a.Val
		}
		href, shown := attrs["href"], textOf(n)
		u, err := url.Parse(href)
		if len(attrs) != 2 || attrs["rel"] != "nofollow ugc" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("CommentText(%q) wrote a link %v: %q", text, n.Attr, out)
			return
		}
		// The sanitiser may re-encode the address, but it must lead where the text says.
		if want, err := url.Parse(shown); err != nil || want.String() != href {
			t.Errorf("CommentText(%q) links %q to %q", text, shown, href)
		}
	default:
		t.Errorf("CommentText(%q) wrote <%s>: %q", text, n.Data, out)
	}
}

// Ensure Markdown, however hostile, never panics, never fails, and writes only the
// elements and attributes the article allowlist names, with links and images only to
// relative, http(s) or mailto addresses, as a browser would read them.
func FuzzMarkdown(f *testing.F) {
	for _, s := range markdownSeeds(f) {
		f.Add(s)
	}
	unsafe := regexp.MustCompile(`(?i)<script|<iframe|<object|<embed|<style|\son[a-z]+\s*=|javascript:|data:|style=`)
	f.Fuzz(func(t *testing.T, source string) {
		out, err := render.Markdown(source)
		if err != nil {
			t.Fatalf("Markdown(%q): %v", source, err)
		}
		if m := unsafe.FindString(string(out)); m != "" {
			// Text content may mention these words; only markup counts.
			if strings.Contains(stripText(string(out)), strings.ToLower(m)) {
				t.Errorf("Markdown(%q) kept %q: %q", source, m, out)
			}
		}
		checkAllowlist(t, source, string(out), nil)
	})
}

// Ensure the article body as served (Markdown with its reference markers linked)
// holds nothing outside the article allowlist but the markers' own links, whatever
// the source and the number of references.
func FuzzArticleBody(f *testing.F) {
	for _, s := range markdownSeeds(f) {
		f.Add(s, uint16(3))
	}
	for _, s := range []string{
		"Caffeine [1] and sleep [2][3].", "[1](javascript:alert(1)) [1]", "`[1]` <code>[2]</code> [4]",
		"<a href=\"x\">[1]</a> [1] [1]", "![a [1] b](/x.png) [999] [1000] [01]", "# [1] heading {#ref-1}",
	} {
		f.Add(s, uint16(999))
	}
	f.Fuzz(func(t *testing.T, source string, references uint16) {
		out, err := render.ArticleBody(source, int(references%1001))
		if err != nil {
			t.Fatalf("ArticleBody(%q, %d): %v", source, references, err)
		}
		checkAllowlist(t, source, string(out), referenceMarkerAttr)
	})
}

// markdownSeeds are our own Markdown cases, the demo article and the hostile corpus.
func markdownSeeds(f *testing.F) []string {
	seeds := []string{
		"# Title\n\ntext", "<script>alert(1)</script>", "[x](javascript:alert(1))", "![x](data:image/png;base64,AAAA)",
		"<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<svg onload=alert(1)>", "<iframe src=//evil>", "<style>*{}</style>",
		"![x\" onerror=\"alert(1)](/media/x.png)", "![javascript: a \"quote\"](javascript:alert(1))",
		"[x](\x01javascript:alert(1)) [y]( javascript:alert(1)) [z](JaVaScRiPt:alert(1)) [w](vbscript:x)",
		"<a href=\"&#106;avascript:alert(1)\">e</a> <a href=\"java\nscript:alert(1)\">n</a>",
		"<blockquote cite=\"javascript:alert(1)\">q</blockquote> <q cite=\"data:x\">q</q> <del cite=\"javascript:x\">d</del>",
		"<img src=x onerror=alert(1)> <img src=\"//evil.example/x.png\" usemap=\"#m\"><map name=m><area href=\"javascript:x\"></map>",
		"| a | b |\n|:--|--:|\n| <b onclick=x>1</b> | 2 |", "- [ ] task\n- [x] done", "~~struck~~ <details open><summary>s</summary>x</details>",
		"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math> <svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
		"<form action=\"javascript:x\"><button formaction=\"javascript:x\">b</button></form> <base href=\"//evil\">",
		"<!-- comment --><![CDATA[x]]><?php x ?><!DOCTYPE html>", "<p style=\"x\" class=\"y\" id=\"ok\" title=\"t\" lang=\"en\" dir=\"rtl\">p</p>",
		"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "<textarea><script>x</script></textarea>",
		"[a](<javascript:alert(1)>) [b]: javascript:alert(1)\n\n[b]", "<https://example.org/> www.example.org mailto:a@b.c",
	}
	if demo, err := os.ReadFile("../demo/muscle-twitches.md"); err == nil {
		seeds = append(seeds, string(demo))
	} else {
		f.Fatal(err)
	}
	return append(seeds, hostile.Corpus(f)...)
}

// articleAttrs is the article allowlist: bluemonday's UGCPolicy with alt text allowed
// on images, without ids (but a heading's, checked against headingIDShape) and without
// image maps, written out so that a change to the policy must change this list too.
var articleAttrs = map[string][]string{
	"a": {"href"}, "abbr": nil, "acronym": nil, "article": nil,
	"aside": nil, "b": nil, "bdi": nil, "bdo": nil, "blockquote": {"cite"}, "br": nil, "caption": nil, "cite": nil,
	"code": nil, "col": {"align", "height", "width", "span", "valign"}, "colgroup": {"align", "height", "width", "span", "valign"},
	"dd": nil, "del": {"cite", "datetime"}, "details": {"open"}, "dfn": nil, "div": nil, "dl": nil, "dt": nil, "em": nil,
	"figcaption": nil, "figure": nil, "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"}, "hgroup": nil,
	"hr": nil, "i": nil, "img": {"align", "alt", "height", "width", "src"}, "ins": {"cite", "datetime"},
	"li": {"type", "value"}, "mark": nil, "meter": {"value", "min", "max", "low", "high", "optimum"},
	"ol": {"type"}, "p": nil, "pre": nil, "progress": {"value", "max"}, "q": {"cite"}, "rp": nil, "rt": nil, "ruby": nil,
	"s": nil, "samp": nil, "section": nil, "small": nil, "span": nil, "strike": nil, "strong": nil, "sub": nil,
	"summary": nil, "sup": nil, "table": {"height", "width", "summary"}, "tbody": {"align", "valign"},
	"td":    {"abbr", "align", "colspan", "rowspan", "headers", "height", "width", "scope", "valign", "nowrap"},
	"tfoot": {"align", "valign"}, "th": {"abbr", "align", "colspan", "rowspan", "headers", "height", "width", "scope", "valign", "nowrap"},
	"thead": {"align", "valign"}, "time": {"datetime"}, "tr": {"align", "valign"}, "tt": nil, "u": nil, "ul": {"type"},
	"var": nil, "wbr": nil,
}

// globalAttrs are allowed on every element of the article allowlist.
var globalAttrs = []string{"dir", "lang", "title"}

// headingIDShape is the only shape of id an article's heading may have: no element of
// the page around an article has an id that starts with "h-".
var headingIDShape = regexp.MustCompile(`^h-[a-z0-9-]+$`)

// urlAttrs hold addresses a browser follows or fetches.
var urlAttrs = []string{"href", "src", "cite", "action", "formaction", "background", "poster", "data", "srcset", "xlink:href"}

var (
	markerLabel = regexp.MustCompile(`^Reference [1-9][0-9]{0,2}$`)
	markerID    = regexp.MustCompile(`^cite-[1-9][0-9]{0,2}-[1-9][0-9]*$`)
	schemeName  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
)

// referenceMarkerAttr allows the attributes that ArticleBody adds to reference markers,
// with exactly the values it writes.
func referenceMarkerAttr(element string, a html.Attribute) bool {
	switch {
	case element == "sup" && a.Key == "class":
		return a.Val == "ref-marker"
	case element == "a" && a.Key == "aria-label":
		return markerLabel.MatchString(a.Val)
	case element == "a" && a.Key == "id":
		return markerID.MatchString(a.Val)
	}
	return false
}

// checkAllowlist parses out as a browser would and fails the test for any node, element
// or attribute outside the article allowlist (or extra), and for any address whose
// scheme is not http, https or mailto.
func checkAllowlist(t *testing.T, source, out string, extra func(element string, a html.Attribute) bool) {
	t.Helper()
	for d := range allNodes(parseFragment(t, out)) {
		switch d.Type {
		case html.TextNode:
			continue
		case html.ElementNode:
		default:
			t.Errorf("source %q gave a %v node %q: %q", source, d.Type, d.Data, out)
			continue
		}
		allowed, ok := articleAttrs[d.Data]
		if !ok || d.Namespace != "" {
			t.Errorf("source %q gave element <%s> (namespace %q): %q", source, d.Data, d.Namespace, out)
			continue
		}
		for _, a := range d.Attr {
			key := a.Key
			if a.Namespace != "" {
				key = a.Namespace + ":" + a.Key
			}
			if !slices.Contains(allowed, key) && !slices.Contains(globalAttrs, key) && (extra == nil || !extra(d.Data, a)) {
				t.Errorf("source %q gave <%s %s=%q>: %q", source, d.Data, key, a.Val, out)
			}
			if key == "id" && slices.Contains(allowed, key) && !headingIDShape.MatchString(a.Val) {
				t.Errorf("source %q gave <%s id=%q>, not an id of the shape h-…: %q", source, d.Data, a.Val, out)
			}
			if slices.Contains(urlAttrs, key) {
				if scheme := browserScheme(a.Val); scheme != "" && scheme != "http" && scheme != "https" && scheme != "mailto" {
					t.Errorf("source %q gave <%s %s=%q>, a %s: address: %q", source, d.Data, key, a.Val, scheme, out)
				}
			}
		}
	}
}

// browserScheme returns the scheme a browser sees in an attribute's address, lower
// case, or "" for a relative address: browsers drop leading and trailing spaces and
// control characters and every tab and line break before reading it.
func browserScheme(address string) string {
	address = strings.TrimFunc(address, func(r rune) bool { return r <= ' ' })
	address = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, address)
	end := strings.IndexAny(address, ":/?#")
	if end <= 0 || address[end] != ':' {
		return ""
	}
	scheme := address[:end]
	if !schemeName.MatchString(scheme) {
		return ""
	}
	return strings.ToLower(scheme)
}

// parseFragment parses an HTML fragment as the body of a page.
func parseFragment(t *testing.T, fragment string) []*html.Node {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), body)
	if err != nil {
		t.Fatalf("output does not parse: %v: %q", err, fragment)
	}
	return nodes
}

// allNodes yields every node of a parsed fragment, top-level nodes included.
func allNodes(nodes []*html.Node) iter.Seq[*html.Node] {
	return func(yield func(*html.Node) bool) {
		for _, n := range nodes {
			if !yield(n) {
				return
			}
			for d := range n.Descendants() {
				if !yield(d) {
					return
				}
			}
		}
	}
}

// textOf returns the text inside n.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// withoutSpace drops every white-space character.
func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
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
