package wpcontent_test

import (
	"slices"
	"testing"

	"github.com/fascicle/fascicle/internal/importer/wpcontent"
)

// smallSitePost is the content of post 21 of ../shared/testdata/wxr/small-site.xml.
const smallSitePost = `<!-- wp:paragraph -->
<p>Caffeine blocks <strong>adenosine</strong>, the signal that builds up sleep pressure during the day. Half of it is still in the blood five to six hours later.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>What helps</h2>
<!-- /wp:heading -->

<!-- wp:list -->
<ul><li>Keep coffee to the morning.</li><li>Watch for hidden caffeine in tea, cola and some painkillers.</li></ul>
<!-- /wp:list -->

<!-- wp:paragraph -->
<p>See the <a href="https://www.example.com/sleep-guide">sleep guide</a> for more.</p>
<!-- /wp:paragraph -->`

// smallSiteNapPost is the content of the second post of the same file.
const smallSiteNapPost = `<p>A nap of 10 to 20 minutes refreshes without the grogginess of deep sleep.</p>
<p>[caption id="attachment_40" align="aligncenter" width="600"]<img src="https://notes.example.org/wp-content/uploads/2024/05/nap.jpg" alt="A person resting on a sofa" width="600" height="400" /> A short rest after lunch[/caption]</p>`

type postCase struct {
	Name     string
	HTML     string
	Want     string
	Warnings []string
}

func runPostCases(t *testing.T, cases []postCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			got, warnings := wpcontent.PostMarkdown(tt.HTML)
			if got != tt.Want {
				t.Errorf("PostMarkdown(%q)\n got %q\nwant %q", tt.HTML, got, tt.Want)
			}
			if !slices.Equal(warnings, tt.Warnings) {
				t.Errorf("warnings\n got %q\nwant %q", warnings, tt.Warnings)
			}
		})
	}
}

// Ensure the small site's posts become the Markdown an editor would have written.
func TestPostMarkdown_SmallSite(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "BlocksAndList", HTML: smallSitePost, Want: "Caffeine blocks **adenosine**, the signal that builds up sleep pressure during the day. Half of it is still in the blood five to six hours later.\n\n" +
			"## What helps\n\n" +
			"- Keep coffee to the morning.\n- Watch for hidden caffeine in tea, cola and some painkillers.\n\n" +
			"See the [sleep guide](https://www.example.com/sleep-guide) for more."},
		{Name: "Caption", HTML: smallSiteNapPost, Want: "A nap of 10 to 20 minutes refreshes without the grogginess of deep sleep.\n\n" +
			"![A person resting on a sofa](https://notes.example.org/wp-content/uploads/2024/05/nap.jpg)\n\n" +
			"_A short rest after lunch_"},
	})
}

// Ensure Gutenberg block comments and other comments leave nothing behind.
func TestPostMarkdown_BlockComments(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "Gutenberg", HTML: "<!-- wp:paragraph {\"align\":\"center\"} -->\n<p>One</p>\n<!-- /wp:paragraph -->\n<!-- wp:separator /-->", Want: "One"},
		{Name: "More", HTML: "<p>Intro</p><!--more--><p>Rest</p>", Want: "Intro\n\nRest"},
	})
}

