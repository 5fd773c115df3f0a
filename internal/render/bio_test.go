package render_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
)

// Ensure a bio keeps its paragraphs, emphasis, lists and web links, and loses
// everything else: markup typed in it, images, headings' tags, script addresses.
func TestBio(t *testing.T) {
	t.Parallel()
	got, err := render.Bio("A *neurologist* at [the clinic](https://example.org/clinic).\n\n" +
		"- sleep\n- tremor\n\n" +
		"# Heading\n\n![me](/media/x.png) <script>alert(1)</script> <b onclick=x>bold</b> " +
		"[bad](javascript:alert(1)) [mail](mailto:a@example.org)")
	if err != nil {
		t.Fatal(err)
	}
	html := string(got)
	for _, want := range []string{
		"<p>A <em>neurologist</em> at <a href=\"https://example.org/clinic\">the clinic</a>.</p>",
		"<ul>\n<li>sleep</li>\n<li>tremor</li>\n</ul>", "Heading", `<a href="mailto:a@example.org">mail</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("bio lacks %q:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<h1", "<img", "<script", "alert(1)</script>", "onclick", "javascript:", "<b"} {
		if strings.Contains(html, bad) {
			t.Errorf("bio contains %q:\n%s", bad, html)
		}
	}
}

// Ensure the review board's summary of a bio is its first paragraph as plain text,
// cut at a word when it is too long.
func TestBioSummary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		Name, Bio string
		Max       int
		Want      string
	}{
		{"FirstParagraph", "A *neurologist* & [teacher](https://example.org).\n\nSecond paragraph.", 100, "A neurologist & teacher."},
		{"CutAtAWord", "one two three four five six", 16, "one two three…"},
		{"CutInALongWord", "Pneumonoultramicroscopic", 10, "Pneumonoul…"},
		{"MarkupDropped", "Text <b>bold</b> <script>alert(1)</script>", 100, "Text bold alert(1)"},
		{"Empty", "", 100, ""},
	} {
		got, err := render.BioSummary(tt.Bio, tt.Max)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.Want {
			t.Errorf("%s: BioSummary = %q, want %q", tt.Name, got, tt.Want)
		}
	}
}
