package wxr_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/importer/wxr"
)

// readBack reads an export written by a Writer, failing on an error or a warning:
// what the Writer writes must be a clean WXR 1.2 file.
func readBack(t *testing.T, doc []byte) *collector {
	t.Helper()
	c := &collector{}
	if err := wxr.Read(bytes.NewReader(doc), c); err != nil {
		t.Fatalf("Read: %v\n%s", err, doc)
	}
	if len(c.warnings) > 0 {
		t.Errorf("Read warned: %q", c.warnings)
	}
	return c
}

// asRead is s as a reader gets it back from a Writer: without the characters XML
// forbids, and with XML's line-end normalisation.
func asRead(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ReplaceAll(strings.ReplaceAll(b.String(), "\r\n", "\n"), "\r", "\n")
}

// Ensure everything a Writer writes is read back by Read as it was given: site,
// authors, terms, items with terms, meta and comments, whether the item's comments
// are given with it or one by one, and text that ends a CDATA section.
func TestWriter_RoundTrip(t *testing.T) {
	t.Parallel()
	site := wxr.Site{Title: "Fascicle & friends", Link: "https://health.example", BaseSiteURL: "https://health.example", BaseBlogURL: "https://health.example", Version: "1.2"}
	authors := []wxr.Author{
		{ID: 3, Login: "ada", Email: "ada@example.com", DisplayName: "Ada <Lovelace>", FirstName: "Ada", LastName: "Lovelace"},
		{ID: 7, Login: "grace-hopper", DisplayName: "Grace Hopper"},
	}
	terms := []wxr.Term{
		{Kind: "category", ID: 1, Slug: "sleep", Name: "Sleep & rest", Description: "All about ]]> sleep"},
		{Kind: "post_tag", ID: 2, Slug: "caffeine", Name: "Caffeine"},
		{Kind: "series", ID: 3, Slug: "winter", Name: "Winter", Parent: "seasons"},
	}
	post := wxr.Item{
		PostID: 10, Title: "Coffee, ]]> and sleep", Link: "https://health.example/articles/coffee", GUID: "https://health.example/?p=10&x=\"1\"",
		Creator: "ada", Content: "<p>Caffeine]]>lingers</p>\n<script>alert(1)</script>]]]]>", Excerpt: "Short <em>summary</em>",
		PostType: "post", Status: "publish", Slug: "coffee", CommentStatus: "open", Password: "",
		PostDate: date("2024-03-12 08:30:00"), PostDateGMT: date("2024-03-12 07:30:00"),
		Terms: []wxr.Term{{Kind: "post_tag", Slug: "caffeine", Name: "Caffeine"}, {Kind: "category", Slug: "a\"b", Name: "A & B"}},
		Meta:  []wxr.Meta{{Key: "_thumbnail_id", Value: "a:1:{s:3:\"]]>\";}"}},
		Comments: []wxr.Comment{
			{ID: 100, Author: "Reader", AuthorEmail: "reader@example.org", AuthorURL: "https://reader.example/?a=1&b=2",
				Content: "Thanks!\n\nSecond ]]> paragraph", Approved: "1", Type: "comment",
				Date: date("2024-03-13 09:00:00"), DateGMT: date("2024-03-13 08:00:00")},
			{ID: 101, ParentID: 100, UserID: 3, Author: "Ada", AuthorEmail: "ada@example.com", Content: "You are welcome.",
				Approved: "0", Type: "comment", Date: date("2024-03-13 10:00:00"), DateGMT: date("2024-03-13 09:00:00"),
				Meta: []wxr.Meta{{Key: "akismet_result", Value: "false"}}},
		},
	}
	page := wxr.Item{
		PostID: 11, Title: "About", PostType: "page", Status: "draft", Slug: "about", CommentStatus: "closed",
		Creator: "grace-hopper", Content: "<p>Who we are</p>", MenuOrder: 2, Password: "secret",
		PostDate: date("2024-01-01 00:00:00"), PostDateGMT: date("2024-01-01 00:00:00"),
	}
	pageComments := []wxr.Comment{
		{ID: 200, Author: "Spammer", Content: "buy", Approved: "spam", Type: "comment", Date: date("2024-01-02 00:00:00"), DateGMT: date("2024-01-02 00:00:00")},
		{ID: 201, Author: "Gone", Content: "bye", Approved: "trash", Type: "comment", Date: date("2024-01-03 00:00:00"), DateGMT: date("2024-01-03 00:00:00")},
	}

	var buf bytes.Buffer
	w := wxr.NewWriter(&buf)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Site(site))
	for _, a := range authors {
		must(w.Author(a))
	}
	for _, term := range terms {
		must(w.Term(term))
	}
	must(w.Item(post))
	must(w.OpenItem(page))
	for _, c := range pageComments {
		must(w.Comment(c))
	}
	must(w.CloseItem())
	must(w.Close())

	doc := buf.String()
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8" ?>`,
		`xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"`,
		`xmlns:content="http://purl.org/rss/1.0/modules/content/"`,
		`xmlns:wfw="http://wellformedweb.org/CommentAPI/"`,
		`xmlns:dc="http://purl.org/dc/elements/1.1/"`,
		`xmlns:wp="http://wordpress.org/export/1.2/"`,
		`<wp:wxr_version>1.2</wp:wxr_version>`,
		`<guid isPermaLink="false">https://health.example/?p=10&amp;x="1"</guid>`,
		`<category domain="category" nicename="a&quot;b"><![CDATA[A & B]]></category>`,
		`<![CDATA[<p>Caffeine]]]]><![CDATA[>lingers</p>`,
		`<wp:comment_author_IP><![CDATA[]]></wp:comment_author_IP>`,
		`<wp:is_sticky>0</wp:is_sticky>`,
		`<wp:ping_status><![CDATA[closed]]></wp:ping_status>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	if !strings.HasSuffix(doc, "</channel>\n</rss>\n") {
		t.Errorf("the export does not end with </channel></rss>:\n%s", doc[max(0, len(doc)-200):])
	}

	got := readBack(t, buf.Bytes())
	if !reflect.DeepEqual(got.sites, []wxr.Site{site}) {
		t.Errorf("site %+v, want %+v", got.sites, site)
	}
	if !reflect.DeepEqual(got.authors, authors) {
		t.Errorf("authors\n%+v, want\n%+v", got.authors, authors)
	}
	if !reflect.DeepEqual(got.terms, terms) {
		t.Errorf("terms\n%+v, want\n%+v", got.terms, terms)
	}
	page.Comments = pageComments
	want := []wxr.Item{post, page}
	if len(got.items) != len(want) {
		t.Fatalf("%d items read back, want %d", len(got.items), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got.items[i], want[i]) {
			t.Errorf("item %d\n got %+v\nwant %+v", i, got.items[i], want[i])
		}
	}
}

// Ensure every hostile string comes back from a written export as it was given, less
// only the characters XML cannot hold, and that no such character is ever written:
// the file stays well-formed whatever the site holds.
func TestWriter_HostileText(t *testing.T) {
	t.Parallel()
	corpus := hostile.Corpus(t)
	var buf bytes.Buffer
	w := wxr.NewWriter(&buf)
	if err := w.Site(wxr.Site{Title: "Hostile", Link: "https://h.example"}); err != nil {
		t.Fatal(err)
	}
	for i, s := range corpus {
		it := wxr.Item{PostID: int64(i + 1), Title: s, Content: s, Excerpt: s, Creator: s, PostType: "post", Status: "publish",
			Terms:    []wxr.Term{{Kind: "post_tag", Slug: s, Name: s}},
			Comments: []wxr.Comment{{ID: int64(i + 1), Author: s, AuthorEmail: s, AuthorURL: s, Content: s, Approved: "1"}}}
		if err := w.Item(it); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if bad := bytes.IndexFunc(buf.Bytes(), func(r rune) bool {
		return r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
	}); bad >= 0 {
		t.Errorf("the export holds a character XML forbids at byte %d: %q", bad, buf.Bytes()[bad:min(bad+20, buf.Len())])
	}
	got := readBack(t, buf.Bytes())
	if len(got.items) != len(corpus) {
		t.Fatalf("%d items read back, want %d", len(got.items), len(corpus))
	}
	for i, s := range corpus {
		it, text := got.items[i], asRead(s)
		trimmed := strings.TrimSpace(text)
		c := it.Comments[0]
		if it.Content != text || it.Excerpt != text || c.Content != text {
			t.Errorf("%q: content %q, excerpt %q, comment %q", s, it.Content, it.Excerpt, c.Content)
		}
		if it.Title != trimmed || it.Creator != trimmed || c.Author != trimmed || c.AuthorEmail != trimmed || c.AuthorURL != trimmed {
			t.Errorf("%q: title %q, creator %q, author %q, email %q, website %q", s, it.Title, it.Creator, c.Author, c.AuthorEmail, c.AuthorURL)
		}
		if term := it.Terms[0]; term.Slug != text || term.Name != trimmed {
			t.Errorf("%q: tag %q (%q)", s, term.Name, term.Slug)
		}
	}
}

// Ensure a Writer refuses parts out of order, and keeps refusing after the first
// error, instead of writing a file WordPress would misread.
func TestWriter_Order(t *testing.T) {
	t.Parallel()
	site := wxr.Site{Title: "t"}
	cases := []struct {
		name  string
		steps func(w *wxr.Writer) error
	}{
		{"ItemBeforeSite", func(w *wxr.Writer) error { return w.Item(wxr.Item{}) }},
		{"CloseBeforeSite", func(w *wxr.Writer) error { return w.Close() }},
		{"SiteTwice", func(w *wxr.Writer) error { w.Site(site); return w.Site(site) }},
		{"AuthorAfterItem", func(w *wxr.Writer) error {
			w.Site(site)
			w.Item(wxr.Item{})
			return w.Author(wxr.Author{})
		}},
		{"TermAfterItem", func(w *wxr.Writer) error {
			w.Site(site)
			w.Item(wxr.Item{})
			return w.Term(wxr.Term{})
		}},
		{"CommentWithoutItem", func(w *wxr.Writer) error { w.Site(site); return w.Comment(wxr.Comment{}) }},
		{"CommentAfterCloseItem", func(w *wxr.Writer) error {
			w.Site(site)
			w.OpenItem(wxr.Item{})
			w.CloseItem()
			return w.Comment(wxr.Comment{})
		}},
		{"ItemAfterClose", func(w *wxr.Writer) error { w.Site(site); w.Close(); return w.Item(wxr.Item{}) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := wxr.NewWriter(io.Discard)
			if err := tc.steps(w); !errors.Is(err, wxr.ErrWriteOrder) {
				t.Errorf("error %v, want ErrWriteOrder", err)
			}
			if err := w.Close(); !errors.Is(err, wxr.ErrWriteOrder) {
				t.Errorf("Close after the error: %v, want ErrWriteOrder", err)
			}
		})
	}
	t.Run("OpenItemClosesTheOpenOne", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		w := wxr.NewWriter(&buf)
		w.Site(site)
		w.OpenItem(wxr.Item{PostID: 1})
		w.OpenItem(wxr.Item{PostID: 2})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := readBack(t, buf.Bytes())
		if len(got.items) != 2 || got.items[0].PostID != 1 || got.items[1].PostID != 2 {
			t.Errorf("items %+v", got.items)
		}
	})
}
