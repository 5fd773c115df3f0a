// Package hostile loads the corpus of hostile strings that tests throw at the reply
// form, the editor and the renderers: the shared data files (big-list-of-naughty-strings
// and two XSS payload lists, kept beside the project in ../shared/testdata/hostile) and
// cases of our own that those files lack.
package hostile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir is where the shared data files are, relative to the project root.
const Dir = "../shared/testdata/hostile"

// Own are the cases the shared files lack: bytes that are not text, very long input,
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

// Corpus returns every string of the shared files followed by Own. It skips the test,
// saying why, when the shared folder is absent (CI always has it).
func Corpus(tb testing.TB) []string {
	tb.Helper()
	dir := filepath.Join(projectRoot(tb), Dir)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("hostile corpus not found at %s (it sits beside the project as ../shared/testdata/hostile): %v", dir, err)
	}
	var all []string
	raw, err := os.ReadFile(filepath.Join(dir, "blns.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		tb.Fatalf("blns.json: %v", err)
	}
	for _, name := range []string{"xss-polyglots.txt", "xss-rsnake.txt"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
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

// Seeds is Corpus for a fuzz target's seeds: without the shared folder it is Own
// alone, with a note in the log, rather than skipping the target.
func Seeds(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(projectRoot(tb), Dir)); err != nil {
		tb.Logf("hostile corpus not found beside the project (%v): seeding with our own cases only", err)
		return Own()
	}
	return Corpus(tb)
}

// projectRoot is the nearest folder above the working directory with a go.mod.
func projectRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
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