// Ensure shortcodes become their text, and the lossy ones are named in a warning.
func TestPostMarkdown_Shortcodes(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "CaptionLinkedImage", HTML: `[caption id="attachment_5" align="alignright" width="300"]<a href="https://ex.org/big.jpg"><img src="https://ex.org/a.jpg" alt="A cup" width="300"></a> Coffee, <em>mid</em>-afternoon[/caption]`,
			Want: "[![A cup](https://ex.org/a.jpg)](https://ex.org/big.jpg)\n\n_Coffee, *mid*-afternoon_"},
		{Name: "CaptionAttribute", HTML: `[caption id="a" caption="Tea &amp; biscuits" width="3"]<img src="https://ex.org/t.jpg" alt="">[/caption]`,
			Want: "![](https://ex.org/t.jpg)\n\n_Tea & biscuits_"},
		{Name: "Embed", HTML: `<p>Watch:</p>[embed]https://video.example.com/watch?v=a_b[/embed]`,
			Want: "Watch:\n\n[https://video.example.com/watch?v=a\\_b](https://video.example.com/watch?v=a_b)", Warnings: []string{"shortcode [embed] became a link"}},
		{Name: "Gallery", HTML: `<p>Photos:</p>[gallery ids="1,2,3" columns="3"]`, Want: "Photos:", Warnings: []string{"shortcode [gallery] removed"}},
		{Name: "Unknown", HTML: `<p>[note type="warn"]Ask your <b>pharmacist</b>.[/note]</p>`, Want: "Ask your **pharmacist**.", Warnings: []string{"shortcode [note] replaced by its text"}},
		{Name: "NestedUnknown", HTML: `[box][tip]Drink water[/tip][/box]`, Want: "Drink water", Warnings: []string{"shortcode [box] replaced by its text", "shortcode [tip] replaced by its text"}},
		{Name: "ProseInBrackets", HTML: `<p>He said [sic] and left.</p>`, Want: `He said \[sic\] and left.`},
		{Name: "Escaped", HTML: `<p>Write [[gallery]] to show photos.</p>`, Want: `Write \[gallery\] to show photos.`},
		{Name: "StrayClosing", HTML: `<p>End[/quote]</p>`, Want: "End", Warnings: []string{"shortcode [quote] removed"}},
	})
}

// Ensure each HTML element that has a Markdown form gets it.
func TestPostMarkdown_Elements(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "Headings", HTML: "<h1>One</h1><h3>Three <em>it</em></h3><h6>Six</h6><h2> </h2>", Want: "# One\n\n### Three *it*\n\n###### Six"},
		{Name: "HeadingEndingInHash", HTML: "<h2>Learn C#</h2>", Want: "## Learn C\\#"},
		{Name: "StrongEm", HTML: "<p><b>bold</b> <strong> spaced </strong>x <i>it</i> <em>em</em></p>", Want: "**bold** **spaced** x *it* *em*"},
		{Name: "Break", HTML: "<p>line one<br>line two<br/></p>", Want: "line one\\\nline two"},
		{Name: "Links", HTML: `<p><a href="https://a.example/x y">web</a>, <a href="mailto:nurse@example.org">mail</a>, <a href="ftp://f.example/">ftp</a>, <a href="/relative">rel</a>, <a href="https://a.example/(b)">paren</a></p>`,
			Want: "[web](https://a.example/x%20y), [mail](mailto:nurse@example.org), ftp, rel, [paren](https://a.example/%28b%29)"},
		{Name: "LinkTextBrackets", HTML: `<p><a href="https://a.example/">see [1]</a></p>`, Want: `[see \[1\]](https://a.example/)`},
		{Name: "Images", HTML: `<p><img src="https://i.example/a.png" alt="a [b]"><img src="data:image/png;base64,AAAA" alt="inline"><img src="/rel.png"></p>`,
			Want: `![a \[b\]](https://i.example/a.png)inline`},
		{Name: "Blockquote", HTML: "<blockquote><p>Quote</p><p>two</p></blockquote>", Want: "> Quote\n>\n> two"},
		{Name: "Code", HTML: "<p>Run <code>a*b_c</code> and <code>x`y</code></p>", Want: "Run `a*b_c` and ``x`y``"},
		{Name: "Pre", HTML: "<pre><code>a ``` b\n&lt;x&gt;\n  indented</code></pre>", Want: "````\na ``` b\n<x>\n  indented\n````"},
		{Name: "Rule", HTML: "<p>a</p><hr><p>b</p>", Want: "a\n\n---\n\nb"},
		{Name: "OtherElementsText", HTML: `<p><span style="color:red">red</span> <font face="x">font</font> <u>under</u></p><div class="x"><section>In a section</section></div>`, Want: "red font under\n\nIn a section"},
		{Name: "InlineHoldingBlocks", HTML: `<span><p>One</p><p>Two</p></span>`, Want: "One\n\nTwo"},
		{Name: "OrderedStart", HTML: `<ol start="3"><li>three</li><li>four</li></ol>`, Want: "3. three\n4. four"},
		{Name: "Table", HTML: "<table><caption>Caffeine</caption><thead><tr><th>Drink</th><th>mg</th></tr></thead><tbody><tr><td>Coffee</td><td>95</td></tr><tr><td>Tea | green</td><td><b>30</b></td></tr><tr><td></td><td></td></tr></tbody></table>",
			Want: "Caffeine\n\nDrink | mg\n\nCoffee | 95\n\nTea \\| green | **30**", Warnings: []string{"table turned into plain rows of text"}},
	})
}

