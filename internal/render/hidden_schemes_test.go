package render_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
)

// Ensure a link or image whose address names a script or data scheme anywhere loses
// the address, and an ordinary address is kept.
func TestMarkdown_HiddenSchemesDropped(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"[x](page#javascript:alert(1))",
		"[x](0000%5B0%5D#JAVASCRiPt:0)",
		"![x](img.png?data:text/html)",
		"[x](https://example.org/vbscript:x)",
	} {
		out, err := render.Markdown(src)
		if err != nil {
			t.Fatal(err)
		}
		lower := strings.ToLower(string(out))
		if strings.Contains(lower, "script:") || strings.Contains(lower, "data:") {
			t.Errorf("Markdown(%q) = %q, kept the scheme", src, out)
		}
	}
	out, _ := render.Markdown("[Stanford 25](https://stanford25.example/twitches#causes)")
	if !strings.Contains(string(out), `href="https://stanford25.example/twitches#causes"`) {
		t.Errorf("an ordinary link lost its address: %q", out)
	}
}
