// Package templates holds the HTML templates, embedded in the binary.
package templates

import "embed"

// FS holds layout/, partials/ and pages/.
//
//go:embed layout partials pages
var FS embed.FS
