package publishing_test

import (
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/publishing"
)

// Ensure the line comparison marks exactly the lines removed and added, keeps the
// rest, and ignores a final newline.
func TestDiffLines(t *testing.T) {
	t.Parallel()
	type L = publishing.DiffLine
	tests := []struct {
		Name string
		A, B string
		Want []L
	}{
		{"Empty", "", "", nil},
		{"Same", "a\nb\n", "a\nb", []L{{' ', "a"}, {' ', "b"}}},
		{"Added", "", "a\n", []L{{'+', "a"}}},
		{"Removed", "a\nb\n", "b\n", []L{{'-', "a"}, {' ', "b"}}},
		{"ChangedInMiddle", "a\nb\nc\n", "a\nB\nc\n", []L{{' ', "a"}, {'-', "b"}, {'+', "B"}, {' ', "c"}}},
		{"Moved", "a\nb\nc\n", "b\nc\na\n", []L{{'-', "a"}, {' ', "b"}, {' ', "c"}, {'+', "a"}}},
		{"KeepsCommonLinesBetweenChanges", "x\n1\n2\ny\n", "X\n1\n2\nY\n",
			[]L{{'-', "x"}, {'+', "X"}, {' ', "1"}, {' ', "2"}, {'-', "y"}, {'+', "Y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got := publishing.DiffLines(tt.A, tt.B)
			if !equalLines(got, tt.Want) {
				t.Errorf("DiffLines(%q, %q) = %q, want %q", tt.A, tt.B, got, tt.Want)
			}
		})
	}
}

// Ensure a comparison too large to compute line by line still shows every line, the
// changed part as removed and added wholesale.
func TestDiffLines_HugeChangeShownWholesale(t *testing.T) {
	t.Parallel()
	var a, b strings.Builder
	for i := range 2500 {
		a.WriteString("old " + strings.Repeat("x", i%7) + "\n")
		b.WriteString("new " + strings.Repeat("y", i%5) + "\n")
	}
	got := publishing.DiffLines("same\n"+a.String()+"end\n", "same\n"+b.String()+"end\n")
	if len(got) != 2+2*2500 || got[0] != (publishing.DiffLine{Op: ' ', Text: "same"}) || got[len(got)-1] != (publishing.DiffLine{Op: ' ', Text: "end"}) {
		t.Fatalf("%d lines, first %q last %q", len(got), got[0], got[len(got)-1])
	}
	if got[1].Op != '-' || got[2500].Op != '-' || got[2501].Op != '+' || got[5000].Op != '+' {
		t.Errorf("not wholesale: %q %q %q %q", got[1], got[2500], got[2501], got[5000])
	}
}
