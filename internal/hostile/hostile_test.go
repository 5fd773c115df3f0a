package hostile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/hostile"
)

// Ensure the corpus holds every string of the three data files and our own cases,
// with a <script> payload and a NUL byte among them.
func TestCorpus_HasDataFilesAndOwnCases(t *testing.T) {
	t.Parallel()
	all := hostile.Corpus(t)
	if len(all) < 515+16+73+len(hostile.Own()) {
		t.Fatalf("corpus has %d strings, want at least every line of the three files and our own cases", len(all))
	}
	var script, nul bool
	for _, s := range all {
		script = script || strings.Contains(strings.ToLower(s), "<script")
		nul = nul || strings.ContainsRune(s, 0)
	}
	if !script || !nul {
		t.Errorf("corpus lacks a <script> payload (%v) or a NUL byte (%v)", script, nul)
	}
}

// Ensure the data files' licences and the note of their sources are kept beside them.
func TestCorpus_LicencesBesideData(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"LICENSE.blns":                 "MIT License",
		"LICENSE.payloadsallthethings": "MIT License",
		"README.md":                    "minimaxir/big-list-of-naughty-strings",
	} {
		text, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil || !strings.Contains(string(text), want) {
			t.Errorf("testdata/%s: %v, or it lacks %q", name, err, want)
		}
	}
}
