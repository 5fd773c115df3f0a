package accounts

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// Password length limits, in characters.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

// MinPasswordScore is the least zxcvbn score a new password must reach: 3 stands for
// at least 10⁸ guesses, "safely unguessable" against an offline attack on a slow hash.
const MinPasswordScore = 3

// DefaultSiteName is the site's name when none is configured. A password is judged
// with it as well as the configured name: it is the first word an attacker tries.
const DefaultSiteName = "Fascicle"

// judgedBytes is how much of a password zxcvbn reads. Its matching grows faster than
// the square of the length: 25–50 ms for 64 bytes here, 250–450 ms for 128 random
// characters. A password whose first 64 bytes are strong is strong; one whose start
// is weak and the rest strong is refused, which is rare and errs on the safe side.
const judgedBytes = 64

// ErrWeakPassword means a new password is refused: too short, too long, or too easy
// to guess. CheckPassword returns it as a *PasswordError, which says why.
var ErrWeakPassword = errors.New("password refused")

// PasswordError is ErrWeakPassword with what to tell the person, in plain words,
// ready to show beside the password field.
type PasswordError struct {
	Message string
}

func (e *PasswordError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrWeakPassword) true.
func (e *PasswordError) Is(target error) bool { return target == ErrWeakPassword }

// CheckPassword judges a password that someone is about to set, wherever it is set:
// it must be valid text of MinPasswordLength to MaxPasswordLength characters, and
// zxcvbn must score it at least MinPasswordScore. inputs are words that an attacker
// who knows the person tries first: their name and email, and the site's name
// (DefaultSiteName is always added). Returns nil, or a *PasswordError
// (ErrWeakPassword) whose message is zxcvbn's feedback, such as "This is a top-100
// common password. Add another word or two. Uncommon words are better."
func CheckPassword(password string, inputs ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return &PasswordError{"The password contains bytes that are not valid text."}
	case n < MinPasswordLength:
		return &PasswordError{fmt.Sprintf("Use at least %d characters.", MinPasswordLength)}
	case n > MaxPasswordLength:
		return &PasswordError{fmt.Sprintf("Use at most %d characters.", MaxPasswordLength)}
	}
	judged := password
	if len(judged) > judgedBytes {
		cut := judgedBytes
		for !utf8.RuneStart(judged[cut]) {
			cut--
		}
		judged = judged[:cut]
	}
	result := zxcvbn.PasswordStrength(judged, passwordInputs(inputs))
	if result.Score >= MinPasswordScore {
		return nil
	}
	return &PasswordError{passwordFeedback(result.Sequence)}
}

// passwordInputs returns inputs and their words, lower-cased: zxcvbn finds a user
// input in a password only whole, and "lovelace1815" holds the name "Ada Lovelace"
// as much as "adalovelace" does.
func passwordInputs(inputs []string) []string {
	seen := map[string]bool{}
	var words []string
	add := func(w string) {
		w = strings.ToLower(strings.TrimSpace(w))
		if utf8.RuneCountInString(w) >= 3 && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, in := range append(inputs, DefaultSiteName) {
		add(in)
		for _, w := range strings.FieldsFunc(in, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			add(w)
		}
	}
	return words
}

// passwordFeedback words why a password scored too low, from the matches zxcvbn found
// in it: a warning about the longest, then suggestions. It follows the feedback of
// zxcvbn 4.4.2, which the Go port lacks, with full stops, British spelling, and a
// warning of its own for the person's name, email or the site's name.
func passwordFeedback(sequence []*match.Match) string {
	const another = "Add another word or two. Uncommon words are better."
	if len(sequence) == 0 {
		return "Use a few words, avoid common phrases."
	}
	longest := sequence[0]
	for _, m := range sequence[1:] {
		if utf8.RuneCountInString(m.Token) > utf8.RuneCountInString(longest.Token) {
			longest = m
		}
	}
	warning, suggestions := matchFeedback(longest, len(sequence) == 1)
	if warning == "" {
		warning = "This password is too easy to guess."
	}
	return strings.Join(append([]string{warning, another}, suggestions...), " ")
}

// matchFeedback returns what to say about one match: a warning ("" for none) and
// suggestions.
func matchFeedback(m *match.Match, sole bool) (string, []string) {
	switch m.Pattern {
	case "dictionary":
		return dictionaryFeedback(m, sole)
	case "spatial":
		if m.Turns == 1 {
			return "Straight rows of keys are easy to guess.", []string{"Use a longer keyboard pattern with more turns."}
		}
		return "Short keyboard patterns are easy to guess.", []string{"Use a longer keyboard pattern with more turns."}
	case "repeat":
		if utf8.RuneCountInString(m.BaseToken) == 1 {
			return `Repeats like "aaa" are easy to guess.`, []string{"Avoid repeated words and characters."}
		}
		return `Repeats like "abcabcabc" are only slightly harder to guess than "abc".`, []string{"Avoid repeated words and characters."}
	case "sequence":
		return "Sequences like abc or 6543 are easy to guess.", []string{"Avoid sequences."}
	case "regex":
		if m.RegexName == "recent_year" {
			return "Recent years are easy to guess.", []string{"Avoid recent years.", "Avoid years that are associated with you."}
		}
	case "date":
		return "Dates are often easy to guess.", []string{"Avoid dates and years that are associated with you."}
	}
	return "", nil
}

// dictionaryFeedback is matchFeedback for a word from one of zxcvbn's lists or from
// the inputs.
func dictionaryFeedback(m *match.Match, sole bool) (string, []string) {
	var warning string
	switch m.DictionaryName {
	case "passwords":
		switch {
		case sole && !m.L33t && !m.Reversed && m.Rank <= 10:
			warning = "This is a top-10 common password."
		case sole && !m.L33t && !m.Reversed && m.Rank <= 100:
			warning = "This is a top-100 common password."
		case sole && !m.L33t && !m.Reversed:
			warning = "This is a very common password."
		case math.Log10(m.Guesses) <= 4:
			warning = "This is similar to a commonly used password."
		}
	case "english_wikipedia":
		if sole {
			warning = "A word by itself is easy to guess."
		}
	case "surnames", "male_names", "female_names":
		if sole {
			warning = "Names and surnames by themselves are easy to guess."
		} else {
			warning = "Common names and surnames are easy to guess."
		}
	case "user_inputs":
		warning = "Do not use your name, your email address or the site's name."
	}
	var suggestions []string
	word := m.Token
	first, size := utf8.DecodeRuneInString(word)
	rest := word[size:]
	switch {
	case unicode.IsUpper(first) && rest != "" && !strings.ContainsFunc(rest, unicode.IsUpper):
		suggestions = append(suggestions, "Capitalisation doesn't help very much.")
	case !strings.ContainsFunc(word, unicode.IsLower) && strings.ToLower(word) != word:
		suggestions = append(suggestions, "All-uppercase is almost as easy to guess as all-lowercase.")
	}
	if m.Reversed && utf8.RuneCountInString(word) >= 4 {
		suggestions = append(suggestions, "Reversed words aren't much harder to guess.")
	}
	if m.L33t {
		suggestions = append(suggestions, "Predictable substitutions like '@' instead of 'a' don't help very much.")
	}
	return warning, suggestions
}
