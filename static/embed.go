// Package static holds the stylesheets, scripts and images, embedded in the binary.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
