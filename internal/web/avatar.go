package web

import (
	"html/template"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/fascicle/fascicle/internal/identicon"
)

// avatar returns a commenter's picture as inline SVG, drawn by identicon from the name
// the reply is shown under, and from nothing else. The name is on the page beside it,
// so the picture tells nobody anything they cannot already read; in particular it is
// never made from the email or the client address, so that it cannot confirm a
// guessed email (a sender sees the same picture on their own held reply whatever
// email they type) nor link two names that share an email. Names that differ only in
// case, width or spacing get the same picture. It is drawn on the page, so no browser
// asks another site for it. An anonymised reply (its email and name erased) gets
// identicon.Placeholder.
func avatar(name string, anonymised bool) template.HTML {
	if anonymised {
		return identicon.Placeholder
	}
	return identicon.SVG("name:" + avatarName(name))
}

// avatarName is the form of a display name its avatar is drawn from: NFKC, case
// folded, with runs of spaces made one and none at the ends.
func avatarName(name string) string {
	return strings.Join(strings.Fields(cases.Fold().String(norm.NFKC.String(name))), " ")
}
