package render_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/static"
	"github.com/fascicle/fascicle/templates"
)

// Ensure every heading id made from an article's Markdown starts with "h-", so that no
// heading can take the id of an element of the page around it (the reply form
// "respond", a reply "comment-12", the skip link's "main"), and that links within
// the article to its own headings are rewritten to match while every other link is
// left as written.
func TestMarkdown_HeadingIDsPrefixed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name     string
		Markdown string
		Want     string
	}{
		{"ReplyForm", "## respond", `<h2 id="h-respond">respond</h2>` + "\n"},
		{"ReplyPermalink", "### comment-12", `<h3 id="h-comment-12">comment-12</h3>` + "\n"},
		{"SkipLink", "# Main", `<h1 id="h-main">Main</h1>` + "\n"},
		{"Setext", "Causes\n------", `<h2 id="h-causes">Causes</h2>` + "\n"},
		{"NoASCII", "## 日本語", `<h2 id="h-heading">日本語</h2>` + "\n"},
		{"AlreadyPrefixedText", "## h-1 levels", `<h2 id="h-h-1-levels">h-1 levels</h2>` + "\n"},
		// There is no {#id} syntax: it stays text and the id is made from all of it.
		{"NoExplicitID", "## Reply {#respond}", `<h2 id="h-reply-respond">Reply {#respond}</h2>` + "\n"},
		{"LinkToHeading", "See [the causes](#causes).\n\n## Causes",
			`<p>See <a href="#h-causes">the causes</a>.</p>` + "\n" + `<h2 id="h-causes">Causes</h2>` + "\n"},
		{"LinkToRepeatedHeading", "## Causes\n\n## Causes\n\n[first](#causes) [second](#causes-1)",
			`<h2 id="h-causes">Causes</h2>` + "\n" + `<h2 id="h-causes-1">Causes</h2>` + "\n" +
				`<p><a href="#h-causes">first</a> <a href="#h-causes-1">second</a></p>` + "\n"},
		{"ReferenceStyleLink", "## Causes\n\n[see][c]\n\n[c]: #causes",
			`<h2 id="h-causes">Causes</h2>` + "\n" + `<p><a href="#h-causes">see</a></p>` + "\n"},
		{"LinkAlreadyPrefixed", "## Causes\n\n[see](#h-causes)",
			`<h2 id="h-causes">Causes</h2>` + "\n" + `<p><a href="#h-causes">see</a></p>` + "\n"},
		// A heading named like a page element takes links to that name: the author's
		// own heading is what the Markdown means.
		{"LinkToHeadingNamedLikeForm", "## respond\n\n[reply](#respond)",
			`<h2 id="h-respond">respond</h2>` + "\n" + `<p><a href="#h-respond">reply</a></p>` + "\n"},
		{"LinkToPageElement", "## Causes\n\n[reply](#respond) [a reply](#comment-1) [top](#main)",
			`<h2 id="h-causes">Causes</h2>` + "\n" +
				`<p><a href="#respond">reply</a> <a href="#comment-1">a reply</a> <a href="#main">top</a></p>` + "\n"},
		{"LinkToOtherPage", "## Causes\n\n[other](/articles/other#causes) [web](https://example.org/#causes)",
			`<h2 id="h-causes">Causes</h2>` + "\n" +
				`<p><a href="/articles/other#causes">other</a> <a href="https://example.org/#causes">web</a></p>` + "\n"},
		{"CaseMatters", "## Causes\n\n[see](#Causes)",
			`<h2 id="h-causes">Causes</h2>` + "\n" + `<p><a href="#Causes">see</a></p>` + "\n"},
		{"ImageNotRewritten", "## x\n\n![x](#x)",
			`<h2 id="h-x">x</h2>` + "\n" + `<p><img src="#x" alt="x"></p>` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, err := render.Markdown(tt.Markdown)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.Want {
				t.Errorf("Markdown(%q)\n got %q\nwant %q", tt.Markdown, got, tt.Want)
			}
		})
	}
}

// Ensure a heading's prefixed id cannot be confused with a reference marker's id
// either: "## cite-1-1" and the first marker of reference 1 keep ids of their own.
func TestArticleBody_HeadingIDBesideMarkers(t *testing.T) {
	t.Parallel()
	got, err := render.ArticleBody("## cite-1-1\n\nSee [1].", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := `<h2 id="h-cite-1-1">cite-1-1</h2>` + "\n" + "<p>See " + marker("1", "1") + ".</p>\n"
	if string(got) != want {
		t.Errorf("ArticleBody\n got %q\nwant %q", got, want)
	}
}

// Ensure no id the pages write themselves, in their templates or their scripts,
// starts with render.HeadingIDPrefix or is made wholly of data, so that an article's
// heading can never take it.
func TestHeadingIDPrefix_UnusedByPages(t *testing.T) {
	t.Parallel()
	pageID := regexp.MustCompile(`(?:^|[\s"'])id="([^"]*)"|\.id = "([^"]*)"`)
	seen := 0
	for _, fsys := range []fs.FS{templates.FS, static.FS} {
		err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".js")) {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			for _, m := range pageID.FindAllStringSubmatch(string(b), -1) {
				id := m[1] + m[2]
				seen++
				if strings.HasPrefix(id, render.HeadingIDPrefix) || strings.HasPrefix(id, "{{") {
					t.Errorf("%s: id %q may equal an article heading's id", path, id)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen < 50 {
		t.Fatalf("found only %d ids in the templates and scripts; the pattern no longer finds them", seen)
	}
}
