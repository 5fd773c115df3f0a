package model

import (
	"strings"
	"unicode"
)

// Limits of a reader's search.
const (
	// MaxSearchQuery is how many characters of a search are read; the rest is ignored,
	// so that a pasted page cannot make an expensive query.
	MaxSearchQuery = 200
	// MaxSearchTerms is how many words of a search are looked for.
	MaxSearchTerms = 10
)

// CutSearchQuery returns the first MaxSearchQuery characters of a search, cut between
// characters, never inside one, with invalid UTF-8 replaced and the ends trimmed.
func CutSearchQuery(query string) string {
	query = strings.ToValidUTF8(query, "\uFFFD")
	n := 0
	for i := range query {
		if n == MaxSearchQuery {
			query = query[:i]
			break
		}
		n++
	}
	return strings.TrimSpace(query)
}

// SearchTerms splits a search into words: runs of letters, digits and the marks that
// belong to them, in lower case, without repeats, at most MaxSearchTerms of them from
// the first MaxSearchQuery characters. Everything else (punctuation, quotes, operators
// such as * or -) only separates words, so no term can carry search syntax. A search
// of only punctuation has no terms.
func SearchTerms(query string) []string {
	words := strings.FieldsFunc(CutSearchQuery(query), func(r rune) bool {
		return !unicode.In(r, unicode.L, unicode.N, unicode.M)
	})
	var terms []string
	seen := map[string]bool{}
	for _, w := range words {
		w = strings.ToLower(w)
		if seen[w] {
			continue
		}
		seen[w] = true
		terms = append(terms, w)
		if len(terms) == MaxSearchTerms {
			break
		}
	}
	return terms
}
