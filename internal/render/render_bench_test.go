package render_test

import (
	"os"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/render"
)

// BenchmarkArticleBody measures rendering the demo article (Markdown, sanitising and
// reference markers), which the article page does once per version of an article.
func BenchmarkArticleBody(b *testing.B) {
	source, err := os.ReadFile("../demo/muscle-twitches.md")
	if err != nil {
		b.Fatal(err)
	}
	// Cite the references, as generated articles do.
	body := strings.Replace(string(source), "at some point in their lives", "at some point in their lives [1]", 1)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.ArticleBody(body, 6); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommentText measures rendering one reply's text, which a rendered article
// page does for each of its replies.
func BenchmarkCommentText(b *testing.B) {
	text := "My calves twitch after long runs, mostly in the evening.\n\nCutting back on coffee helped, and so did " +
		"drinking more water. See https://example.org/notes for what I tried."
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		render.CommentText(text)
	}
}