// Ensure nested lists keep their depth and their numbering.
func TestPostMarkdown_NestedLists(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "Mixed", HTML: "<ul><li>a<ul><li>b<ol><li>c</li><li>d</li></ol></li></ul></li><li>e</li></ul>",
			Want: "- a\n  - b\n    1. c\n    2. d\n- e"},
		{Name: "ParagraphsInItem", HTML: "<ol><li><p>first</p><p>more</p></li><li>second</li></ol>",
			Want: "1. first\n\n   more\n2. second"},
		{Name: "QuoteInItem", HTML: "<ul><li><blockquote>q</blockquote></li></ul>", Want: "- > q"},
		{Name: "EmptyItem", HTML: "<ul><li></li><li>x</li></ul>", Want: "-\n- x"},
	})
}

// Ensure classic-editor content keeps its paragraphs and line breaks (wpautop).
func TestPostMarkdown_Autop(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "BlankLines", HTML: "First paragraph\nsame paragraph, new line\n\nSecond <strong>paragraph</strong>\n\n\n\nThird", Want: "First paragraph\\\nsame paragraph, new line\n\nSecond **paragraph**\n\nThird"},
		{Name: "WithBlocks", HTML: "Intro\n<h2>Title</h2>\nText\n<ul>\n<li>one</li>\n</ul>", Want: "Intro\n\n## Title\n\nText\n\n- one"},
		{Name: "WithParagraphsCollapses", HTML: "<p>One\ntwo</p>\n\n<p>Three</p>", Want: "One two\n\nThree"},
	})
}

// Ensure text that looks like Markdown stays text.
func TestPostMarkdown_Escaping(t *testing.T) {
	runPostCases(t, []postCase{
		{Name: "LineStarts", HTML: "# Not a heading<br>1. not a list<br>2) nor this<br>- nor this<br>+ or this<br>&gt; no quote<br>===<br>1.5 mg is fine",
			Want: "\\# Not a heading\\\n1\\. not a list\\\n2\\) nor this\\\n\\- nor this\\\n\\+ or this\\\n\\> no quote\\\n\\===\\\n1\\.5 mg is fine"},
		{Name: "Inline", HTML: "<p>*star* _under_ `tick` [x](y) a|b ~~s~~ back\\slash</p>", Want: "\\*star\\* \\_under\\_ \\`tick\\` \\[x\\](y) a\\|b \\~\\~s\\~\\~ back\\\\slash"},
		{Name: "HTMLInText", HTML: "<p>&lt;b&gt;not bold&lt;/b&gt; &amp;copy; &amp; salt</p>", Want: "\\<b>not bold\\</b> \\&copy; & salt"},
		{Name: "BangBeforeLink", HTML: `<p>Wow!<a href="https://a.example/">link</a></p>`, Want: "Wow\\![link](https://a.example/)"},
		{Name: "ControlCharacters", HTML: "<p>a\x00b\x07c\u0085d</p>", Want: "abcd"},
		{Name: "InvalidUTF8", HTML: "<p>a\xffb</p>", Want: "a\uFFFDb"},
	})
}
