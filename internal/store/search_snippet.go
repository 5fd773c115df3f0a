package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Excerpts of a page of results on SQLite, made here from the articles' text rather
// than by FTS4's snippet(), which would read the index again from the newest match
// down to the page's oldest article. They follow snippet()'s rules closely enough:
// words split and folded as the unicode61 tokenizer does (letters, digits and marks;
// lower case; accents dropped), the passage of n words holding the most of the
// search's words (then the most matches), centred on them, '…' where it is cut.

// snippetToken is a word of a text: its bytes, and whether the search looks for it.
type snippetToken struct {
	start, end int
	match      bool
}

// foldWord is word as the index keeps it: in lower case, without accents.
func foldWord(word string) string {
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(word)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(word) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// snippetTokens splits text into words, marking those in words (folded).
func snippetTokens(text string, words map[string]bool) []snippetToken {
	var tokens []snippetToken
	start := -1
	for i, r := range text {
		inWord := unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			tokens = append(tokens, snippetToken{start: start, end: i, match: words[foldWord(text[start:i])]})
			start = -1
		}
	}
	if start >= 0 {
		tokens = append(tokens, snippetToken{start: start, end: len(text), match: words[foldWord(text[start:])]})
	}
	return tokens
}

// snippet returns the passage of text of at most n words that holds the most distinct
// words of the search, with each match between SnippetStart and SnippetEnd and '…'
// where the text is cut; the start of the text, unmarked, when nothing matches.
func snippet(text string, words map[string]bool, n int) string {
	tokens := snippetTokens(text, words)
	if len(tokens) == 0 {
		return text
	}
	// The best first word: each match in turn, scored by the distinct words and the
	// matches in the n words from it.
	first, best := 0, -1
	for i, t := range tokens {
		if !t.match {
			continue
		}
		seen := map[string]bool{}
		score := 0
		for _, u := range tokens[i:min(i+n, len(tokens))] {
			if !u.match {
				continue
			}
			w := foldWord(text[u.start:u.end])
			if !seen[w] {
				seen[w] = true
				score += 1000
			}
			score++
		}
		if score > best {
			first, best = i, score
		}
	}
	if best >= 0 {
		// Centre the matches: move the passage back by half the words it has to spare.
		last := first
		for i := first; i < min(first+n, len(tokens)); i++ {
			if tokens[i].match {
				last = i
			}
		}
		first = max(0, first-(n-(last-first+1))/2)
		if first+n > len(tokens) {
			first = max(0, len(tokens)-n)
		}
	}
	end := min(first+n, len(tokens))
	var b strings.Builder
	from := tokens[first].start
	if first == 0 {
		from = 0
	} else {
		b.WriteString("…")
	}
	for _, t := range tokens[first:end] {
		b.WriteString(text[from:t.start])
		if t.match {
			b.WriteString(SnippetStart + text[t.start:t.end] + SnippetEnd)
		} else {
			b.WriteString(text[t.start:t.end])
		}
		from = t.end
	}
	if end == len(tokens) {
		b.WriteString(text[from:])
	} else {
		b.WriteString("…")
	}
	return b.String()
}
