package render

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// hiddenScheme is a script or data scheme anywhere in an address.
var hiddenScheme = regexp.MustCompile(`(?i)(java|vb)script:|data:`)

// hiddenSchemes empties the address of a link or image that names a script or data
// scheme anywhere, not only at its start. "page#javascript:x" does nothing in a
// browser, but feed readers, mail clients and filters downstream may read it otherwise,
// and no article needs it.
type hiddenSchemes struct{}

func (hiddenSchemes) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if hiddenScheme.Match(n.Destination) {
				n.Destination = nil
			}
		case *ast.Image:
			if hiddenScheme.Match(n.Destination) {
				n.Destination = nil
			}
		}
		return ast.WalkContinue, nil
	})
}
