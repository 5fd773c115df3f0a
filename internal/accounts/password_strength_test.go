package accounts_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trustelem/zxcvbn"

	"github.com/fascicle/fascicle/internal/accounts"
)

// Ensure CheckPassword keeps the length limits, refuses what zxcvbn scores below 3
// with its feedback in plain words, and counts the person's name and email and the
// site's name as easy guesses.
func TestCheckPassword(t *testing.T) {
	t.Parallel()
	const another = " Add another word or two. Uncommon words are better."
	tests := []struct {
		Name     string
		Password string
		Want     string // the whole message; "" for accepted
	}{
		{"AcceptedPassphrase", "lantern moss quietly", ""},
		{"AcceptedUnicode", "zwölf Bäume", ""},
		{"AcceptedLongest", strings.Repeat("violet harbour lamp ", 7)[:128], ""},
		{"ErrTooShort", "k9#vQ2x", "Use at least 8 characters."},
		{"ErrTooLong", strings.Repeat("violet harbour lamp ", 7)[:129], "Use at most 128 characters."},
		{"ErrInvalidUTF8", "lantern\xffmoss quietly", "The password contains bytes that are not valid text."},
		{"ErrTop10", "12345678", "This is a top-10 common password." + another},
		{"ErrTop100", "BaseBall", "This is a top-100 common password." + another},
		{"ErrCommon", "password1", "This is a very common password." + another},
		{"ErrSimilarToCommon", "P@ssw0rd!", "This is similar to a commonly used password." + another +
			" Capitalisation doesn't help very much. Predictable substitutions like '@' instead of 'a' don't help very much."},
		{"ErrReversed", "drowssap", "This is similar to a commonly used password." + another + " Reversed words aren't much harder to guess."},
		{"ErrName", "lovelace1815", "Do not use your name, your email address or the site's name." + another},
		{"ErrFullName", "Ada Lovelace", "Do not use your name, your email address or the site's name." + another},
		{"ErrEmail", "ada@example.org", "Do not use your name, your email address or the site's name." + another},
		{"ErrSiteName", "fascicle2026", "Do not use your name, your email address or the site's name." + another},
		{"ErrNameAlone", "jennifer", "Names and surnames by themselves are easy to guess." + another},
		{"ErrRepeat", "aaaaaaaaaaaa", `Repeats like "aaa" are easy to guess.` + another + " Avoid repeated words and characters."},
		{"ErrSequence", "abcdefghij", "Sequences like abc or 6543 are easy to guess." + another + " Avoid sequences."},
		{"ErrDate", "19/12/2019x", "Dates are often easy to guess." + another + " Avoid dates and years that are associated with you."},
		{"ErrShortRandom", "vH7#kq2!", "This password is too easy to guess." + another},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			err := accounts.CheckPassword(tt.Password, "Ada Lovelace", "ada@example.org")
			if tt.Want == "" {
				if err != nil {
					t.Errorf("CheckPassword(%q) = %q, want it accepted", tt.Password, err)
				}
				return
			}
			var pe *accounts.PasswordError
			if !errors.As(err, &pe) || !errors.Is(err, accounts.ErrWeakPassword) {
				t.Fatalf("CheckPassword(%q) = %v, want a *PasswordError", tt.Password, err)
			}
			if pe.Message != tt.Want {
				t.Errorf("CheckPassword(%q) says\n%q\nwant\n%q", tt.Password, pe.Message, tt.Want)
			}
			if strings.Contains(pe.Message, tt.Password) {
				t.Errorf("the message repeats the password %q", tt.Password)
			}
		})
	}
}

// Ensure the site's name is refused even when the caller passes no inputs, and the
// person's words only when they are theirs.
func TestCheckPassword_Inputs(t *testing.T) {
	t.Parallel()
	if err := accounts.CheckPassword("Fascicle2026"); err == nil {
		t.Error(`"Fascicle2026" accepted without inputs: the site's name must always count`)
	}
	if err := accounts.CheckPassword("lovelace1815"); err == nil {
		t.Error(`"lovelace1815" accepted without inputs; zxcvbn knows the surname`)
	}
	if err := accounts.CheckPassword("quillfeather1815", "Ada Lovelace"); err != nil {
		t.Errorf("a password without the name refused: %v", err)
	}
	if err := accounts.CheckPassword("quillfeather1815", "Quillfeather Smith"); err == nil {
		t.Error("a password made of the person's surname and a year was accepted")
	}
}

// Ensure a long password is judged by its first 64 bytes: a strong start is enough,
// a weak start is refused whatever follows (on the safe side), and a start that
// ends inside a multi-byte character is cut before it.
func TestCheckPassword_LongJudgedByItsStart(t *testing.T) {
	t.Parallel()
	strong := "lantern moss quietly over the harbour wall"
	if err := accounts.CheckPassword(strong + strings.Repeat("a", 80)); err != nil {
		t.Errorf("a strong start with a weak end refused: %v", err)
	}
	if err := accounts.CheckPassword(strings.Repeat("a", 64) + strong); err == nil {
		t.Error("64 repeated letters and then a phrase accepted; only the start is judged")
	}
	// 63 bytes, then a two-byte letter that the 64th byte would split.
	start := strong + " and the lamps are lit again"[:63-len(strong)]
	if err := accounts.CheckPassword(start + "é" + strings.Repeat("a", 20)); err != nil {
		t.Errorf("a strong start followed by a two-byte letter refused: %v", err)
	}
}

// slowPasswords are 128-character passwords of the kinds that take zxcvbn longest:
// random printable characters, and every character it reads as a letter in disguise
// ("4" for "a", "|" for "i" or "l"…), each tried in every dictionary.
func slowPasswords() map[string]string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 128)
	for i := range b {
		b[i] = byte('!' + r.IntN(94))
	}
	return map[string]string{"Random": string(b), "Substitutions": strings.Repeat("4@8({[<3691!|0$5+7%2", 7)[:128]}
}

// BenchmarkCheckPassword_128 judges the longest passwords allowed, of the kinds that
// take zxcvbn longest.
func BenchmarkCheckPassword_128(b *testing.B) {
	for name, pw := range slowPasswords() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				accounts.CheckPassword(pw, "Ada Lovelace", "ada@example.org")
			}
		})
	}
}

// BenchmarkZxcvbn_128Whole is what judging the whole of those passwords would cost:
// the reason CheckPassword reads only their start.
func BenchmarkZxcvbn_128Whole(b *testing.B) {
	for name, pw := range slowPasswords() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				zxcvbn.PasswordStrength(pw, []string{"ada lovelace", "ada", "lovelace", "ada@example.org", "fascicle"})
			}
		})
	}
}
