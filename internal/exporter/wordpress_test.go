package exporter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/exporter"
	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/importer/wxr"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

const (
	sourceKey = "0123456789abcdef0123456789abcdef"
	targetKey = "fedcba9876543210fedcba9876543210"
)

// body is an article in the Markdown authors write: every construct the editor offers.
const body = `Fasciculations are **common**: up to 70% of people have them at some point.

## Common triggers

- Caffeine
- Dehydration and *poor sleep*
- Heavy exertion

1. Rest.
2. Drink water.

> Most twitches are harmless.

See [the Stanford 25](https://stanford25.example.org/twitches) or run ` + "`twitch --help`" + `.
`

// table is a Markdown table, which the importer brings back as lines of text.
const table = `
| Trigger | How common |
|---|---|
| Caffeine | Very |
`

// hostileBody is Markdown with what must never run on either side.
const hostileBody = `<script>alert("body")</script>

Safe text with [a link](javascript:alert(1)) and <img src=x onerror=alert(2)>.

<iframe src="https://evil.example/"></iframe>
`

// site is a source site: its staff, articles and replies by name.
type site struct {
	st       *store.Store
	users    map[string]*model.User
	articles []*model.Article
	replies  map[string]int64 // reply ID by author name
	hostile  []string         // the reply texts of the hostile article, in order
}

// at is a date with seconds, n minutes after a fixed start.
func at(n int) time.Time {
	return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(n) * time.Minute)
}

