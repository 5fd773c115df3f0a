package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// storeWritesOfArticles are the store's methods that change articles without checking
// any rule; only the publishing service may call them.
var storeWritesOfArticles = []string{"SaveArticle", "CreateArticle", "ChangeStatus", "RecordReview", "PublishDue"}

// Ensure no handler changes an article through the store: every change goes through
// the publishing service (s.publishing), which owns the rules.
func TestHandlers_ChangeArticlesOnlyThroughPublishing(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			for _, method := range storeWritesOfArticles {
				if sel.Sel.Name == method && !throughPublishing(sel.X) {
					t.Errorf("%s: %s is called outside the publishing service", fset.Position(call.Pos()), method)
				}
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("checked %d files; is the test running in internal/web?", checked)
	}
}

// throughPublishing reports whether x is the server's publishing service (s.publishing).
func throughPublishing(x ast.Expr) bool {
	sel, ok := x.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "publishing"
}
