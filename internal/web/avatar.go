package web

import (
	"html/template"

	"github.com/fascicle/fascicle/internal/identicon"
)

// avatar returns a commenter's picture as inline SVG, drawn by identicon from the
// email's blind index: the same on every reply by the same email, and telling nothing
// about the email, since the index is already a keyed hash and the picture cannot be
// compared with a hash made elsewhere (as a Gravatar can). It is drawn on the page, so
// no browser asks another site for it. A reply whose email is gone (anonymised) gets
// identicon.Placeholder.
func avatar(emailIndex string) template.HTML {
	return identicon.SVG(emailIndex)
}