// newSite builds a site with articles and pages of every status, tags, references, a
// thread four deep, replies of every status, a staff reply, a reply with email and
// website, and an article whose replies are the hostile corpus.
func newSite(t *testing.T) *site {
	t.Helper()
	st := newStore(t, sourceKey)
	s := &site{st: st, users: map[string]*model.User{}, replies: map[string]int64{}}
	s.users["editor"] = addUser(t, st, "Dr. Maya Chen", "maya.chen@health.example", model.RoleEditor)
	s.users["author"] = addUser(t, st, "Sam Ortiz", "sam@health.example", model.RoleAuthor)
	s.users["moderator"] = addUser(t, st, "Lee Park", "lee@health.example", model.RoleModerator)
	s.users["idle"] = addUser(t, st, "Ivy Idle", "ivy@health.example", model.RoleReviewer)

	pub, sched, arch := at(10), at(60*24*400), at(-60*24*400)
	muscles := []model.Tag{{Slug: "muscles", Name: "Muscles"}, {Slug: "sleep-rest", Name: "Sleep & rest"}}
	one := 1
	s.articles = []*model.Article{
		{Slug: "muscle-twitches", Title: "Understanding Involuntary Muscle Twitches: Causes & Management", Summary: "Why muscles twitch, and when to see a doctor.",
			BodyMarkdown: body + table, Status: model.ArticlePublished, PublishedAt: &pub, CommentsOpen: true, Tags: muscles},
		{Slug: "heat-cramps", Title: "Heat cramps", BodyMarkdown: "Drink before you are thirsty.", Status: model.ArticleScheduled,
			ScheduledAt: &sched, Tags: []model.Tag{{Slug: "summer", Name: "Summer"}}, References: []model.Reference{
				{Title: "Heat illness <script>x</script>", URL: "https://rush.example/heat", Publisher: "RUSH", DOI: "10.1000/heat?1", PMID: "12345"},
				{Title: "No address", URL: "javascript:alert(1)"},
			}},
		{Slug: "draft-magnesium", Title: "Magnesium, a draft", BodyMarkdown: "Work in progress.", Status: model.ArticleDraft},
		{Slug: "myoclonus", Title: "Myoclonus, in review", BodyMarkdown: "Sudden brief jerks.", Status: model.ArticleInReview, Tags: muscles[:1]},
		{Slug: "old-news", Title: "An archived note", BodyMarkdown: "No longer current.", Status: model.ArticleArchived, PublishedAt: &arch},
		{Slug: "hostile", Title: "Safe title", BodyMarkdown: hostileBody, Status: model.ArticlePublished, PublishedAt: &pub, CommentsOpen: true},
		{Slug: "about", Title: "About us", BodyMarkdown: "We write about **health**.", Status: model.ArticlePublished, PublishedAt: &pub,
			Kind: model.KindPage, FooterPosition: &one},
		{Slug: "editorial-policy", Title: "Editorial policy", BodyMarkdown: "Every article is reviewed.", Status: model.ArticleDraft, Kind: model.KindPage},
	}
	for i, a := range s.articles {
		a.AuthorID = s.users["author"].ID
		if a.Kind == model.KindPage {
			a.AuthorID = s.users["editor"].ID
		}
		a.CreatedAt = at(i)
		addArticle(t, st, a)
	}
	twitches, hostileArticle := s.articles[0].ID, s.articles[5].ID
	reply := func(name string, parent string, status model.CommentStatus, n int, c model.Comment) {
		c.ArticleID, c.AuthorName, c.Status, c.CreatedAt = twitches, name, status, at(100+n)
		if c.Body == "" {
			c.Body = "A reply from " + name + ".\n\nIt has two paragraphs."
		}
		if c.AuthorEmail == "" && c.UserID == nil {
			c.AuthorEmail = strings.ToLower(strings.Fields(name)[0]) + "@readers.example"
		}
		if parent != "" {
			id := s.replies[parent]
			c.ParentID = &id
		}
		s.replies[name] = addReply(t, st, &c)
	}
	reply("Ana Root", "", model.CommentApproved, 1, model.Comment{AuthorEmail: "ana@example.org", AuthorURL: "https://ana.example/blog?x=1&y=2"})
	reply("Ben Child", "Ana Root", model.CommentApproved, 2, model.Comment{})
	reply("Cleo Grandchild", "Ben Child", model.CommentPending, 3, model.Comment{})
	reply("Dev Deep", "Cleo Grandchild", model.CommentApproved, 4, model.Comment{Body: "Fourth level <b>deep</b> & still here."})
	reply("Lee Park", "Ana Root", model.CommentApproved, 5, model.Comment{UserID: &s.users["moderator"].ID, Body: "Thanks, Ana: see a doctor if it lasts."})
	reply("Spam Bot", "", model.CommentSpam, 6, model.Comment{Body: "Buy cheap pills https://spam.example/"})
	reply("Trashed Tom", "", model.CommentTrash, 7, model.Comment{})
	reply("Pending Pat", "", model.CommentPending, 8, model.Comment{Body: "<script>alert('reply')</script> is this safe?"})

	for _, text := range hostile.Corpus(t) {
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) || strings.TrimSpace(text) == "" || len(text) > model.MaxCommentBody {
			continue // the reply form refuses these: no site holds them
		}
		n := len(s.hostile)
		c := &model.Comment{ArticleID: hostileArticle, AuthorName: fmt.Sprintf("Hostile %d", n), AuthorEmail: fmt.Sprintf("h%d@readers.example", n),
			Body: text, Status: model.CommentApproved, CreatedAt: at(1000 + n)}
		addReply(t, st, c)
		s.hostile = append(s.hostile, text)
	}
	return s
}

// export writes the site's export, reading articles and replies a few at a time to
// cross the edges of the pages it reads, and returns it with the result.
func (s *site) export(t *testing.T) ([]byte, exporter.Result) {
	t.Helper()
	var buf bytes.Buffer
	svc := exporter.New(s.st, "https://health.example", "Health Example")
	svc.SetPageSizes(3, 2)
	res, err := svc.ExportWordPress(context.Background(), &buf)
	if err != nil {
		t.Fatalf("ExportWordPress: %v", err)
	}
	return buf.Bytes(), res
}

// readExport reads an export back with wxr.Read.
func readExport(t *testing.T, doc []byte) *collector {
	t.Helper()
	c := &collector{}
	if err := wxr.Read(bytes.NewReader(doc), c); err != nil {
		t.Fatalf("wxr.Read: %v", err)
	}
	return c
}

