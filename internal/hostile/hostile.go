// Package hostile loads the corpus of hostile strings that tests throw at the reply
// form, the editor and the renderers: public data files (big-list-of-naughty-strings
// and two XSS payload lists, in testdata/ with their licences and sources, embedded)
// and cases of our own that those files lack.
package hostile

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// files are the public data files, as published.
//
//go:embed testdata/blns.json testdata/xss-polyglots.txt testdata/xss-rsnake.txt
var files embed.FS

// Own are the cases the data files lack: bytes that are not text, very long input,
// and characters that change how text is displayed.
func Own() []string {
	return []string{
		"NUL\x00byte",
		"invalid \xff\xfe UTF-8",
		"e" + strings.Repeat("\u0301", 10_000),     // 10 000 combining marks on one letter
		strings.Repeat("a", 65_525),                // WordPress's longest comment
		"\u202Egnp.exe\u202C evil \u202Dltr\u202C", // RTL and LTR overrides
		"\u2066isolate\u2069 \u200F\u200E\u061C",   // isolates and direction marks
		"</textarea><script>alert(1)</script>",     // breaks out of a textarea
		"\"><svg/onload=alert(1)>",                 // breaks out of an attribute
		"[x](javascript:alert(1)) ![y](data:text/html,<script>alert(1)</script>)",
		"<a href=\"java&#x09;script:alert(1)\">tab</a>",
		"{{.}} {{template \"x\"}} ${7*7} <%= 7*7 %>", // template syntax of other engines
		"\uFEFFbom \u2028line\u2029para",
	}
}

// Corpus returns every string of the data files followed by Own.
func Corpus(tb testing.TB) []string {
	tb.Helper()
	var all []string
	raw, err := files.ReadFile("testdata/blns.json")
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		tb.Fatalf("blns.json: %v", err)
	}
	for _, name := range []string{"xss-polyglots.txt", "xss-rsnake.txt"} {
		raw, err := files.ReadFile("testdata/" + name)
		if err != nil {
			tb.Fatal(err)
		}
		lines := bufio.NewScanner(bytes.NewReader(raw))
		lines.Buffer(make([]byte, 64*1024), 1<<20)
		for lines.Scan() {
			if line := lines.Text(); strings.TrimSpace(line) != "" {
				all = append(all, line)
			}
		}
		if err := lines.Err(); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
	}
	return append(all, Own()...)
}

// SameAddress reports whether two web addresses lead to the same place as shown:
// templates percent-encode unusual characters of an address without changing it.
func SameAddress(a, b string) bool {
	return unescape(a) == unescape(b)
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// SameText reports whether a page shows text as typed, spacing aside: HTML folds
// runs of white space.
func SameText(shown, typed string) bool {
	return strings.Join(strings.Fields(shown), "") == strings.Join(strings.Fields(typed), "")
}
