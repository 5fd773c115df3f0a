package importer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/importer/disqus"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

// smallDisqus is the Disqus export of the small site's first post.
const smallDisqus = "disqus/testdata/small-disqus.xml"

// coffeeOldAddress is the old address of the small site's first post, which the
// small Disqus export's thread links to.
const coffeeOldAddress = "/2024/03/afternoon-coffee-sleep"

// addArticle saves a published article (or page) at slug and returns its ID.
func (f *fixture) addArticle(t testing.TB, slug string, kind model.ArticleKind) int64 {
	t.Helper()
	ctx := context.Background()
	email := "author-" + slug + "@staff.example"
	u := &model.User{Name: "Author of " + slug, Email: &email, Role: model.RoleAuthor}
	if err := f.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	a := &model.Article{Slug: slug, Title: "Title of " + slug, Status: model.ArticlePublished, AuthorID: u.ID,
		Kind: kind, PublishedAt: &f.now, CommentsOpen: true}
	if err := f.st.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// addOldAddress keeps path as an old address of the article id.
func (f *fixture) addOldAddress(t *testing.T, path string, id int64) {
	t.Helper()
	if ok, err := f.st.AddOldAddress(context.Background(), model.OldPathAddress(path), id, f.now); err != nil || !ok {
		t.Fatalf("AddOldAddress(%s): %v, %v", path, ok, err)
	}
}

// importDisqus imports the Disqus export doc with opts.
func (f *fixture) importDisqus(doc string, opts importer.DisqusOptions) (importer.Result, error) {
	return f.svc.ImportDisqus(context.Background(), strings.NewReader(doc), opts)
}

// mustImportDisqus imports doc and fails the test on an error.
func (f *fixture) mustImportDisqus(t *testing.T, doc string, opts importer.DisqusOptions) importer.Result {
	t.Helper()
	res, err := f.importDisqus(doc, opts)
	if err != nil {
		t.Fatalf("ImportDisqus: %v", err)
	}
	return res
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// disqusExport wraps body in the root element of a Disqus export.
func disqusExport(body string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">` + body + "</disqus>\n"
}

// thread is a <thread> of the forum "oldforum".
func thread(id int, link string) string {
	return fmt.Sprintf(`<thread dsq:id="%d"><id/><forum>oldforum</forum><link>%s</link><title>T%d</title></thread>`, id, link, id)
}

// post is a <post> named name on thread, answering parent (0 for none).
func post(id, threadID, parent int, name string) string {
	p := ""
	if parent != 0 {
		p = fmt.Sprintf(`<parent dsq:id="%d"/>`, parent)
	}
	return fmt.Sprintf(`<post dsq:id="%d"><id/><message><![CDATA[<p>Text of %s</p>]]></message><createdAt>2024-05-0%dT10:00:00Z</createdAt>
<author><name>%s</name></author><thread dsq:id="%d"/>%s</post>`, id, name, id%9+1, name, threadID, p)
}

// Ensure the small export's posts come in on the article its thread's old address
// leads to, with statuses, threads, names, dates, sealed emails and plain text.
func TestImportDisqus_SmallExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	articleID := f.addArticle(t, "afternoon-coffee-sleep", model.KindArticle)
	f.addOldAddress(t, coffeeOldAddress+"/", articleID)
	res := f.mustImportDisqus(t, readFile(t, smallDisqus), importer.DisqusOptions{})

	want := map[model.CommentStatus]int{model.CommentApproved: 2, model.CommentTrash: 1, model.CommentSpam: 1}
	if !reflect.DeepEqual(res.Comments, want) || len(res.Skipped) != 0 || res.AlreadyImported != 0 {
		t.Errorf("comments %v, skipped %v, already %d; want %v and nothing else", res.Comments, res.Skipped, res.AlreadyImported, want)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
	rs := f.replies(t)
	ines, lena, guest, pills := rs["Inês"], rs["Lena Hart"], rs["Guest"], rs["pills"]
	for name, r := range map[string]reply{"Inês": ines, "Lena Hart": lena, "Guest": guest, "pills": pills} {
		if r.ArticleID != articleID {
			t.Errorf("%s: article %d, want %d", name, r.ArticleID, articleID)
		}
	}
	if ines.Status != "approved" || lena.Status != "approved" || guest.Status != "trash" || pills.Status != "spam" {
		t.Errorf("statuses %q %q %q %q", ines.Status, lena.Status, guest.Status, pills.Status)
	}
	if ines.ParentID.Valid || !lena.ParentID.Valid || lena.ParentID.Int64 != ines.ID || guest.ParentID.Valid {
		t.Errorf("parents: Inês %v, Lena %v (want %d), Guest %v", ines.ParentID, lena.ParentID, ines.ID, guest.ParentID)
	}
	if !ines.CreatedAt.Equal(time.Date(2024, 3, 20, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v", ines.CreatedAt)
	}
	if ines.Body != "Does decaf still have some caffeine?" {
		t.Errorf("body %q", ines.Body)
	}
	if pills.Body != "Cheap pills here (http://pills.example.net/)" {
		t.Errorf("spam body %q", pills.Body)
	}
	if ines.URL != "" || pills.URL != "" {
		t.Errorf("websites %q, %q; want none", ines.URL, pills.URL)
	}
	if ines.PlainEmail != "" || len(ines.SealedEmail) == 0 || ines.EmailIndex == "" || strings.Contains(string(ines.SealedEmail), "ines@example.com") {
		t.Errorf("email not sealed: plain %q, index %q", ines.PlainEmail, ines.EmailIndex)
	}
	if c, err := f.st.Comment(ctx, ines.ID); err != nil || c.AuthorEmail != "ines@example.com" {
		t.Errorf("email reads back as %q (%v)", c.AuthorEmail, err)
	}
	if len(guest.SealedEmail) != 0 || guest.EmailIndex != "" {
		t.Errorf("Guest has an email: %q", guest.EmailIndex)
	}
	if guest.ClientHash != "" || guest.Prefix != "" {
		t.Errorf("no address given, yet hash %q, prefix %q", guest.ClientHash, guest.Prefix)
	}
}

// Ensure a thread matches through our own addresses (/articles/SLUG, /pages/SLUG,
// a renamed slug), an old path or /?p= address, and the map by link or dsq:id, and
// that a thread matching nothing has its posts skipped and its link named.
func TestImportDisqus_ThreadMatching(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ids := map[string]int64{}
	for _, slug := range []string{"own", "renamed-old", "old-path", "numeric", "by-link", "by-id"} {
		ids[slug] = f.addArticle(t, slug, model.KindArticle)
	}
	ids["about"] = f.addArticle(t, "about", model.KindPage)
	renamed, err := f.st.Article(ctx, ids["renamed-old"])
	if err != nil {
		t.Fatal(err)
	}
	renamed.Slug = "renamed-new"
	if err := f.st.SaveArticle(ctx, renamed, nil, "", f.now); err != nil {
		t.Fatal(err)
	}
	f.addOldAddress(t, "/2019/05/old-path/", ids["old-path"])
	if _, err := f.st.AddOldAddress(ctx, model.OldPostAddress(42), ids["numeric"], f.now); err != nil {
		t.Fatal(err)
	}
	entries, err := importer.ParseDisqusMap(strings.NewReader(`# Disqus thread      ours
http://OLD.example/forum/topic-9/#comments   /articles/by-link
106 by-id   # the thread's dsq:id
https://old.example/never-in-export/ https://new.example/pages/about
`))
	if err != nil {
		t.Fatal(err)
	}
	doc := disqusExport(
		thread(101, "https://new.example/articles/own/") + thread(102, "https://new.example/articles/renamed-old") +
			thread(103, "https://old.example/2019/05/old-path/?utm_source=x") + thread(104, "https://old.example/?p=42") +
			thread(105, "https://old.example/forum/topic-9") + thread(106, "https://old.example/anything-else/") +
			thread(107, "https://new.example/pages/about/") + thread(108, "https://old.example/gone/") +
			thread(109, "https://old.example/") + thread(110, "https://old.example/empty-thread/") +
			post(1, 101, 0, "own") + post(2, 102, 0, "renamed") + post(3, 103, 0, "old-path") + post(4, 104, 0, "numeric") +
			post(5, 105, 0, "by-link") + post(6, 106, 0, "by-id") + post(7, 107, 0, "about") +
			post(8, 108, 0, "gone1") + post(9, 108, 8, "gone2") + post(10, 109, 0, "home"))
	res := f.mustImportDisqus(t, doc, importer.DisqusOptions{Map: entries})

	rs := f.replies(t)
	for name, slug := range map[string]string{"own": "own", "renamed": "renamed-old", "old-path": "old-path",
		"numeric": "numeric", "by-link": "by-link", "by-id": "by-id", "about": "about"} {
		if r, ok := rs[name]; !ok || r.ArticleID != ids[slug] {
			t.Errorf("%s: on article %d (saved %v), want %s (%d)", name, r.ArticleID, ok, slug, ids[slug])
		}
	}
	for _, name := range []string{"gone1", "gone2", "home"} {
		if _, ok := rs[name]; ok {
			t.Errorf("%s was imported from an unmatched thread", name)
		}
	}
	if res.Comments[model.CommentApproved] != 7 || res.Skipped[importer.SkippedUnmatchedThread] != 3 {
		t.Errorf("comments %v, skipped %v; want 7 approved and 3 unmatched", res.Comments, res.Skipped)
	}
	wantWarnings := []string{
		"the thread https://old.example/gone/ matches no article here: its 2 posts were skipped (a line of the map can match it)",
		"the thread https://old.example/ matches no article here: its 1 posts were skipped (a line of the map can match it)",
		"map line 4 matches no thread of the export",
	}
	if !reflect.DeepEqual(res.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%q\nwant\n%q", res.Warnings, wantWarnings)
	}
}

// Ensure the first threads that match nothing are named and the rest counted.
func TestImportDisqus_ManyUnmatchedThreadsCounted(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	for i := 1; i <= 12; i++ {
		b.WriteString(thread(i, fmt.Sprintf("https://old.example/t%d/", i)) + post(100+i, i, 0, "r"))
	}
	res := f.mustImportDisqus(t, disqusExport(b.String()), importer.DisqusOptions{})
	if res.Skipped[importer.SkippedUnmatchedThread] != 12 || len(res.Comments) != 0 {
		t.Errorf("skipped %v, comments %v", res.Skipped, res.Comments)
	}
	if len(res.Warnings) != 11 || !strings.Contains(res.Warnings[0], "https://old.example/t1/") ||
		res.Warnings[10] != "… and 2 more threads match no article here (12 posts skipped in all)" {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// Ensure a map naming an address that is no article here is refused, with its line,
// before anything is saved, and that a malformed map is refused with its line.
func TestImportDisqus_MapRefused(t *testing.T) {
	t.Run("NoSuchArticle", func(t *testing.T) {
		f := newFixture(t)
		f.addArticle(t, "here", model.KindArticle)
		entries, err := importer.ParseDisqusMap(strings.NewReader("7001 here\n\n# a comment\n7002 /articles/not-here\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.importDisqus(disqusExport(thread(7001, "https://x/")+post(1, 7001, 0, "a")), importer.DisqusOptions{Map: entries})
		var me *importer.MapError
		if !errors.As(err, &me) || me.Line != 4 || !strings.Contains(me.Error(), `"/articles/not-here" is no article or page here`) {
			t.Fatalf("error %v, want a *MapError for line 4", err)
		}
		if n := f.count(t, "comments") + f.count(t, "import_sources"); n != 0 {
			t.Errorf("%d rows saved", n)
		}
	})
	for name, tc := range map[string]struct {
		text string
		line int
		msg  string
	}{
		"OneField":  {"7001 here\nhttps://old.example/a/\n", 2, "got 1 fields"},
		"Three":     {"a b c\n", 1, "got 3 fields"},
		"Duplicate": {"https://old.example/a/ x\n#\nhttp://old.example/a y\n", 3, "mapped already on line 1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := importer.ParseDisqusMap(strings.NewReader(tc.text))
			var me *importer.MapError
			if !errors.As(err, &me) || me.Line != tc.line || !strings.Contains(me.Msg, tc.msg) {
				t.Errorf("error %v, want line %d saying %q", err, tc.line, tc.msg)
			}
		})
	}
}

// Ensure a post that comes before the post it answers keeps its thread, at any depth
// and in any order, and one whose parent never comes is saved at the top level.
func TestImportDisqus_PostBeforeParent(t *testing.T) {
	f := newFixture(t)
	id := f.addArticle(t, "own", model.KindArticle)
	doc := disqusExport(thread(1, "https://new.example/articles/own/") +
		post(13, 1, 12, "grandchild") + post(12, 1, 11, "child") + post(14, 1, 11, "sibling") +
		post(11, 1, 0, "root") + post(21, 1, 99, "orphan") + post(22, 1, 21, "orphan's answer") +
		post(31, 1, 32, "loop a") + post(32, 1, 31, "loop b") + post(41, 1, 41, "self"))
	res := f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	if res.Comments[model.CommentApproved] != 9 {
		t.Errorf("comments %v, want 9 approved", res.Comments)
	}
	rs := f.replies(t)
	parentOf := func(name string) string {
		r, ok := rs[name]
		if !ok {
			t.Fatalf("%s not saved", name)
		}
		if r.ArticleID != id {
			t.Errorf("%s: article %d", name, r.ArticleID)
		}
		if !r.ParentID.Valid {
			return ""
		}
		for n, p := range rs {
			if p.ID == r.ParentID.Int64 {
				return n
			}
		}
		return "?"
	}
	for child, parent := range map[string]string{"root": "", "child": "root", "grandchild": "child", "sibling": "root",
		"orphan": "", "orphan's answer": "orphan", "loop a": "", "loop b": "loop a", "self": ""} {
		if got := parentOf(child); got != parent {
			t.Errorf("%s answers %q, want %q", child, got, parent)
		}
	}
	wantWarnings := []string{
		"post 41 answers itself: it comes in at the top level",
		"post 21 answers the post 99, which is not among the posts brought in: it comes in at the top level",
		"post 31 answers the post 32, which is not among the posts brought in: it comes in at the top level",
	}
	if !reflect.DeepEqual(res.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%q\nwant\n%q", res.Warnings, wantWarnings)
	}
}

// Ensure importing the same file again adds nothing, and a post whose parent came in
// with the first import finds it.
func TestImportDisqus_SecondImportAddsNothing(t *testing.T) {
	f := newFixture(t)
	f.addOldAddress(t, coffeeOldAddress, f.addArticle(t, "coffee", model.KindArticle))
	doc := readFile(t, smallDisqus)
	f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	tables := []string{"comments", "import_sources"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = f.count(t, table)
	}
	res := f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	if len(res.Comments) != 0 || res.AlreadyImported != 4 {
		t.Errorf("second import: comments %v, already imported %d; want none and 4", res.Comments, res.AlreadyImported)
	}
	for _, table := range tables {
		if n := f.count(t, table); n != before[table] {
			t.Errorf("%s: %d rows, was %d", table, n, before[table])
		}
	}

	// A later export with an answer to a post of the first one.
	more := strings.Replace(doc, "</disqus>", post(8100, 7001, 8002, "Later")+"</disqus>", 1)
	res = f.mustImportDisqus(t, more, importer.DisqusOptions{})
	rs := f.replies(t)
	if res.Comments[model.CommentApproved] != 1 || res.AlreadyImported != 4 || rs["Later"].ParentID.Int64 != rs["Lena Hart"].ID {
		t.Errorf("comments %v, already %d, parent %v (want %d)", res.Comments, res.AlreadyImported, rs["Later"].ParentID, rs["Lena Hart"].ID)
	}
}

// Ensure a broken file, a file that is no Disqus export, or a context that ends
// leave the database as it was.
func TestImportDisqus_FailureLeavesNothing(t *testing.T) {
	doc := readFile(t, smallDisqus)
	cut := strings.Index(doc, `<post dsq:id="8003">`)
	for name, tc := range map[string]struct {
		doc    string
		cancel bool
		check  func(error) bool
	}{
		"Truncated": {doc[:cut], false, func(err error) bool {
			var se *disqus.SyntaxError
			return errors.As(err, &se) && se.Line == 43 && se.Column > 0
		}},
		"WXR":         {readFile(t, smallSite), false, func(err error) bool { return errors.Is(err, disqus.ErrNotDisqus) }},
		"ContextDone": {doc, true, func(err error) bool { return errors.Is(err, context.Canceled) }},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.addOldAddress(t, coffeeOldAddress, f.addArticle(t, "coffee", model.KindArticle))
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			_, err := f.svc.ImportDisqus(ctx, strings.NewReader(tc.doc), importer.DisqusOptions{})
			if !tc.check(err) {
				t.Fatalf("error %v", err)
			}
			for _, table := range []string{"comments", "import_sources"} {
				if n := f.count(t, table); n != 0 {
					t.Errorf("%s: %d rows left behind", table, n)
				}
			}
		})
	}
}

// Ensure a read error half-way through the file leaves the database as it was.
func TestImportDisqus_ReadErrorLeavesNothing(t *testing.T) {
	f := newFixture(t)
	f.addOldAddress(t, coffeeOldAddress, f.addArticle(t, "coffee", model.KindArticle))
	doc := readFile(t, smallDisqus)
	r := &failingReader{strings.NewReader(doc[:strings.Index(doc, `<post dsq:id="8004">`)])}
	if _, err := f.svc.ImportDisqus(context.Background(), r, importer.DisqusOptions{}); !errors.Is(err, errDiskGone) {
		t.Fatalf("error %v, want the read error", err)
	}
	if n := f.count(t, "comments") + f.count(t, "import_sources"); n != 0 {
		t.Errorf("%d rows left behind", n)
	}
}

// Ensure a post's address is kept only as the keyed hash and its /24 or /48 network,
// like a live reply's, and never whole.
func TestImportDisqus_AddressReduced(t *testing.T) {
	f := newFixture(t)
	f.addArticle(t, "own", model.KindArticle)
	withIP := func(id int, name, ip string) string {
		return strings.Replace(post(id, 1, 0, name), "<thread ", "<ipAddress>"+ip+"</ipAddress><thread ", 1)
	}
	f.mustImportDisqus(t, disqusExport(thread(1, "/articles/own")+withIP(1, "v4", "198.51.100.23")+
		withIP(2, "v6", "2001:db8:5::1")+withIP(3, "junk", "not an address")), importer.DisqusOptions{})
	rs := f.replies(t)
	if v4, v6 := rs["v4"], rs["v6"]; len(v4.ClientHash) != 64 || v4.Prefix != "198.51.100.0/24" || len(v6.ClientHash) != 64 || v6.Prefix != "2001:db8:5::/48" {
		t.Errorf("v4 %q %q, v6 %q %q", v4.ClientHash, v4.Prefix, v6.ClientHash, v6.Prefix)
	}
	if junk := rs["junk"]; junk.ClientHash != "" || junk.Prefix != "" {
		t.Errorf("junk address kept as %q %q", junk.ClientHash, junk.Prefix)
	}
	for _, ip := range []string{"198.51.100.23", "2001:db8:5::1", "not an address"} {
		var n int
		err := f.db.QueryRow(`SELECT count(*) FROM comments WHERE client_hash LIKE ? OR client_prefix LIKE ? OR user_agent LIKE ? OR body LIKE ?`,
			"%"+ip+"%", "%"+ip+"%", "%"+ip+"%", "%"+ip+"%").Scan(&n)
		if err != nil || n != 0 {
			t.Errorf("%s stored in %d replies (%v)", ip, n, err)
		}
	}
}

// Ensure threads and posts are linked by dsq:id even when every <id> element is empty
// or names something else (Isso once imported nothing from such a file).
func TestImportDisqus_EmptyIDElements(t *testing.T) {
	f := newFixture(t)
	f.addArticle(t, "own", model.KindArticle)
	doc := disqusExport(`<thread dsq:id="500"><id/><forum>f</forum><link>https://new.example/articles/own</link></thread>
<thread dsq:id="501"><id>500</id><forum>f</forum><link>https://old.example/elsewhere</link></thread>
<post dsq:id="600"><id/><message>first</message><author><name>A</name></author><thread dsq:id="500"><id/></thread></post>
<post dsq:id="601"><id>501</id><message>second</message><author><name>B</name></author><thread dsq:id="500"/><parent dsq:id="600"><id/></parent></post>`)
	res := f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	rs := f.replies(t)
	if res.Comments[model.CommentApproved] != 2 || rs["B"].ParentID.Int64 != rs["A"].ID {
		t.Errorf("comments %v, B's parent %v, want %d", res.Comments, rs["B"].ParentID, rs["A"].ID)
	}
}

// Ensure isApproved=false brings a post in as pending, spam wins over deleted, a post
// without a name or a valid email comes in as Anonymous without one, and one without
// a date is dated from the import.
func TestImportDisqus_StatusesAndNames(t *testing.T) {
	f := newFixture(t)
	f.addArticle(t, "own", model.KindArticle)
	doc := disqusExport(thread(1, "/articles/own") +
		`<post dsq:id="1"><message>m</message><isApproved>false</isApproved><author><name>Held</name></author><thread dsq:id="1"/></post>
<post dsq:id="2"><message>m</message><isDeleted>true</isDeleted><isSpam>true</isSpam><author><name>Both</name></author><thread dsq:id="1"/></post>
<post dsq:id="3"><message>m</message><isApproved>true</isApproved><author><name>  </name><email>not-an-email</email></author><thread dsq:id="1"/></post>`)
	res := f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	rs := f.replies(t)
	if rs["Held"].Status != "pending" || rs["Both"].Status != "spam" || rs["Anonymous"].Status != "approved" {
		t.Errorf("statuses %q %q %q", rs["Held"].Status, rs["Both"].Status, rs["Anonymous"].Status)
	}
	if anon := rs["Anonymous"]; len(anon.SealedEmail) != 0 || anon.EmailIndex != "" {
		t.Errorf("invalid email kept")
	}
	if held := rs["Held"]; !held.CreatedAt.Equal(f.now) {
		t.Errorf("a post without a date is dated %v, want the import's %v", held.CreatedAt, f.now)
	}
	want := []string{"post 1 has no date: it is dated from the import", "post 2 has no date: it is dated from the import",
		"post 3 has no date: it is dated from the import", "post 3: the email is not a valid address and was left out"}
	if !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("warnings %q, want %q", res.Warnings, want)
	}
}

// Ensure nothing that runs in a hostile message reaches the page: the text is plain,
// and rendered as a reply it holds no markup but links.
func TestImportDisqus_HostileMessageRendersSafe(t *testing.T) {
	f := newFixture(t)
	f.addArticle(t, "own", model.KindArticle)
	hostile := `<![CDATA[<p>hi<script>alert(1)</script><img src=x onerror="alert(2)"><iframe src="https://evil.example/"></iframe>` +
		`<a href="javascript:alert(3)">click</a> <svg onload="alert(4)"></svg><a href="https://ok.example/">ok</a></p>]]>`
	doc := disqusExport(thread(1, "/articles/own") +
		`<post dsq:id="1"><message>` + hostile + `</message><author><name>&lt;b onmouseover="x"&gt;Eve</name></author><thread dsq:id="1"/></post>`)
	f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	var r reply
	for _, rr := range f.replies(t) {
		r = rr
	}
	html := strings.ToLower(string(render.CommentText(r.Body)))
	for _, bad := range []string{"<script", "onerror", "<iframe", "javascript:", "<svg", "onload", "<img"} {
		if strings.Contains(html, bad) || strings.Contains(strings.ToLower(r.Body), bad) {
			t.Errorf("%q reaches the page:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "hi") || !strings.Contains(html, `href="https://ok.example/"`) {
		t.Errorf("the text or the safe link is gone:\n%s", html)
	}
	if r.Name != `<b onmouseover="x">Eve` {
		t.Errorf("name %q, kept as typed (templates escape it)", r.Name)
	}
}

// Ensure progress reports count threads and posts and end with a last one.
func TestImportDisqus_Progress(t *testing.T) {
	f := newFixture(t)
	f.addOldAddress(t, coffeeOldAddress, f.addArticle(t, "coffee", model.KindArticle))
	var reports []importer.Progress
	doc := readFile(t, smallDisqus)
	f.mustImportDisqus(t, doc, importer.DisqusOptions{Progress: func(p importer.Progress) { reports = append(reports, p) }})
	if len(reports) == 0 {
		t.Fatal("no progress reported")
	}
	last := reports[len(reports)-1]
	if want := (importer.Progress{Bytes: int64(len(doc)), Items: 1, Comments: 4, Done: true}); last != want {
		t.Errorf("last report %+v, want %+v", last, want)
	}
}

// Ensure a post naming a thread the export does not list before it, or having no
// dsq:id, is left out and counted, and a thread without a dsq:id is warned about.
func TestImportDisqus_UnknownThreadsAndIDsSkipped(t *testing.T) {
	f := newFixture(t)
	f.addArticle(t, "own", model.KindArticle)
	doc := disqusExport(post(1, 2, 0, "early") + thread(2, "/articles/own") +
		`<thread><link>https://old.example/no-id/</link></thread><post><message>m</message><thread dsq:id="2"/></post>` +
		post(3, 2, 0, "on time"))
	res := f.mustImportDisqus(t, doc, importer.DisqusOptions{})
	wantSkipped := map[string]int{importer.SkippedUnknownThread: 1, importer.SkippedNoID: 1}
	if !reflect.DeepEqual(res.Skipped, wantSkipped) || res.Comments[model.CommentApproved] != 1 {
		t.Errorf("skipped %v, comments %v; want %v and 1 approved", res.Skipped, res.Comments, wantSkipped)
	}
	wantWarnings := []string{
		"1 posts name a thread the export does not list before them and were left out",
		`the thread "https://old.example/no-id/" has no dsq:id: no post can name it`,
		"a post of the thread 2 has no dsq:id and was left out",
	}
	if !reflect.DeepEqual(res.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%q\nwant\n%q", res.Warnings, wantWarnings)
	}
	if _, ok := f.replies(t)["early"]; ok {
		t.Error("the post of the unknown thread was imported")
	}
}