type collector struct {
	site     wxr.Site
	authors  []wxr.Author
	terms    []wxr.Term
	items    []wxr.Item
	warnings []string
}

func (c *collector) Site(s wxr.Site)        { c.site = s }
func (c *collector) Author(a wxr.Author)    { c.authors = append(c.authors, a) }
func (c *collector) Term(t wxr.Term)        { c.terms = append(c.terms, t) }
func (c *collector) Warning(w string)       { c.warnings = append(c.warnings, w) }
func (c *collector) Item(it wxr.Item) error { c.items = append(c.items, it); return nil }
func (c *collector) item(slug string) wxr.Item {
	for _, it := range c.items {
		if it.Slug == slug {
			return it
		}
	}
	return wxr.Item{}
}

// Ensure an export holds every article and page with its WordPress status, date,
// tags and author, every reply with its status, thread, email, website and date,
// the authors who wrote something and the tags in use, and counts what it wrote.
func TestExportWordPress_Contents(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	doc, res := s.export(t)
	got := readExport(t, doc)

	t.Run("Counts", func(t *testing.T) {
		want := exporter.Result{Articles: 6, Pages: 2, Authors: 3, Tags: 3, StaffReplies: 1, Emails: 7 + len(s.hostile),
			Comments: map[model.CommentStatus]int{model.CommentApproved: 4 + len(s.hostile), model.CommentPending: 2,
				model.CommentSpam: 1, model.CommentTrash: 1}}
		if !reflect.DeepEqual(res, want) {
			t.Errorf("result %+v, want %+v", res, want)
		}
	})
	t.Run("Site", func(t *testing.T) {
		if got.site.Version != "1.2" || got.site.BaseSiteURL != "https://health.example" || got.site.Title != "Health Example" {
			t.Errorf("site %+v", got.site)
		}
		if len(got.warnings) > 0 {
			t.Errorf("reading the export warned: %q", got.warnings)
		}
	})
	t.Run("Authors", func(t *testing.T) {
		want := []wxr.Author{
			{ID: s.users["editor"].ID, Login: "dr-maya-chen", Email: "maya.chen@health.example", DisplayName: "Dr. Maya Chen"},
			{ID: s.users["author"].ID, Login: "sam-ortiz", Email: "sam@health.example", DisplayName: "Sam Ortiz"},
			{ID: s.users["moderator"].ID, Login: "lee-park", Email: "lee@health.example", DisplayName: "Lee Park"},
		}
		if !reflect.DeepEqual(got.authors, want) {
			t.Errorf("authors\n%+v, want\n%+v (not Ivy, who wrote nothing)", got.authors, want)
		}
	})
	t.Run("Tags", func(t *testing.T) {
		var names []string
		for _, term := range got.terms {
			names = append(names, term.Kind+":"+term.Slug+"="+term.Name)
		}
		want := []string{"post_tag:muscles=Muscles", "post_tag:sleep-rest=Sleep & rest", "post_tag:summer=Summer"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("terms %q, want %q", names, want)
		}
	})
	t.Run("Statuses", func(t *testing.T) {
		want := map[string][2]string{
			"muscle-twitches": {"post", "publish"}, "heat-cramps": {"post", "future"}, "draft-magnesium": {"post", "draft"},
			"myoclonus": {"post", "draft"}, "old-news": {"post", "private"}, "hostile": {"post", "publish"},
			"about": {"page", "publish"}, "editorial-policy": {"page", "draft"},
		}
		if len(got.items) != len(want) {
			t.Errorf("%d items, want %d", len(got.items), len(want))
		}
		for slug, w := range want {
			if it := got.item(slug); it.PostType != w[0] || it.Status != w[1] {
				t.Errorf("%s: type %q, status %q; want %q, %q", slug, it.PostType, it.Status, w[0], w[1])
			}
		}
	})
	t.Run("Article", func(t *testing.T) {
		it := got.item("muscle-twitches")
		a := s.articles[0]
		if it.PostID != a.ID || it.Title != html.EscapeString(a.Title) || it.Creator != "sam-ortiz" || it.CommentStatus != "open" ||
			it.Link != "https://health.example/articles/muscle-twitches" || it.Excerpt != a.Summary {
			t.Errorf("item %+v", it)
		}
		if !it.PostDateGMT.Equal(at(10)) || !it.PostDate.Equal(at(10)) {
			t.Errorf("dated %v (GMT %v), want the publication %v", it.PostDate, it.PostDateGMT, at(10))
		}
		html, _ := render.Markdown(body + table)
		if it.Content != string(html) || !strings.Contains(it.Content, "<td>Caffeine</td>") {
			t.Errorf("content is not the body as readers see it:\n%s\nwant\n%s", it.Content, html)
		}
		wantTerms := []wxr.Term{{Kind: "post_tag", Slug: "muscles", Name: "Muscles"}, {Kind: "post_tag", Slug: "sleep-rest", Name: "Sleep & rest"}}
		if !reflect.DeepEqual(it.Terms, wantTerms) {
			t.Errorf("terms %+v", it.Terms)
		}
		sched := got.item("heat-cramps")
		if !sched.PostDateGMT.Equal(at(60 * 24 * 400)) {
			t.Errorf("a scheduled article is dated %v, want when it goes out", sched.PostDateGMT)
		}
		wantRefs := `<p>Drink before you are thirsty.</p>

<h2>References</h2>
<ol>
<li><a href="https://rush.example/heat">Heat illness &lt;script&gt;x&lt;/script&gt;</a>. RUSH. doi: <a href="https://doi.org/10.1000/heat%3F1">10.1000/heat?1</a>. PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/12345/">12345</a></li>
<li>No address</li>
</ol>
`
		if sched.Content != wantRefs {
			t.Errorf("references:\n%s\nwant\n%s", sched.Content, wantRefs)
		}
		if page := got.item("about"); page.MenuOrder != 1 || page.Link != "https://health.example/pages/about" || page.Creator != "dr-maya-chen" {
			t.Errorf("page %+v", page)
		}
	})
	t.Run("Replies", func(t *testing.T) {
		it := got.item("muscle-twitches")
		byName := map[string]wxr.Comment{}
		for _, c := range it.Comments {
			byName[c.Author] = c
		}
		if len(it.Comments) != 8 {
			t.Fatalf("%d replies, want 8", len(it.Comments))
		}
		ana := byName["Ana Root"]
		if ana.ID != s.replies["Ana Root"] || ana.AuthorEmail != "ana@example.org" || ana.AuthorURL != "https://ana.example/blog?x=1&y=2" ||
			ana.Approved != "1" || ana.ParentID != 0 || ana.UserID != 0 || ana.AuthorIP != "" || ana.Type != "comment" ||
			!ana.DateGMT.Equal(at(101)) || ana.Content != "A reply from Ana Root.\n\nIt has two paragraphs." {
			t.Errorf("Ana's reply %+v", ana)
		}
		for name, w := range map[string]struct{ parent, approved string }{
			"Ben Child": {"Ana Root", "1"}, "Cleo Grandchild": {"Ben Child", "0"}, "Dev Deep": {"Cleo Grandchild", "1"},
			"Lee Park": {"Ana Root", "1"}, "Spam Bot": {"", "spam"}, "Trashed Tom": {"", "trash"}, "Pending Pat": {"", "0"},
		} {
			c := byName[name]
			if c.ParentID != s.replies[w.parent] || c.Approved != w.approved {
				t.Errorf("%s: parent %d, approved %q; want parent %d (%s), %q", name, c.ParentID, c.Approved, s.replies[w.parent], w.parent, w.approved)
			}
		}
		staff := byName["Lee Park"]
		if staff.UserID != s.users["moderator"].ID || staff.AuthorEmail != "lee@health.example" {
			t.Errorf("staff reply: user %d, email %q; want the account %d and its email", staff.UserID, staff.AuthorEmail, s.users["moderator"].ID)
		}
		if dev := byName["Dev Deep"]; dev.Content != "Fourth level &lt;b&gt;deep&lt;/b&gt; &amp; still here." {
			t.Errorf("a reply's markup is not escaped: %q", dev.Content)
		}
	})
	t.Run("NothingRuns", func(t *testing.T) {
		// Replies and titles are text: "onerror=" in them is words, never markup.
		lower := bytes.ToLower(doc)
		for _, bad := range []string{"<script", "<iframe", "<img src=x", "<svg", "<body", "<a href=\"javascript"} {
			if i := bytes.Index(lower, []byte(bad)); i >= 0 {
				t.Errorf("the export holds %q: …%s…", bad, doc[max(0, i-80):min(len(doc), i+80)])
			}
		}
		for _, it := range got.items {
			content := strings.ToLower(it.Content)
			for _, bad := range []string{"javascript:", "onerror", "<iframe", "<script"} {
				if strings.Contains(content, bad) {
					t.Errorf("%s: the content holds %q: %s", it.Slug, bad, it.Content)
				}
			}
			if strings.ContainsAny(it.Title+it.Excerpt, "<>") {
				t.Errorf("%s: markup in the title or excerpt: %q, %q", it.Slug, it.Title, it.Excerpt)
			}
			for _, c := range it.Comments {
				if strings.Contains(c.Content, "<") {
					t.Errorf("reply %d: markup in the text: %.80q", c.ID, c.Content)
				}
			}
		}
		if h := got.item("hostile"); !strings.Contains(h.Content, "Safe text with") {
			t.Errorf("the hostile article lost its safe text: %q", h.Content)
		}
	})
}

