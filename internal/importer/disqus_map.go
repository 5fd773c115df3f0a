package importer

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// DisqusMapEntry is one line of a thread map: a Disqus thread and the article here
// its posts belong to.
type DisqusMapEntry struct {
	Line int
	// Thread is the thread's link as the export writes it (compared without scheme,
	// fragment or trailing slash) or its dsq:id.
	Thread string
	// Address is an article here: its slug, its address (/articles/SLUG,
	// /pages/SLUG, with or without the site's host) or an old address it answers.
	Address string
}

// MapError is a line of a thread map that cannot be used.
type MapError struct {
	Line int
	Msg  string
}

func (e *MapError) Error() string { return fmt.Sprintf("map line %d: %s", e.Line, e.Msg) }

// ParseDisqusMap reads a thread map: one thread a line, its link or dsq:id then our
// address or slug, separated by spaces or tabs. Blank lines are ignored, and so is
// everything from a # that starts a line or follows a space.
//
// Returns a *MapError for a line that is not two fields or names a thread already
// mapped, or the read error of r.
func ParseDisqusMap(r io.Reader) ([]DisqusMapEntry, error) {
	var entries []DisqusMapEntry
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i == 0 {
			line = ""
		} else if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		} else if i := strings.Index(line, "\t#"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case len(fields) != 2:
			return nil, &MapError{Line: n, Msg: fmt.Sprintf("want a Disqus thread's link or dsq:id, then an address or slug here; got %d fields", len(fields))}
		}
		key := linkKey(fields[0])
		if first, ok := seen[key]; ok {
			return nil, &MapError{Line: n, Msg: fmt.Sprintf("the thread %q is mapped already on line %d", fields[0], first)}
		}
		seen[key] = n
		entries = append(entries, DisqusMapEntry{Line: n, Thread: fields[0], Address: fields[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("map: %w", err)
	}
	return entries, nil
}
