package hostile_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/hostile"
)

func TestCorpus_HasSharedFilesAndOwnCases(t *testing.T) {
	t.Parallel()
	all := hostile.Corpus(t)
	if len(all) < 515+16+73 {
		t.Fatalf("corpus has %d strings, want at least every line of the three files", len(all))
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