// Ensure an article's title with markup goes out as text, since WordPress shows titles
// as HTML.
func TestExportWordPress_TitleMarkup(t *testing.T) {
	t.Parallel()
	st := newStore(t, sourceKey)
	u := addUser(t, st, "Sam Ortiz", "sam@health.example", model.RoleAuthor)
	addArticle(t, st, &model.Article{Slug: "t", Title: `Salt <script>alert(1)</script> & you`, BodyMarkdown: "x", Status: model.ArticleDraft, AuthorID: u.ID})
	var buf bytes.Buffer
	if _, err := exporter.New(st, "https://h.example", "H").ExportWordPress(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	got := readExport(t, buf.Bytes())
	if len(got.items) != 1 || got.items[0].Title != "Salt &lt;script&gt;alert(1)&lt;/script&gt; &amp; you" {
		t.Errorf("items %+v", got.items)
	}
}

// Ensure an export stops with the context's error when the context ends.
func TestExportWordPress_Cancelled(t *testing.T) {
	t.Parallel()
	st := newStore(t, sourceKey)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if _, err := exporter.New(st, "https://h.example", "H").ExportWordPress(ctx, &buf); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if strings.Contains(buf.String(), "</rss>") {
		t.Errorf("a stopped export looks complete:\n%s", buf.String())
	}
}

// Ensure importing an export into a fresh site gives the same articles (titles,
// slugs, kinds, statuses as the importer maps them, tags, authors, dates, and bodies
// that render to the same HTML) and the same replies (names, emails, websites,
// statuses, threads, dates to the second, and texts).
func TestExportWordPress_RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSite(t)
	doc, _ := s.export(t)
	dst := newStore(t, targetKey)
	res, err := importer.New(dst, nil).ImportWordPress(ctx, bytes.NewReader(doc), importer.Options{Publish: importer.KeepPublished})
	if err != nil {
		t.Fatalf("ImportWordPress: %v", err)
	}
	if res.Articles != 6 || res.Pages != 2 || res.Authors != 3 || res.Tags != 3 || len(res.Skipped) != 0 {
		t.Errorf("imported %+v", res)
	}
	for _, w := range res.Warnings {
		t.Logf("import warning: %s", w)
	}

	// What the importer makes of our statuses: WordPress has no "in review" and its
	// "private" comes in as a draft.
	wantStatus := map[model.ArticleStatus]model.ArticleStatus{
		model.ArticlePublished: model.ArticlePublished, model.ArticleScheduled: model.ArticleScheduled,
		model.ArticleDraft: model.ArticleDraft, model.ArticleInReview: model.ArticleDraft, model.ArticleArchived: model.ArticleDraft,
	}
	for _, src := range s.articles {
		t.Run("Article/"+src.Slug, func(t *testing.T) {
			id, _, _, err := dst.ArticleStatusBySlug(ctx, src.Slug)
			if err != nil {
				t.Fatalf("not imported: %v", err)
			}
			a, err := dst.Article(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != src.Title || a.Kind != src.Kind || a.Status != wantStatus[src.Status] || a.CommentsOpen != src.CommentsOpen {
				t.Errorf("title %q, kind %q, status %q, open %v; want %q, %q, %q, %v",
					a.Title, a.Kind, a.Status, a.CommentsOpen, src.Title, src.Kind, wantStatus[src.Status], src.CommentsOpen)
			}
			if a.Summary != src.Summary {
				t.Errorf("summary %q, want %q", a.Summary, src.Summary)
			}
			if want := s.authorOf(src); a.Author.Name != want {
				t.Errorf("author %q, want %q", a.Author.Name, want)
			}
			if !sameTags(a.Tags, src.Tags) {
				t.Errorf("tags %+v, want %+v", a.Tags, src.Tags)
			}
			switch src.Status {
			case model.ArticlePublished:
				if a.PublishedAt == nil || !a.PublishedAt.Equal(*src.PublishedAt) {
					t.Errorf("published %v, want %v", a.PublishedAt, src.PublishedAt)
				}
			case model.ArticleScheduled:
				if a.ScheduledAt == nil || !a.ScheduledAt.Equal(*src.ScheduledAt) {
					t.Errorf("scheduled %v, want %v", a.ScheduledAt, src.ScheduledAt)
				}
			}
			gotHTML, err := render.Markdown(a.BodyMarkdown)
			if err != nil {
				t.Fatal(err)
			}
			wantHTML, _ := render.Markdown(src.BodyMarkdown)
			if src.BodyMarkdown == body+table {
				// The importer turns a table into lines of text, with a warning: the
				// rest must be the same, and every cell still there.
				wantHTML, _ = render.Markdown(body + "\nTrigger | How common\n\nCaffeine | Very\n")
				if !slices.Contains(res.Warnings, fmt.Sprintf("post %d: table turned into plain rows of text", src.ID)) {
					t.Errorf("no warning about the table among %q", res.Warnings)
				}
			}
			if len(src.References) > 0 {
				// The references come back as part of the text, after it.
				got, want := normalHTML(string(gotHTML)), normalHTML(string(wantHTML))
				if !strings.HasPrefix(got, want) || !strings.Contains(got, "References") || !strings.Contains(got, "RUSH") {
					t.Errorf("the body with references renders as:\n%s\nwant it to start with\n%s", got, want)
				}
				return
			}
			if normalHTML(string(gotHTML)) != normalHTML(string(wantHTML)) {
				t.Errorf("the body renders differently:\n%s\nwant\n%s\n(Markdown %q)", gotHTML, wantHTML, a.BodyMarkdown)
			}
		})
	}

	t.Run("Replies", func(t *testing.T) {
		srcID, dstID := s.articles[0].ID, s.importedID(t, dst, "muscle-twitches")
		from, to := allReplies(t, s.st, srcID), allReplies(t, dst, dstID)
		if len(to) != len(from) {
			t.Fatalf("%d replies imported, want %d", len(to), len(from))
		}
		fromNames, toNames := names(from), names(to)
		for i, c := range from {
			g := to[i]
			if g.AuthorName != c.AuthorName || g.AuthorURL != c.AuthorURL || g.Status != c.Status || g.Body != c.Body ||
				!g.CreatedAt.Truncate(time.Second).Equal(c.CreatedAt.Truncate(time.Second)) {
				t.Errorf("reply %d: name %q, website %q, status %q, date %v, text %q;\nwant %q, %q, %q, %v, %q", i,
					g.AuthorName, g.AuthorURL, g.Status, g.CreatedAt, g.Body, c.AuthorName, c.AuthorURL, c.Status, c.CreatedAt, c.Body)
			}
			if (g.UserID != nil) != (c.UserID != nil) {
				t.Errorf("%s: a staff reply %v, want %v", c.AuthorName, g.UserID != nil, c.UserID != nil)
			}
			if c.UserID == nil && g.AuthorEmail != c.AuthorEmail {
				t.Errorf("%s: email %q, want %q", c.AuthorName, g.AuthorEmail, c.AuthorEmail)
			}
			if parentName(g, toNames) != parentName(c, fromNames) {
				t.Errorf("%s answers %q, want %q", c.AuthorName, parentName(g, toNames), parentName(c, fromNames))
			}
		}
	})

	t.Run("HostileReplies", func(t *testing.T) {
		to := allReplies(t, dst, s.importedID(t, dst, "hostile"))
		if len(to) != len(s.hostile) {
			t.Fatalf("%d hostile replies imported, want %d", len(to), len(s.hostile))
		}
		for i, text := range s.hostile {
			// Line ends and runs of spaces are the importer's to tidy, and control
			// characters are lost (XML cannot hold most, the importer drops the
			// rest); every other character must come back as typed.
			if !hostile.SameText(to[i].Body, withoutControls(text)) {
				t.Errorf("reply %d: %.120q came back as %.120q", i, text, to[i].Body)
			}
			if want := fmt.Sprintf("h%d@readers.example", i); to[i].AuthorEmail != want {
				t.Errorf("reply %d: email %q, want %q", i, to[i].AuthorEmail, want)
			}
		}
	})
}

func (s *site) authorOf(a *model.Article) string {
	for _, u := range s.users {
		if u.ID == a.AuthorID {
			return u.Name
		}
	}
	return ""
}

func (s *site) importedID(t *testing.T, dst *store.Store, slug string) int64 {
	t.Helper()
	id, _, _, err := dst.ArticleStatusBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("%s not imported: %v", slug, err)
	}
	return id
}

