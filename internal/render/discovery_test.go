package render_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
)

func marker(n, k string) string {
	return `<sup class="ref-marker"><a href="#ref-` + n + `" id="cite-` + n + `-` + k + `" aria-label="Reference ` + n + `">[` + n + `]</a></sup>`
}

// Ensure "[n]" in an article's text links to the nth reference when there is one, and
// is left alone everywhere else: beyond the list, in links, code, attributes, and when
// the article has no references.
func TestArticleBody_ReferenceMarkers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name       string
		Markdown   string
		References int
		Want       string
	}{
		{"Linked", "Caffeine is a trigger [1].", 2, "<p>Caffeine is a trigger " + marker("1", "1") + ".</p>\n"},
		{"SeveralAndRepeated", "See [2] and [1], then [2] again.", 2,
			"<p>See " + marker("2", "1") + " and " + marker("1", "1") + ", then " + marker("2", "2") + " again.</p>\n"},
		{"BeyondTheList", "See [3].", 2, "<p>See [3].</p>\n"},
		{"Zero", "See [0] and [01].", 2, "<p>See [0] and [01].</p>\n"},
		{"NoReferences", "See [1].", 0, "<p>See [1].</p>\n"},
		{"InCode", "Write `[1]` like this.", 2, "<p>Write <code>[1]</code> like this.</p>\n"},
		{"InCodeBlock", "```\narray[1]\n```", 2, "<pre><code>array[1]\n</code></pre>\n"},
		{"InLinkText", "[see [1] here](https://example.org/)", 2, `<p><a href="https://example.org/">see [1] here</a></p>` + "\n"},
		{"InHeading", "## Triggers [1]", 1, `<h2 id="h-triggers-1">Triggers ` + marker("1", "1") + "</h2>\n"},
		{"InAttribute", `![a [1] b](https://example.org/x.png "t [1]")`, 1, `<p><img src="https://example.org/x.png" alt="a [1] b" title="t [1]"></p>` + "\n"},
		{"AfterCode", "`[1]` then [1]", 1, "<p><code>[1]</code> then " + marker("1", "1") + "</p>\n"},
		{"Escaped", `**[1]** &lt;script&gt;[1]`, 1, "<p><strong>" + marker("1", "1") + "</strong> &lt;script&gt;" + marker("1", "2") + "</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, err := render.ArticleBody(tt.Markdown, tt.References)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.Want {
				t.Errorf("ArticleBody(%q, %d)\n got %q\nwant %q", tt.Markdown, tt.References, got, tt.Want)
			}
		})
	}
}

// Ensure the text around a marker cannot become markup: what the author wrote stays
// escaped, and nothing the sanitiser removed comes back.
func TestArticleBody_NoInjection(t *testing.T) {
	t.Parallel()
	src := "[1]<script>alert(1)</script>[1]\n\n<img src=x onerror=alert(2)>[1]\n\n" +
		"[1\"><script>alert(3)</script>](https://example.org/) [1]&lt;b&gt;"
	got, err := render.ArticleBody(src, 5)
	if err != nil {
		t.Fatal(err)
	}
	html := string(got)
	for _, bad := range []string{"<script", "onerror", "<b>"} {
		if strings.Contains(html, bad) {
			t.Errorf("output contains %q:\n%s", bad, html)
		}
	}
	if n := strings.Count(html, `class="ref-marker"`); n < 3 {
		t.Errorf("%d markers linked, want at least 3:\n%s", n, html)
	}
}

// Ensure search snippets are escaped, their match marks become balanced <mark>
// elements, and nothing else in the text becomes markup.
func TestHighlight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		In   string
		Want string
	}{
		{"Plain", "no match here", "no match here"},
		{"Marked", "a \x01twitch\x02 in the \x01eyelid\x02", "a <mark>twitch</mark> in the <mark>eyelid</mark>"},
		{"Escaped", "<b>\x01x\x02</b> & \"q\"", "&lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; &#34;q&#34;"},
		{"ScriptInText", "\x01</mark><script>alert(1)</script>\x02", "<mark>&lt;/mark&gt;&lt;script&gt;alert(1)&lt;/script&gt;</mark>"},
		{"Unclosed", "\x01open", "<mark>open</mark>"},
		{"StrayEnd", "x\x02 y", "x y"},
		{"Repeated", "\x01\x01a\x02\x02", "<mark>a</mark>"},
		{"AcrossSpaces", "\x01a  \n b\x02", "<mark>a b</mark>"},
		{"OtherControls", "a\x03b\x7fc", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := string(render.Highlight(tt.In)); got != tt.Want {
				t.Errorf("Highlight(%q)\n got %q\nwant %q", tt.In, got, tt.Want)
			}
		})
	}
}

// Ensure a Markdown passage reads as words in search results.
func TestSearchExcerpt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		In   string
		Want string
	}{
		{"Emphasis", "**up to 70% of \x01people\x02** notice", "up to 70% of <mark>people</mark> notice"},
		{"Link", "see [the \x01source\x02](https://example.org/a) now", "see the <mark>source</mark> now"},
		{"LinkCutAtStart", "…the source](https://example.org/a) and \x01zinc\x02", "…the source and <mark>zinc</mark>"},
		{"Heading", "## Fasciculations: the \x01everyday\x02 twitch\n\nA fasciculation", "Fasciculations: the <mark>everyday</mark> twitch A fasciculation"},
		{"List", "- **caffeine** and\n- **dehydration**", "caffeine and dehydration"},
		{"Tag", `<img src="x.png" alt="y"> text`, "text"},
		{"References", "a trigger [1].", "a trigger [1]."},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := string(render.SearchExcerpt(tt.In)); got != tt.Want {
				t.Errorf("SearchExcerpt(%q)\n got %q\nwant %q", tt.In, got, tt.Want)
			}
		})
	}
}

// FuzzHighlight checks that whatever the text, the output has no tag but balanced
// <mark> elements.
func FuzzHighlight(f *testing.F) {
	f.Add("a \x01b\x02 <script>")
	f.Add("\x02\x01\x01<mark>")
	f.Fuzz(func(t *testing.T, text string) {
		out := string(render.SearchExcerpt(text))
		rest := strings.ReplaceAll(strings.ReplaceAll(out, "<mark>", ""), "</mark>", "")
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("markup in %q", out)
		}
		depth := 0
		for i := 0; i < len(out); i++ {
			switch {
			case strings.HasPrefix(out[i:], "<mark>"):
				depth++
			case strings.HasPrefix(out[i:], "</mark>"):
				depth--
			}
			if depth < 0 || depth > 1 {
				t.Fatalf("unbalanced marks in %q", out)
			}
		}
		if depth != 0 {
			t.Fatalf("unclosed mark in %q", out)
		}
	})
}
