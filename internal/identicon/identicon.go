// Package identicon draws the small pictures that stand beside readers' replies: a
// symmetric 5×5 pattern in one colour, made from a hash of a key, as inline SVG.
package identicon

import (
	"crypto/sha256"
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Size is the picture's width and height in CSS pixels when no style sizes it.
const Size = 32

// Placeholder stands for someone with no key (a reply whose author was erased): a
// grey figure, the same for everyone.
const Placeholder = template.HTML(`<svg class="avatar avatar-placeholder" viewBox="-0.5 -0.5 6 6" width="32" height="32" aria-hidden="true" focusable="false">` +
	`<rect x="-0.5" y="-0.5" width="6" height="6" fill="#e4e7e5"/>` +
	`<circle cx="2.5" cy="2.2" r="1.1" fill="#9aa5a0"/>` +
	`<path fill="#9aa5a0" d="M0.6 5.5a1.9 1.9 0 0 1 3.8 0z"/></svg>`)

// SVG returns the picture for key as inline SVG, or Placeholder when key is empty. The
// same key always gives the same picture. key is hashed (SHA-256, with a prefix of its
// own) before it is drawn, so the picture cannot be compared with a hash of key made
// elsewhere; it tells nothing more than key does, so key must be something the page
// shows anyway (such as the name beside the picture), never a secret or anything made
// from one: a picture drawn from an email, even through a keyed hash, confirms a
// guessed email to whoever can make the site draw it. The SVG uses attributes only, no
// style (which a Content Security Policy without inline styles forbids), and refers to
// nothing outside itself, so no browser asks another site for it.
func SVG(key string) template.HTML {
	if key == "" {
		return Placeholder
	}
	sum := sha256.Sum256([]byte("avatar:" + key))
	hue := float64(int(sum[0])<<8|int(sum[1])) / 65536 * 360
	fg := hslHex(hue, 0.45+float64(sum[2]%20)/100, 0.36+float64(sum[3]%14)/100)
	bg := hslHex(hue, 0.35, 0.93)

	// Fifteen bits fill the left three columns; the right two mirror them.
	var cells [5][5]bool
	on := 0
	for i := range 15 {
		if sum[4+i/8]>>(i%8)&1 == 1 {
			row, col := i/3, i%3
			cells[row][col], cells[row][4-col] = true, true
			on++
		}
	}
	if on == 0 { // a blank square would look like a missing picture
		cells[2][2] = true
	}
	var d strings.Builder
	for y := range 5 {
		for x := range 5 {
			if cells[y][x] {
				fmt.Fprintf(&d, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	return template.HTML(fmt.Sprintf(`<svg class="avatar" viewBox="-0.5 -0.5 6 6" width="%d" height="%d" shape-rendering="crispEdges" aria-hidden="true" focusable="false">`+
		`<rect x="-0.5" y="-0.5" width="6" height="6" fill="%s"/><path fill="%s" d="%s"/></svg>`,
		Size, Size, bg, fg, d.String()))
}

// hslHex converts a colour from hue (degrees), saturation and lightness (0 to 1) to
// #rrggbb.
func hslHex(h, s, l float64) string {
	c := (1 - math.Abs(2*l-1)) * s
	hp := math.Mod(h, 360) / 60
	x := c * (1 - math.Abs(math.Mod(hp, 2)-1))
	var r, g, b float64
	switch {
	case hp < 1:
		r, g, b = c, x, 0
	case hp < 2:
		r, g, b = x, c, 0
	case hp < 3:
		r, g, b = 0, c, x
	case hp < 4:
		r, g, b = 0, x, c
	case hp < 5:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	m := l - c/2
	to := func(v float64) int { return int(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", to(r), to(g), to(b))
}
