package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer/wxr"
)

// cutSite is a whole export with authors, posts, a page, tags and replies, written to
// be cut.
const cutSite = "testdata/cut-site.xml"

// cutTables are the tables an import writes to.
var cutTables = []string{"users", "articles", "comments", "tags", "article_tags", "import_sources", "revisions"}

// counts returns the number of rows of each table an import writes to.
func (f *fixture) counts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range cutTables {
		out[table] = f.count(t, table)
	}
	return out
}

// cutPlaces returns the offsets to cut data at, each with a name: every 5% of the
// file, and inside a CDATA section, a start tag, an end tag, an entity, a character
// reference and an attribute value, and right after an item.
func cutPlaces(t *testing.T, data []byte) map[string]int {
	t.Helper()
	places := map[string]int{}
	for p := 5; p < 100; p += 5 {
		places[fmt.Sprintf("At%d%%", p)] = len(data) * p / 100
	}
	inside := map[string]struct {
		marker string
		into   int
	}{
		"InCDATA":          {"<![CDATA[<p>Muscle cramps", 15},
		"InCDATAOpening":   {"<![CDATA[<h2>", 4},
		"InStartTag":       {"<wp:comment_author_email>mira", 8},
		"InEndTag":         {"</wp:post_type>\n    <category", 6},
		"InEntity":         {"&amp; water", 3},
		"InCharReference":  {"&#8212;", 4},
		"InAttributeValue": {`nicename="first-aid"`, 12},
		"AfterFirstItem":   {"</item>\n", 8},
		"BeforeChannelEnd": {"</channel>", 0},
		"InRSSEndTag":      {"</rss>", 3},
	}
	for name, in := range inside {
		i := bytes.Index(data, []byte(in.marker))
		if i < 0 {
			t.Fatalf("%s: %q is not in the export", name, in.marker)
		}
		places[name] = i + in.into
	}
	return places
}

// position returns the line and column (in bytes, from 1) just after data.
func position(data []byte) (line, col int) {
	return 1 + bytes.Count(data, []byte("\n")), len(data) - bytes.LastIndexByte(data, '\n')
}

// Ensure an export cut anywhere (every 5% of the file, inside a CDATA section, a tag,
// an entity, an attribute, between items) stops with the line and column where it
// ends, and leaves a database that held an earlier import exactly as it was; and that
// the whole file then imports.
func TestImportWordPress_CutAnywhereLeavesDatabaseAsItWas(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.importFile(t, smallSite, keepPublished)
	before := f.counts(t)
	if before["articles"] == 0 || before["comments"] == 0 {
		t.Fatalf("the earlier import brought in nothing: %v", before)
	}
	data, err := os.ReadFile(cutSite)
	if err != nil {
		t.Fatal(err)
	}
	for name, at := range cutPlaces(t, data) {
		t.Run(name, func(t *testing.T) {
			cut := data[:at]
			_, err := f.svc.ImportWordPress(context.Background(), bytes.NewReader(cut), keepPublished)
			var se *wxr.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("cut at byte %d: error %v, want a *wxr.SyntaxError", at, err)
			}
			line, col := position(cut)
			if se.Line != line || se.Column != col {
				t.Errorf("cut at byte %d: %q; want line %d, column %d", at, err, line, col)
			}
			if want := fmt.Sprintf("line %d, column %d", line, col); !strings.Contains(err.Error(), want) {
				t.Errorf("the error %q does not say %q", err, want)
			}
			if after := f.counts(t); !reflect.DeepEqual(after, before) {
				t.Errorf("cut at byte %d: rows %v, were %v", at, after, before)
			}
		})
	}

	// The file whole brings in what the cuts did not, so the cuts had something to leave out.
	res := f.importFile(t, cutSite, keepPublished)
	if res.Articles != 2 || res.Pages != 1 || res.Authors != 2 || res.Comments["approved"] != 2 {
		t.Errorf("the whole file: %+v", res)
	}
	after := f.counts(t)
	for _, table := range []string{"users", "articles", "comments", "import_sources"} {
		if after[table] <= before[table] {
			t.Errorf("%s: %d rows after the whole file, %d before", table, after[table], before[table])
		}
	}
}
