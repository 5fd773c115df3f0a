package model_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// BenchmarkCommentValidate measures the checks of the fields of a typical reply.
func BenchmarkCommentValidate(b *testing.B) {
	c := model.Comment{
		AuthorName:  "Priya N.",
		AuthorEmail: "priya.n@example.com",
		AuthorURL:   "https://example.org/priya",
		Body: "My eyelid twitched on and off for two weeks during exam season. I cut down to one coffee a day " +
			"and started sleeping properly, and it stopped within a few days.\n\nGood to read that this is so common.",
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommentValidate_Long measures the checks of a reply of the longest
// length, which is refused.
func BenchmarkCommentValidate_Long(b *testing.B) {
	c := model.Comment{AuthorName: "Long", AuthorEmail: "long@example.com", Body: strings.Repeat("twitch ", model.MaxCommentBody/7+1)}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Validate(); err == nil {
			b.Fatal("a reply over the limit was accepted")
		}
	}
}
