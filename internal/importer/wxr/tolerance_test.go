package wxr_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer/wxr"
)

// Ensure CDATA split across sections is joined, and white space and backslashes are kept
// where they belong.
func TestRead_SplitCDATA(t *testing.T) {
	c := readFile(t, "split-cdata.xml")
	if len(c.warnings) != 0 {
		t.Errorf("warnings = %q, want none", c.warnings)
	}
	if got, want := c.sites[0].Title, "Split sections"; got != want {
		t.Errorf("site title = %q, want %q", got, want)
	}
	if len(c.items) != 1 {
		t.Fatalf("got %d items, want 1", len(c.items))
	}
	it := c.items[0]
	if got, want := it.Title, "Arrays: a[b[0]]]> and more"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	wantContent := `<pre>if (x[y[1]]> 0) { path = "C:\\temp\new"; }</pre>` + "\n<p>Second part with &amp; kept as written.</p>"
	if it.Content != wantContent {
		t.Errorf("content = %q, want %q", it.Content, wantContent)
	}
	if got, want := it.Excerpt, `Plain text & an entity, then a section and a backslash \' here.`; got != want {
		t.Errorf("excerpt = %q, want %q", got, want)
	}
	if it.PostID != 7 {
		t.Errorf("post id = %d, want 7", it.PostID)
	}
	wantMeta := []wxr.Meta{{Key: "_serialized", Value: `a:1:{s:3:"key";s:6:"]]>here";}`}, {Key: "_thumbnail_id", Value: "40"}}
	if !reflect.DeepEqual(it.Meta, wantMeta) {
		t.Errorf("meta = %q, want %q", it.Meta, wantMeta)
	}
}

// Ensure elements are matched by namespace URI, whatever their prefix and wherever it is
// bound or rebound.
func TestRead_NamespacesByURI(t *testing.T) {
	c := readFile(t, "namespaces.xml")
	if len(c.warnings) != 0 {
		t.Errorf("warnings = %q, want none", c.warnings)
	}
	if got, want := c.sites[0], (wxr.Site{Title: "Namespaces", Version: "1.1", BaseSiteURL: "https://ns.example.org"}); got != want {
		t.Errorf("site = %+v, want %+v", got, want)
	}
	type brief struct {
		ID                       int64
		Type, Creator, Body, Exc string
	}
	var got []brief
	for _, it := range c.items {
		got = append(got, brief{it.PostID, it.PostType, it.Creator, it.Content, it.Excerpt})
	}
	want := []brief{
		{1, "", "lena", "First body", "First summary"},
		{2, "", "", "Second body", ""},
		{3, "page", "", "", ""},
		{4, "", "", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("items = %+v\nwant %+v", got, want)
	}
	if cs := c.items[0].Comments; len(cs) != 1 || cs[0].ID != 11 || cs[0].Approved != "1" {
		t.Errorf("comments = %+v, want one with ID 11", cs)
	}
}

// Ensure a missing or unknown WXR version is a warning and the file is still read.
func TestRead_Version(t *testing.T) {
	const doc = `<?xml version="1.0"?>
<rss xmlns:wp="http://wordpress.org/export/1.0/"><channel><title>T</title>%s
<item><wp:post_id>5</wp:post_id></item></channel></rss>`
	for _, tc := range []struct {
		name, version, warning string
	}{
		{"Missing", "", `line 3: the file has no wp:wxr_version; read as WXR 1.2`},
		{"Unknown", "<wp:wxr_version>2.0</wp:wxr_version>", `line 3: unknown WXR version "2.0"; read as WXR 1.2`},
		{"Known10", "<wp:wxr_version>1.0</wp:wxr_version>", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := readString(t, strings.Replace(doc, "%s", tc.version, 1))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tc.warning != "" {
				want = []string{tc.warning}
			}
			if !reflect.DeepEqual(c.warnings, want) {
				t.Errorf("warnings = %q, want %q", c.warnings, want)
			}
			if len(c.items) != 1 || c.items[0].PostID != 5 {
				t.Errorf("items = %+v, want one with ID 5", c.items)
			}
		})
	}
}

