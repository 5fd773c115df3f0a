package web

import (
	"crypto/sha256"
	"fmt"
	"html/template"
	"math"
	"strings"
)

// avatarSize is the avatar's size in CSS pixels when no style sizes it.
const avatarSize = 32

// placeholderAvatar stands for a commenter whose email is gone (an anonymised reply):
// a grey figure, the same for everyone.
const placeholderAvatar = template.HTML(`<svg class="avatar avatar-placeholder" viewBox="-0.5 -0.5 6 6" width="32" height="32" aria-hidden="true" focusable="false">` +
	`<rect x="-0.5" y="-0.5" width="6" height="6" fill="#e4e7e5"/>` +
	`<circle cx="2.5" cy="2.2" r="1.1" fill="#9aa5a0"/>` +
	`<path fill="#9aa5a0" d="M0.6 5.5a1.9 1.9 0 0 1 3.8 0z"/></svg>`)

// avatar returns a commenter's picture as inline SVG: a symmetric 5×5 pattern in one
// colour, drawn from a hash of the email's blind index. It is the same on every reply
// by the same email and tells nothing about the email: the index is already a keyed
// hash, and it is hashed again, so the picture cannot be compared with a hash made
// elsewhere (as a Gravatar can). It is drawn on the page, so no browser asks another
// site for it, and uses attributes only, as the Content Security Policy forbids
// inline styles.
func avatar(emailIndex string) template.HTML {
	if emailIndex == "" {
		return placeholderAvatar
	}
	sum := sha256.Sum256([]byte("avatar:" + emailIndex))
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
		avatarSize, avatarSize, bg, fg, d.String()))
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
