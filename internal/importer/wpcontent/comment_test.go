package wpcontent_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/importer/wpcontent"
)

// Ensure a comment's HTML becomes the plain text a reader would have typed.
func TestCommentText(t *testing.T) {
	tests := []struct {
		Name string
		HTML string
		Want string
	}{
		// The small site's comments (../shared/testdata/wxr/small-site.xml).
		{Name: "SmallSitePlain", HTML: "I switched to decaf after 2pm and fell asleep an hour earlier within a week.", Want: "I switched to decaf after 2pm and fell asleep an hour earlier within a week."},
		{Name: "SmallSiteLineBreak", HTML: "Thanks! Does green tea count?\nIt has less, right?", Want: "Thanks! Does green tea count?\nIt has less, right?"},
		{Name: "SmallSiteLink", HTML: `Cheap sleeping pills, no prescription <a href="http://pills.example.net/">here</a>`, Want: "Cheap sleeping pills, no prescription here (http://pills.example.net/)"},
		{Name: "SmallSiteEntities", HTML: "[&#8230;] a good summary of caffeine timing [&#8230;]", Want: "[…] a good summary of caffeine timing […]"},

		{Name: "Paragraphs", HTML: "<p>One</p><p>Two</p>", Want: "One\n\nTwo"},
		{Name: "Break", HTML: "line one<br>line two<br />three", Want: "line one\nline two\nthree"},
		{Name: "CRLF", HTML: "one\r\ntwo\r\n\r\n\r\n\r\nthree", Want: "one\ntwo\n\nthree"},
		{Name: "Formatting", HTML: "<strong>Do</strong> <em>not</em> run <code>rm</code>", Want: "Do not run rm"},
		{Name: "Quote", HTML: "<blockquote>You said\nthis</blockquote>I disagree.", Want: "> You said\n> this\n\nI disagree."},
		{Name: "LinkSameAsText", HTML: `see <a href="https://a.example/x">https://a.example/x</a>`, Want: "see https://a.example/x"},
		{Name: "LinkSameButSlash", HTML: `<a href="https://a.example/">https://a.example</a>`, Want: "https://a.example/"},
		{Name: "LinkEmptyText", HTML: `<a href="https://a.example/"></a>`, Want: "https://a.example/"},
		{Name: "LinkNotWeb", HTML: `<a href="javascript:alert(1)">click</a> <a href="ftp://f.example/">ftp</a> <a href="/rel">rel</a>`, Want: "click ftp rel"},
		{Name: "Entities", HTML: "Fish &amp; chips &lt;3 &quot;yes&quot;", Want: "Fish & chips <3 \"yes\""},
		{Name: "Scripts", HTML: "a<script>alert(1)</script><style>b{}</style>b", Want: "ab"},
		{Name: "ControlCharacters", HTML: "a\x00b\x1bc\td\x7f", Want: "abc d"},
		{Name: "InvalidUTF8", HTML: "a\xffb", Want: "a\uFFFDb"},
		{Name: "Empty", HTML: "  <p> </p> ", Want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := wpcontent.CommentText(tt.HTML); got != tt.Want {
				t.Errorf("CommentText(%q)\n got %q\nwant %q", tt.HTML, got, tt.Want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Food &amp; Drink":                                     "Food & Drink",
		"<em>Heat</em> cramps &#8211; what helps":              "Heat cramps – what helps",
		"Salt &lt;script&gt;alert(1)&lt;/script&gt; &amp; you": "Salt <script>alert(1)</script> & you",
		"Salt <script>alert(1)</script> and you":               "Salt and you",
		"Less < 5 g a day":                                     "Less < 5 g a day",
		"  two\n lines\t":                                      "two lines",
		"bell\x07 here":                                        "bell here",
	} {
		if got := wpcontent.PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}