func sameTags(a, b []model.Tag) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Slug != b[i].Slug || a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

func names(list []model.Comment) map[int64]string {
	m := make(map[int64]string, len(list))
	for _, c := range list {
		m[c.ID] = c.AuthorName
	}
	return m
}

func parentName(c model.Comment, names map[int64]string) string {
	if c.ParentID == nil {
		return ""
	}
	return names[*c.ParentID]
}

// normalHTML is rendered HTML with the white space between tags folded, which
// Markdown's layout decides and readers never see.
func normalHTML(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// withoutControls is s without its control characters, tab and line ends aside.
func withoutControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
}

// Ensure a published article goes out with the text readers see, never a pending
// change that has not been reviewed.
func TestExportWordPress_PendingChangeStaysBehind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newStore(t, sourceKey)
	u := addUser(t, st, "Sam Ortiz", "sam@health.example", model.RoleAuthor)
	pub := at(0)
	a := addArticle(t, st, &model.Article{Slug: "live", Title: "Reviewed title", BodyMarkdown: "Reviewed text.",
		Status: model.ArticlePublished, PublishedAt: &pub, AuthorID: u.ID})
	a.Pending = &model.Article{Slug: "live", Title: "Unreviewed title", BodyMarkdown: "Unreviewed text.", Status: model.ArticleDraft, AuthorID: u.ID}
	if err := st.SaveChange(ctx, a, &u.ID, "change", at(1)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := exporter.New(st, "https://h.example", "H").ExportWordPress(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	got := readExport(t, buf.Bytes())
	if len(got.items) != 1 || got.items[0].Title != "Reviewed title" || got.items[0].Content != "<p>Reviewed text.</p>\n" {
		t.Errorf("items %+v", got.items)
	}
	if strings.Contains(buf.String(), "Unreviewed") {
		t.Error("the export holds the unreviewed change")
	}
}
