package publishing

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// DiffLine is one line of a comparison: Op is ' ' unchanged, '-' removed, '+' added.
type DiffLine struct {
	Op   byte
	Text string
}

// maxDiffCells bounds the work of one comparison (lines removed × lines added, once
// the common start and end are set aside); beyond it the changed lines are shown as
// removed and added wholesale, so that a huge paste cannot tie up a request.
const maxDiffCells = 4_000_000

// DiffLines compares two texts line by line.
func DiffLines(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	// Between two saves most of an article is the same at both ends: set that aside,
	// so the bound above is about what changed.
	start := 0
	for start < len(x) && start < len(y) && x[start] == y[start] {
		start++
	}
	endX, endY := len(x), len(y)
	for endX > start && endY > start && x[endX-1] == y[endY-1] {
		endX--
		endY--
	}
	out := make([]DiffLine, 0, len(x)+len(y)-endY)
	out = appendLines(out, ' ', x[:start])
	mx, my := x[start:endX], y[start:endY]
	if len(mx)*len(my) > maxDiffCells {
		out = appendLines(out, '-', mx)
		out = appendLines(out, '+', my)
	} else {
		for _, op := range difflib.NewMatcher(mx, my).GetOpCodes() {
			switch op.Tag {
			case 'e':
				out = appendLines(out, ' ', mx[op.I1:op.I2])
			case 'd':
				out = appendLines(out, '-', mx[op.I1:op.I2])
			case 'i':
				out = appendLines(out, '+', my[op.J1:op.J2])
			case 'r':
				out = appendLines(out, '-', mx[op.I1:op.I2])
				out = appendLines(out, '+', my[op.J1:op.J2])
			}
		}
	}
	return appendLines(out, ' ', x[endX:])
}

func appendLines(out []DiffLine, op byte, lines []string) []DiffLine {
	for _, l := range lines {
		out = append(out, DiffLine{Op: op, Text: l})
	}
	return out
}

// splitLines splits text into lines; a final newline does not start another line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
