package importer_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/model"
)

// importString imports an export given as text.
func (f *fixture) importString(t *testing.T, export string, opts importer.Options) (importer.Result, error) {
	t.Helper()
	return f.svc.ImportWordPress(context.Background(), strings.NewReader(export), opts)
}

// Ensure every imported post and page keeps its old addresses: the permalink's path,
// /?p=ID and, for pages, /?page_id=ID, each leading to the article it became.
func TestImportWordPress_OldAddresses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res := f.importFile(t, smallSite, keepPublished)
	want := map[string]string{
		"/2024/03/afternoon-coffee-sleep": "afternoon-coffee-sleep",
		"/?p=21":                          "afternoon-coffee-sleep",
		"/2024/05/naps-how-long":          "naps-how-long",
		"/?p=34":                          "naps-how-long",
		"/about":                          "about",
		"/?p=2":                           "about",
		"/?page_id=2":                     "about",
	}
	for address, slug := range want {
		target, err := f.st.OldAddress(ctx, address)
		if err != nil || target.Slug != slug {
			t.Errorf("OldAddress(%q) = %+v, %v; want %q", address, target, err, slug)
		}
	}
	if res.Redirects != len(want) {
		t.Errorf("Redirects = %d, want %d", res.Redirects, len(want))
	}
	for _, address := range []string{"/?p=40", "/2024/05/naps-how-long/nap", "/?p=50", "/"} {
		if target, err := f.st.OldAddress(ctx, address); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("OldAddress(%q) = %+v, %v; want not found (skipped items keep no address)", address, target, err)
		}
	}
	again := f.importFile(t, smallSite, keepPublished)
	if again.Redirects != 0 || len(again.Warnings) != len(res.Warnings) {
		t.Errorf("second import: %d redirects, warnings %q (first: %q); want none new", again.Redirects, again.Warnings, res.Warnings)
	}
}

// Ensure an address another import claimed first stays with its article, with a
// warning naming it.
func TestImportWordPress_OldAddressTakenWarns(t *testing.T) {
	f := newFixture(t)
	f.importFile(t, smallSite, keepPublished)
	res, err := f.importString(t, `<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<link>https://other.example.org</link><wp:base_site_url>https://other.example.org</wp:base_site_url>
<item><title>Other coffee</title><link>https://other.example.org/2024/03/afternoon-coffee-sleep/</link>
<wp:post_id>21</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>
</channel></rss>`, keepPublished)
	if err != nil {
		t.Fatal(err)
	}
	if res.Redirects != 0 || !containsWarning(res.Warnings, `old address /2024/03/afternoon-coffee-sleep leads to "afternoon-coffee-sleep" already`) ||
		!containsWarning(res.Warnings, `old address /?p=21 leads to "afternoon-coffee-sleep" already`) {
		t.Errorf("redirects %d, warnings %q", res.Redirects, res.Warnings)
	}
	target, err := f.st.OldAddress(context.Background(), "/?p=21")
	if err != nil || target.Slug != "afternoon-coffee-sleep" {
		t.Errorf("/?p=21 leads to %+v, %v", target, err)
	}
}

// Ensure a slug WordPress kept percent-encoded is read as the letters it encodes.
func TestImportWordPress_PercentEncodedSlug(t *testing.T) {
	f := newFixture(t)
	res, err := f.importString(t, `<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>Café au lait</title><link>https://cafe.example.org/2024/01/caf%c3%a9-au-lait/</link>
<wp:post_id>7</wp:post_id><wp:post_name>caf%c3%a9-au-lait</wp:post_name>
<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>
</channel></rss>`, keepPublished)
	if err != nil {
		t.Fatal(err)
	}
	if a := f.article(t, "cafe-au-lait"); a.Title != "Café au lait" {
		t.Errorf("article at cafe-au-lait is %q", a.Title)
	}
	target, err := f.st.OldAddress(context.Background(), "/2024/01/café-au-lait")
	if err != nil || target.Slug != "cafe-au-lait" {
		t.Errorf("the decoded old path leads to %+v, %v", target, err)
	}
	if !containsWarning(res.Warnings, `its address "café-au-lait" is taken or not one of ours here; it is now "cafe-au-lait"`) {
		t.Errorf("warnings %q do not name the decoded slug and the new one", res.Warnings)
	}
}

func containsWarning(warnings []string, part string) bool {
	for _, w := range warnings {
		if strings.Contains(w, part) {
			return true
		}
	}
	return false
}

// Ensure importing a later export of the same site, taken at the switch-over, brings
// in only what was written on the old site since: a new post and a new reply to a post
// imported before, threaded under its imported parent.
func TestImportWordPress_LaterExportAddsWhatIsNew(t *testing.T) {
	f := newFixture(t)
	f.importFile(t, smallSite, keepPublished)
	data, err := os.ReadFile(smallSite)
	if err != nil {
		t.Fatal(err)
	}
	later := strings.Replace(string(data), "</item>", `<wp:comment><wp:comment_id>399</wp:comment_id>
<wp:comment_author>Late Reader</wp:comment_author><wp:comment_content>Written after the first export.</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>301</wp:comment_parent>
<wp:comment_date_gmt>2026-02-01 10:00:00</wp:comment_date_gmt></wp:comment></item>`, 1)
	later = strings.Replace(later, "</channel>", `<item><title>New since</title><dc:creator>lena</dc:creator>
<link>https://notes.example.org/2026/02/new-since/</link><wp:post_id>99</wp:post_id><wp:post_name>new-since</wp:post_name>
<wp:post_date_gmt>2026-02-01 09:00:00</wp:post_date_gmt><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel>`, 1)
	res, err := f.importString(t, later, keepPublished)
	if err != nil {
		t.Fatal(err)
	}
	if res.Articles != 1 || res.Comments[model.CommentApproved] != 1 || res.AlreadyImported != 3+6 || res.Authors != 0 || res.Redirects != 2 {
		t.Errorf("second import: %d articles, replies %v, already %d, authors %d, redirects %d; want 1, 1 approved, 9, 0, 2",
			res.Articles, res.Comments, res.AlreadyImported, res.Authors, res.Redirects)
	}
	replies := f.replies(t)
	late, first := replies["Late Reader"], replies["Hana K."]
	if !late.ParentID.Valid || late.ParentID.Int64 != first.ID {
		t.Errorf("the late reply's parent is %v, want the imported reply %d", late.ParentID, first.ID)
	}
	if a := f.article(t, "new-since"); a.Title != "New since" {
		t.Errorf("new post: %q", a.Title)
	}
}

// Ensure an excerpt becomes a plain-text summary, as summaries are shown: markup
// removed and entities decoded, nothing escaped for Markdown.
func TestImportWordPress_ExcerptIsPlainText(t *testing.T) {
	f := newFixture(t)
	_, err := f.importString(t, `<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"><channel>
<item><title>Portions</title><wp:post_id>7</wp:post_id><wp:post_name>portions</wp:post_name>
<excerpt:encoded><![CDATA[<p>Eat 5*2 portions_daily [not a link] <b>bold</b> &amp; more.</p>
<p>1. Start here</p>]]></excerpt:encoded>
<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>
</channel></rss>`, keepPublished)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.article(t, "portions").Summary, "Eat 5*2 portions_daily [not a link] bold & more. 1. Start here"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}
