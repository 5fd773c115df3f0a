// Package templates holds the HTML templates and the mail templates, embedded in the
// binary.
package templates

import "embed"

// FS holds layout/, partials/, pages/ and mail/.
//
//go:embed layout partials pages mail
var FS embed.FS
