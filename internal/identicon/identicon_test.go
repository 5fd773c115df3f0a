package identicon_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/identicon"
)

// Ensure the pictures are exactly those drawn before the generator had a package of
// its own: a changed drawing would change every reader's avatar.
func TestSVG_Golden(t *testing.T) {
	t.Parallel()
	svg := func(bg, fg, d string) string {
		return `<svg class="avatar" viewBox="-0.5 -0.5 6 6" width="32" height="32" shape-rendering="crispEdges" aria-hidden="true" focusable="false">` +
			`<rect x="-0.5" y="-0.5" width="6" height="6" fill="` + bg + `"/><path fill="` + fg + `" d="` + d + `"/></svg>`
	}
	for key, want := range map[string]string{
		"a": svg("#f3e7ee", "#af2872", "M0 0h1v1h-1zM2 0h1v1h-1zM4 0h1v1h-1zM0 1h1v1h-1zM4 1h1v1h-1zM2 2h1v1h-1zM0 3h1v1h-1zM1 3h1v1h-1zM3 3h1v1h-1zM4 3h1v1h-1z"),
		"4f1c0b9e2d7a3c58e6b1f09a7d2c4e81b3a5f6c7d8e9f0a1b2c3d4e5f6a7b8c9": svg("#e9e7f3", "#3f2bab",
			"M1 1h1v1h-1zM2 1h1v1h-1zM3 1h1v1h-1zM1 2h1v1h-1zM2 2h1v1h-1zM3 2h1v1h-1zM2 3h1v1h-1zM0 4h1v1h-1zM1 4h1v1h-1zM3 4h1v1h-1zM4 4h1v1h-1z"),
		"reader-index": svg("#e7f3f1", "#229b85", "M1 0h1v1h-1zM3 0h1v1h-1zM0 1h1v1h-1zM2 1h1v1h-1zM4 1h1v1h-1zM0 2h1v1h-1zM4 2h1v1h-1zM1 3h1v1h-1zM3 3h1v1h-1zM1 4h1v1h-1zM2 4h1v1h-1zM3 4h1v1h-1z"),
		"9":            svg("#f3f3e7", "#a6a23a", "M0 2h1v1h-1zM2 2h1v1h-1zM4 2h1v1h-1zM0 3h1v1h-1zM2 3h1v1h-1zM4 3h1v1h-1z"),
		// Its hash sets none of the fifteen bits: the centre cell is drawn instead.
		"15780": svg("#f3efe7", "#8f6728", "M2 2h1v1h-1z"),
	} {
		if got := string(identicon.SVG(key)); got != want {
			t.Errorf("SVG(%q) =\n%s\nwant\n%s", key, got, want)
		}
	}
}

// Ensure an empty key gets the grey placeholder, the same for everyone.
func TestSVG_EmptyKeyIsPlaceholder(t *testing.T) {
	t.Parallel()
	if got := identicon.SVG(""); got != identicon.Placeholder {
		t.Errorf("SVG(\"\") = %s", got)
	}
	if !strings.Contains(string(identicon.Placeholder), "avatar-placeholder") || !strings.Contains(string(identicon.Placeholder), `fill="#9aa5a0"`) {
		t.Errorf("placeholder: %s", identicon.Placeholder)
	}
}

var cell = regexp.MustCompile(`M(\d) (\d)h1v1h-1z`)

// Ensure every picture is the same for the same key, mirrored left to right, never
// blank, and made of plain SVG elements coloured by attributes, with nothing of the
// key in it and nothing that could fetch or run anything; and that a thousand keys
// give (nearly) a thousand pictures.
func TestSVG_StableSymmetricAndPlain(t *testing.T) {
	t.Parallel()
	allowedTags := regexp.MustCompile(`^</?(svg|rect|path)\b`)
	seen := map[string]bool{}
	for i := range 1000 {
		key := fmt.Sprintf("index-%04d", i)
		svg := string(identicon.SVG(key))
		if again := string(identicon.SVG(key)); again != svg {
			t.Fatalf("SVG(%q) differs between calls", key)
		}
		seen[svg] = true
		var cells [5][5]bool
		matches := cell.FindAllStringSubmatch(svg, -1)
		if len(matches) == 0 {
			t.Fatalf("SVG(%q) draws no cell: %s", key, svg)
		}
		for _, m := range matches {
			cells[m[2][0]-'0'][m[1][0]-'0'] = true
		}
		for y := range 5 {
			for x := range 5 {
				if cells[y][x] != cells[y][4-x] {
					t.Fatalf("SVG(%q) is not mirrored at row %d column %d: %s", key, y, x, svg)
				}
			}
		}
		lower := strings.ToLower(svg)
		for _, banned := range []string{key, "style", "data:", "http", "href", "url(", "<image", "<script", "<foreignobject", "<use", "xmlns"} {
			if strings.Contains(lower, banned) {
				t.Fatalf("SVG(%q) contains %q: %s", key, banned, svg)
			}
		}
		for _, tag := range regexp.MustCompile(`</?[a-zA-Z]+`).FindAllString(svg, -1) {
			if !allowedTags.MatchString(tag) {
				t.Fatalf("SVG(%q) has the element %q", key, tag)
			}
		}
		if !strings.Contains(svg, `aria-hidden="true"`) || !strings.Contains(svg, `width="32" height="32"`) {
			t.Fatalf("SVG(%q) is not hidden from screen readers or not 32 pixels: %s", key, svg)
		}
	}
	if len(seen) < 990 {
		t.Errorf("1000 keys gave only %d different pictures", len(seen))
	}
}
