package store

import (
	"strings"
	"testing"
)

// Ensure an excerpt marks every match, keeps a short text whole, cuts a long one around
// the passage with the most of the search's words (marked '…'), folds case and accents
// as the index does, and shows the start of a text without a match, unmarked.
func TestSnippet(t *testing.T) {
	t.Parallel()
	words := map[string]bool{"zinc": true, "healing": true, "cafe": true}
	long := strings.Repeat("filler words here. ", 20) + "Zinc helps healing of wounds. " + strings.Repeat("more filler text. ", 20)
	tests := []struct {
		Name, Text string
		N          int
		Want       string
	}{
		{"WholeShortText", "**Zinc** and healing.", 40, "**\x01Zinc\x02** and \x01healing\x02."},
		{"FoldsCaseAndAccents", "Le Café", 40, "Le \x01Café\x02"},
		{"NoMatch", "one two three four", 2, "one two…"},
		{"CutAroundTheMatches", long, 7, "…words here. \x01Zinc\x02 helps \x01healing\x02 of wounds…"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := snippet(tt.Text, words, tt.N); got != tt.Want {
				t.Errorf("snippet(%.30q, %d) = %q, want %q", tt.Text, tt.N, got, tt.Want)
			}
		})
	}
}
