package wpcontent

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText converts a title or a name as WordPress keeps it, HTML with entities
// ("Food &amp; Drink", "<em>Heat</em> cramps"), to the plain text it shows, on one line:
// tags removed (a script or style with its content), entities decoded, control
// characters dropped and runs of white space made one space.
func PlainText(s string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(strings.ToValidUTF8(s, "\uFFFD")), body)
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(textContent(n))
		b.WriteByte(' ')
	}
	return strings.Join(strings.Fields(stripControl(b.String())), " ")
}