// Ensure characters XML 1.0 forbids are replaced instead of stopping the read, and
// valid UTF-8 around them is kept.
func TestRead_InvalidCharacters(t *testing.T) {
	doc := "<?xml version=\"1.0\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>" +
		"<wp:wxr_version>1.2</wp:wxr_version><item>" +
		"<title>Fi\x0cbre \x01and\x1f café</title>" +
		"<wp:comment><wp:comment_content><![CDATA[Bad \xff byte, \xef\xbf\xbe non-character, ok: Grüße 💊\x08]]></wp:comment_content></wp:comment>" +
		"</item></channel></rss>"
	c, err := readString(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.items[0].Title, "Fi bre  and  café"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := c.items[0].Comments[0].Content, "Bad \uFFFD byte, \uFFFD non-character, ok: Grüße 💊 "; got != want {
		t.Errorf("comment = %q, want %q", got, want)
	}
	if want := []string{"replaced 6 characters that XML does not allow"}; !reflect.DeepEqual(c.warnings, want) {
		t.Errorf("warnings = %q, want %q", c.warnings, want)
	}
}

// Ensure a multi-byte character cut between two reads of the source is kept whole.
func TestRead_CharacterAcrossReads(t *testing.T) {
	doc := "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><wp:wxr_version>1.2</wp:wxr_version>" +
		"<item><title>" + strings.Repeat("é💊", 20000) + "</title></item></channel></rss>"
	c := &collector{}
	if err := wxr.Read(&oneByteThenRest{s: doc}, c); err != nil {
		t.Fatal(err)
	}
	if len(c.warnings) != 0 {
		t.Errorf("warnings = %q, want none", c.warnings)
	}
	if got, want := c.items[0].Title, strings.Repeat("é💊", 20000); got != want {
		t.Errorf("title differs: %d bytes, want %d", len(got), len(want))
	}
}

// oneByteThenRest returns odd-sized reads so characters are cut in the middle.
type oneByteThenRest struct {
	s string
	n int
}

func (r *oneByteThenRest) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	r.n++
	size := 1 + r.n%7
	if size > len(p) {
		size = len(p)
	}
	if size > len(r.s) {
		size = len(r.s)
	}
	copy(p, r.s[:size])
	r.s = r.s[size:]
	return size, nil
}

// Ensure a cut file stops with its line and column, after the items before the cut
// were delivered.
func TestRead_Truncated(t *testing.T) {
	f, err := os.Open("testdata/truncated.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &collector{}
	err = wxr.Read(f, c)
	var se *wxr.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *wxr.SyntaxError", err)
	}
	lastLine := `    <content:encoded><![CDATA[<p>The download st`
	if se.Line != 11 || se.Column != len(lastLine)+1 {
		t.Errorf("position = line %d, column %d; want line 11, column %d", se.Line, se.Column, len(lastLine)+1)
	}
	if want := "wxr: line 11, column 49: unexpected EOF in CDATA section"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if len(c.items) != 2 || c.items[0].Title != "One" || c.items[1].Title != "Two" {
		t.Errorf("items = %+v, want One and Two", c.items)
	}
}

// Ensure a file broken in the middle reports where.
func TestRead_NotWellFormed(t *testing.T) {
	doc := "<rss>\n<channel>\n  <item><title>A</titel></item>\n</channel></rss>"
	_, err := readString(t, doc)
	var se *wxr.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *wxr.SyntaxError", err)
	}
	if se.Line != 3 || !strings.HasPrefix(err.Error(), "wxr: line 3, column ") || !strings.Contains(se.Msg, "titel") {
		t.Errorf("err = %q (line %d, column %d)", err, se.Line, se.Column)
	}
}

// Ensure a prefix used without a declaration is read as its usual namespace.
func TestRead_UndeclaredPrefix(t *testing.T) {
	doc := `<rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><wp:post_id>9</wp:post_id>` +
		`<dc:creator>omar</dc:creator><content:encoded>Body</content:encoded></item></channel></rss>`
	c, err := readString(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if it := c.items[0]; it.PostID != 9 || it.Creator != "omar" || it.Content != "Body" || c.sites[0].Version != "1.2" {
		t.Errorf("item = %+v, site = %+v", it, c.sites[0])
	}
}

// Ensure exports in another encoding than UTF-8 are converted: old sites wrote
// ISO-8859-1 or windows-1252, and an editor may have saved the file as UTF-16.
func TestRead_Encodings(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="%s"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>%s</title><wp:post_id>5</wp:post_id></item></channel></rss>`
	utf16le := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8)) // every character here is in the BMP
		}
		return string(b)
	}
	for _, tc := range []struct {
		name, file, title, warning string
	}{
		{"Latin1", fmt.Sprintf(doc, "ISO-8859-1", "Caf\xe9 \xabau lait\xbb"), "Café «au lait»", ""},
		{"Windows1252", fmt.Sprintf(doc, "windows-1252", "\x93Quoted\x94 \x80"), "“Quoted” €", ""},
		{"UTF8BOM", "\xEF\xBB\xBF" + fmt.Sprintf(doc, "UTF-8", "Café"), "Café", ""},
		{"UTF16", utf16le(fmt.Sprintf(doc, "UTF-16", "Café ☕")), "Café ☕", ""},
		{"Unknown", fmt.Sprintf(doc, "x-klingon", "Plain"), "Plain",
			`line 1: the file declares the encoding "x-klingon", which is not known here; it is read as UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := readString(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.items) != 1 || c.items[0].Title != tc.title {
				t.Fatalf("items = %+v, want one titled %q", c.items, tc.title)
			}
			var want []string
			if tc.warning != "" {
				want = []string{tc.warning}
			}
			if !reflect.DeepEqual(c.warnings, want) {
				t.Errorf("warnings = %q, want %q", c.warnings, want)
			}
		})
	}
}
