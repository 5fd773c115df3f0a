package render

import "testing"

// Ensure the article sanitiser lets an id through only on a heading and only in the
// shape the renderer gives it ("h-…"), and a name attribute nowhere, whatever HTML
// reaches it: the Markdown renderer writes no raw HTML today, and the sanitiser must
// not depend on that.
func TestArticlePolicy_NoPageIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		In   string
		Want string
	}{
		{"HeadingPrefixed", `<h2 id="h-causes">Causes</h2>`, `<h2 id="h-causes">Causes</h2>`},
		{"HeadingUnprefixed", `<h2 id="respond">x</h2>`, `<h2>x</h2>`},
		{"HeadingPrefixInside", `<h2 id="respond h-x">x</h2>`, `<h2>x</h2>`},
		{"HeadingBadShape", `<h3 id="h-x:y">x</h3>`, `<h3>x</h3>`},
		{"Div", `<div id="respond">x</div>`, `<div>x</div>`},
		{"DivPrefixed", `<div id="h-x">x</div>`, `<div>x</div>`},
		{"Paragraph", `<p id="comment-12" title="t">x</p>`, `<p title="t">x</p>`},
		{"Span", `<span id="main">x</span>`, `<span>x</span>`},
		{"LinkName", `<a href="/x" name="respond" id="respond">x</a>`, `<a href="/x">x</a>`},
		{"ImageName", `<img src="/x.png" alt="a" name="respond" id="respond" usemap="#m">`, `<img src="/x.png" alt="a">`},
		{"Map", `<map name="respond"><area href="/x" alt="a" shape="rect" coords="0,0,1,1"></map>`, ``},
		{"Form", `<form id="commentform" name="f"><input name="comment_parent" id="comment_parent"></form>`, ``},
		{"Table", `<table id="t"><tr id="r"><td id="c" headers="h">1</td></tr></table>`, `<table><tr><td headers="h">1</td></tr></table>`},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := articlePolicy.Sanitize(tt.In); got != tt.Want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.In, got, tt.Want)
			}
		})
	}
}
