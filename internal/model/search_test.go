package model_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a search is split into lower-case words of letters and digits, so that no
// punctuation, quote or operator reaches the search index, without repeats and within
// the limits.
func TestSearchTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name  string
		Query string
		Want  string
	}{
		{"Words", "Muscle  twitches", "muscle|twitches"},
		{"Punctuation", `"caffeine" AND (sleep*) -stress NEAR/2 x:y`, "caffeine|and|sleep|stress|near|2|x|y"},
		{"OnlyPunctuation", `"*()-:^~?!`, ""},
		{"Empty", "   ", ""},
		{"Repeats", "Sleep sleep SLEEP", "sleep"},
		{"Accents", "Über Myoklonus", "über|myoklonus"},
		{"CombiningMark", "cafe\u0301", "cafe\u0301"},
		{"Digits", "vitamin B12, 70%", "vitamin|b12|70"},
		{"NonLatin", "мышцы 筋肉", "мышцы|筋肉"},
		{"AtMostTen", "a b c d e f g h i j k l", "a|b|c|d|e|f|g|h|i|j"},
		{"InvalidUTF8", "twitch\xff\xfeing", "twitch|ing"},
		{"OnlyTheStart", strings.Repeat("x", model.MaxSearchQuery) + " hidden", strings.Repeat("x", model.MaxSearchQuery)},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := strings.Join(model.SearchTerms(tt.Query), "|"); got != tt.Want {
				t.Errorf("SearchTerms(%q) = %q, want %q", tt.Query, got, tt.Want)
			}
		})
	}
}

// Ensure a long search is cut between characters, never inside one.
func TestCutSearchQuery(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 10_000)
	got := model.CutSearchQuery(long)
	if utf8.RuneCountInString(got) != model.MaxSearchQuery || !utf8.ValidString(got) {
		t.Errorf("cut to %d characters (valid %v), want %d", utf8.RuneCountInString(got), utf8.ValidString(got), model.MaxSearchQuery)
	}
	if got := model.CutSearchQuery("  twitch  "); got != "twitch" {
		t.Errorf("CutSearchQuery trims to %q", got)
	}
}
