package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
)

const demoTitle = "Understanding Involuntary Muscle Twitches: Causes and Management"

// publish saves an article by the demo author, published on the given day of November
// 2026 unless a.Status says otherwise, and returns it.
func publish(t testing.TB, s *site, day int, a model.Article) *model.Article {
	t.Helper()
	a.AuthorID, a.CommentsOpen = 1, true
	if a.Status == "" {
		a.Status = model.ArticlePublished
	}
	if a.Title == "" {
		a.Title = "Title of " + a.Slug
	}
	when := time.Date(2026, 11, day, 8, 0, 0, 0, time.UTC)
	a.CreatedAt, a.UpdatedAt = when, when
	if a.Status == model.ArticlePublished {
		a.PublishedAt = &when
	}
	if err := s.store.CreateArticle(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

var neurology = []model.Tag{{Slug: "neurology", Name: "Neurology"}}

// Ensure a tag page lists the tag's published articles under its name, and that an
// unknown tag, a tag of drafts only and a page past the last are not found.
func TestTagPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	publish(t, s, 1, model.Article{Slug: "draft-on-nerves", Tags: neurology, Status: model.ArticleDraft})
	publish(t, s, 2, model.Article{Slug: "secret-plans", Status: model.ArticleDraft,
		Tags: []model.Tag{{Slug: "coming-soon", Name: "Coming soon"}}})

	res := s.get(t, "/tags/neurology").wantStatus(http.StatusOK)
	res.wantContains(
		"<h1>Neurology</h1>", "1 article</p>",
		`<a href="/articles/understanding-involuntary-muscle-twitches">`+demoTitle+`</a>`,
		"3 replies", "By Daniel Reyes",
		`<a href="/tags/muscle-health" rel="tag">Muscle health</a>`,
		`<title>Neurology – Fascicle</title>`,
		`<link rel="canonical" href="http://fascicle.test/tags/neurology">`,
		`<meta name="description" content="Articles about Neurology on Fascicle, medically reviewed, with their sources.">`,
	)
	res.wantNotContains("draft-on-nerves", `name="robots"`, `rel="next"`, `rel="prev"`)
	s.get(t, "/tags/muscle-health").wantStatus(http.StatusOK).wantContains("<h1>Muscle health</h1>")

	for _, target := range []string{"/tags/no-such-tag", "/tags/coming-soon", "/tags/neurology?page=2",
		"/tags/neurology?page=0", "/tags/neurology?page=x", "/tags/NEUROLOGY"} {
		s.get(t, target).wantStatus(http.StatusNotFound).wantNotContains("Coming soon")
	}
}

// Ensure a tag page shows ten articles, newest first, with links both ways.
func TestTagPage_Paginates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 1; i <= 11; i++ {
		publish(t, s, i, model.Article{Slug: fmt.Sprintf("nerve-%02d", i), Title: fmt.Sprintf("Nerve article %02d", i), Tags: neurology})
	}
	publish(t, s, 20, model.Article{Slug: "untagged", Title: "Untagged article"})

	first := s.get(t, "/tags/neurology").wantStatus(http.StatusOK)
	first.wantContains("12 articles", "Nerve article 11", "Nerve article 02", `<a rel="next" href="/tags/neurology?page=2">`)
	first.wantNotContains("Nerve article 01", "Understanding Involuntary", "Untagged article", `rel="prev"`)
	if strings.Index(first.Body, "Nerve article 11") > strings.Index(first.Body, "Nerve article 10") {
		t.Error("articles are not newest first")
	}
	second := s.get(t, "/tags/neurology?page=2").wantStatus(http.StatusOK)
	second.wantContains("Nerve article 01", "Understanding Involuntary", `<a rel="prev" href="/tags/neurology">`, "Page 2",
		`<title>Neurology, page 2 – Fascicle</title>`, `<link rel="canonical" href="http://fascicle.test/tags/neurology?page=2">`)
	second.wantNotContains("Nerve article 02", `rel="next"`)
	s.get(t, "/tags/neurology?page=3").wantStatus(http.StatusNotFound)
}

// Ensure the home page lists ten articles a page, newest first, links to the next
// page only when there is one, and has no page past the last.
func TestHomePage_Paginates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 1; i <= 10; i++ { // with the demo article, eleven
		publish(t, s, i, model.Article{Slug: fmt.Sprintf("home-%02d", i), Title: fmt.Sprintf("Home article %02d", i)})
	}
	first := s.get(t, "/").wantStatus(http.StatusOK)
	first.wantContains("Home article 10", "Home article 01", `<a rel="next" href="/?page=2">`)
	first.wantNotContains("Understanding Involuntary", `rel="prev"`)
	second := s.get(t, "/?page=2").wantStatus(http.StatusOK)
	second.wantContains("Understanding Involuntary", `<a rel="prev" href="/">`, "Page 2")
	second.wantNotContains("Home article 01", `rel="next"`)
	s.get(t, "/?page=3").wantStatus(http.StatusNotFound)
}

// Ensure an article's tags link to their pages, on the article and on the home page.
func TestArticleTags_Linked(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	tags := `<ul class="tag-list" aria-label="Tags">
  <li><a href="/tags/neurology" rel="tag">Neurology</a></li>
  <li><a href="/tags/muscle-health" rel="tag">Muscle health</a></li>
</ul>`
	article := s.get(t, articlePath).wantStatus(http.StatusOK).wantContains(tags)
	if strings.Index(article.Body, tags) < strings.Index(article.Body, "</header>") {
		t.Error("the tags are not below the article's header")
	}
	s.get(t, "/").wantStatus(http.StatusOK).wantContains(tags)
	publish(t, s, 1, model.Article{Slug: "no-tags", Title: "An article without tags"})
	home := s.get(t, "/").wantStatus(http.StatusOK)
	if n := strings.Count(home.Body, `class="tag-list"`); n != 1 {
		t.Errorf("%d tag lists on the home page, want 1 (an article without tags has none)", n)
	}
}

// Ensure search answers every query, however odd, with a page and never an error, and
// shows only published articles, with the matches marked and everything escaped.
func TestSearch(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	publish(t, s, 1, model.Article{Slug: "unpublished", Title: "Xylophone therapy", Status: model.ArticleDraft, BodyMarkdown: "xylophone"})
	publish(t, s, 2, model.Article{Slug: "archived", Title: "Xylophone archive", Status: model.ArticleArchived, BodyMarkdown: "xylophone"})
	publish(t, s, 3, model.Article{Slug: "markup", Title: `Zebrafish <b>bold</b> & "quoted"`,
		BodyMarkdown: "Studies in **zebrafish** <script>alert(1)</script> and [a link](https://example.org/zebra)."})

	long := strings.Repeat("a", 10_000)
	tests := []struct {
		Name               string
		Query              string
		ExpectedContent    []string
		NotExpectedContent []string
	}{
		{Name: "Empty", Query: "", ExpectedContent: []string{"Type a word to search.", `<input type="search" id="search-q" name="q" value="" maxlength="200">`}},
		{Name: "Blank", Query: "   ", ExpectedContent: []string{"Type a word to search."}},
		{Name: "OnlyPunctuation", Query: `"*()-:^~?!`, ExpectedContent: []string{"Type a word to search: a search needs letters or digits."}},
		{Name: "VeryLong", Query: long, ExpectedContent: []string{"No articles contain all of", `value="` + strings.Repeat("a", model.MaxSearchQuery) + `"`},
			NotExpectedContent: []string{strings.Repeat("a", model.MaxSearchQuery+1)}},
		{Name: "VeryLongWords", Query: strings.Repeat("twitches ", 2000), ExpectedContent: []string{"1 article contains"}},
		{Name: "Found", Query: "fasciculations", ExpectedContent: []string{
			"1 article contains “fasciculations”",
			`<h2><a href="/articles/understanding-involuntary-muscle-twitches">` + demoTitle + `</a></h2>`,
			"<mark>Fasciculations</mark>", "By Daniel Reyes", "14 September 2026",
		}},
		{Name: "TitleMarked", Query: "muscle twitches", ExpectedContent: []string{
			"Understanding Involuntary <mark>Muscle</mark> <mark>Twitches</mark>: Causes and Management",
		}},
		{Name: "PrefixOfLastWord", Query: "involuntary twitc", ExpectedContent: []string{"1 article contains"}},
		{Name: "EveryWordRequired", Query: "twitches zebrafish", ExpectedContent: []string{"No articles contain all of “twitches zebrafish”"}},
		{Name: "CaseAndAccents", Query: "MYOCLONUS", ExpectedContent: []string{"1 article contains"}},
		{Name: "NotPublished", Query: "xylophone", ExpectedContent: []string{"No articles contain all of “xylophone”"},
			NotExpectedContent: []string{"Xylophone therapy", "Xylophone archive"}},
		{Name: "Escaped", Query: "zebrafish", ExpectedContent: []string{
			"<mark>Zebrafish</mark> &lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34;", "Studies in <mark>zebrafish</mark>", "a link",
		}, NotExpectedContent: []string{"<b>bold</b>", "alert(1)</script>", "https://example.org/zebra"}},
		{Name: "QueryEscaped", Query: `<script>alert(2)</script>`, ExpectedContent: []string{
			`value="&lt;script&gt;alert(2)&lt;/script&gt;"`, "No articles contain all of “&lt;script&gt;alert(2)&lt;/script&gt;”",
		}},
	}
	for _, syntax := range []string{`twitches"`, `"twitches`, "NEAR(twitches)", "twitches OR caffeine", "-caffeine", "caffeine*",
		"NOT", "AND AND", "title:twitches", "twitches NEAR/3 caffeine", "\x00twitches", "%", "😀 twitches", "\u00e9\u0301", "\xff\xfe"} {
		tests = append(tests, struct {
			Name               string
			Query              string
			ExpectedContent    []string
			NotExpectedContent []string
		}{Name: "Syntax " + syntax, Query: syntax})
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			res := s.get(t, "/search?q="+url.QueryEscape(tt.Query)).wantStatus(http.StatusOK)
			res.wantContains(tt.ExpectedContent...).wantNotContains(tt.NotExpectedContent...)
			res.wantContains(`<meta name="robots" content="noindex">`, `<form class="search-form" role="search" method="get" action="/search">`,
				`<label for="search-q">`)
			res.wantNotContains(`id="site-search-q"`, "<script>", "Internal error")
		})
	}

	s.get(t, "/search?q=twitches&page=2").wantStatus(http.StatusNotFound)
	s.get(t, "/search?q=twitches&page=0").wantStatus(http.StatusNotFound)
	s.get(t, "/search?page=2").wantStatus(http.StatusNotFound)
}

// Ensure an article with the word in its title ranks above one with it only in its
// body, even when that one is newer and says the word more often.
func TestSearch_RanksTitleAboveBody(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	publish(t, s, 1, model.Article{Slug: "in-title", Title: "Magnesium and night cramps", Summary: "What helps.",
		BodyMarkdown: "Cramps at night are common."})
	publish(t, s, 9, model.Article{Slug: "in-body", Title: "Minerals in food", Summary: "A guide.",
		BodyMarkdown: "Magnesium is in nuts. Magnesium is in greens. Magnesium is in beans."})
	publish(t, s, 5, model.Article{Slug: "in-summary", Title: "Sleep and muscles", Summary: "Magnesium, sleep and rest.",
		BodyMarkdown: "Rest well."})
	// The demo article has the word in its body too.
	res := s.get(t, "/search?q=magnesium").wantStatus(http.StatusOK).wantContains("4 articles contain")
	title := strings.Index(res.Body, `href="/articles/in-title"`)
	summary := strings.Index(res.Body, `href="/articles/in-summary"`)
	body := strings.Index(res.Body, `href="/articles/in-body"`)
	if title < 0 || summary < 0 || body < 0 || !(title < summary && summary < body) {
		t.Errorf("order in page: title %d, summary %d, body %d; want title, summary, body", title, summary, body)
	}
}

// Ensure search results come ten to a page, with links both ways that keep the query.
func TestSearch_Paginates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 1; i <= 12; i++ {
		publish(t, s, i, model.Article{Slug: fmt.Sprintf("quokka-%02d", i), Title: fmt.Sprintf("Quokka note %02d", i), BodyMarkdown: "About the quokka."})
	}
	first := s.get(t, "/search?q=quokka").wantStatus(http.StatusOK)
	first.wantContains("12 articles contain", `<a rel="next" href="/search?page=2&amp;q=quokka">`).wantNotContains(`rel="prev"`)
	if n := strings.Count(first.Body, `<li class="search-result">`); n != 10 {
		t.Errorf("first page has %d results, want 10", n)
	}
	second := s.get(t, "/search?q=quokka&page=2").wantStatus(http.StatusOK)
	second.wantContains(`<a rel="prev" href="/search?q=quokka">`, "page 2").wantNotContains(`rel="next"`)
	if n := strings.Count(second.Body, `<li class="search-result">`); n != 2 {
		t.Errorf("second page has %d results, want 2", n)
	}
	s.get(t, "/search?q=quokka&page=3").wantStatus(http.StatusNotFound)
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

// link returns the href of the feed's link with the given rel.
func (f atomFeed) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

type atomEntry struct {
	Title     string `xml:"title"`
	ID        string `xml:"id"`
	Updated   string `xml:"updated"`
	Published string `xml:"published"`
	Summary   string `xml:"summary"`
	Link      struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Author struct {
		Name  string `xml:"name"`
		Email string `xml:"email"`
	} `xml:"author"`
}

func parseAtom(t testing.TB, res *response) atomFeed {
	t.Helper()
	if got := res.Header.Get("Content-Type"); got != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(res.Body), &feed); err != nil {
		t.Fatalf("not an Atom feed: %v\n%s", err, res.Body)
	}
	return feed
}

// Ensure the site feed has the twenty newest published articles, newest first, with
// their title, address, summary, author and dates.
func TestSiteFeed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 1; i <= 20; i++ {
		publish(t, s, i, model.Article{Slug: fmt.Sprintf("feed-%02d", i), Title: fmt.Sprintf("Feed article %02d", i),
			Summary: fmt.Sprintf("Summary %02d: salt & <water>", i)})
	}
	publish(t, s, 25, model.Article{Slug: "feed-draft", Title: "Feed draft", Status: model.ArticleDraft})
	feed := parseAtom(t, s.get(t, "/feed.xml").wantStatus(http.StatusOK))
	if feed.Title != "Fascicle" || feed.ID != "http://fascicle.test/feed.xml" || feed.Updated != "2026-11-20T08:00:00Z" {
		t.Errorf("feed title %q, id %q, updated %q", feed.Title, feed.ID, feed.Updated)
	}
	if self, home := feed.link("self"), feed.link("alternate"); self != "http://fascicle.test/feed.xml" || home != "http://fascicle.test/" {
		t.Errorf("feed links: self %q, alternate %q; want the feed's own address and the home page", self, home)
	}
	if len(feed.Entries) != 20 {
		t.Fatalf("%d entries, want 20", len(feed.Entries))
	}
	first := feed.Entries[0]
	// Article 23: the demo article is 1 and its pages 2 and 3.
	want := atomEntry{Title: "Feed article 20", ID: "tag:fascicle.test,2026-11-20:article-23",
		Updated: "2026-11-20T08:00:00Z", Published: "2026-11-20T08:00:00Z", Summary: "Summary 20: salt &amp; &lt;water&gt;"}
	want.Link.Href, want.Link.Rel = "http://fascicle.test/articles/feed-20", "alternate"
	want.Author.Name = "Daniel Reyes"
	if first != want {
		t.Errorf("first entry\n got %+v\nwant %+v", first, want)
	}
	if last := feed.Entries[19]; last.Title != "Feed article 01" {
		t.Errorf("last entry = %q, want Feed article 01 (the demo article is 21st)", last.Title)
	}
	for _, e := range feed.Entries {
		if e.Title == "Feed draft" || e.Title == demoTitle || strings.Contains(e.Link.Href, "/pages/") {
			t.Errorf("feed has %q", e.Title)
		}
	}

	// The demo article alone: its update shows after its publication.
	s2 := newSite(t)
	feed = parseAtom(t, s2.get(t, "/feed.xml").wantStatus(http.StatusOK))
	if len(feed.Entries) != 1 || feed.Entries[0].Published != "2026-09-14T08:00:00Z" || feed.Entries[0].Updated != "2026-10-20T16:45:00Z" {
		t.Errorf("demo entry = %+v", feed.Entries)
	}
}

// Ensure an article's replies feed has its approved replies only, newest first, each
// with its author's name and nothing else about them, linked to the reply.
func TestRepliesFeed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther) // held for moderation
	res := s.get(t, articlePath+"/comments.xml").wantStatus(http.StatusOK)
	feed := parseAtom(t, res)
	if feed.Title != "Replies to “"+demoTitle+"”" {
		t.Errorf("title = %q", feed.Title)
	}
	var names []string
	for _, e := range feed.Entries {
		names = append(names, e.Author.Name)
		if e.Author.Email != "" {
			t.Errorf("entry has an author email %q", e.Author.Email)
		}
	}
	if got := strings.Join(names, ", "); got != "Marguerite, Tom Whitaker, Priya N." {
		t.Errorf("authors = %s, want the approved replies newest first", got)
	}
	e := feed.Entries[2]
	if e.Link.Href != "http://fascicle.test/articles/understanding-involuntary-muscle-twitches#comment-1" ||
		e.ID != "tag:fascicle.test,2026-09-15:comment-1" || e.Published != "2026-09-15T19:12:00Z" ||
		!strings.Contains(e.Summary, "<p>My eyelid twitched") || e.Title != "Priya N. replied to “"+demoTitle+"”" {
		t.Errorf("entry = %+v", e)
	}
	res.wantNotContains("Reader One", "<email>", "reader.example.org", "example.net/tom")
	for _, email := range s.commenterEmails(t) {
		res.wantNotContains(email)
	}

	addArticle(t, s, "a-draft-article", model.ArticleDraft)
	addArticle(t, s, "an-archived-article", model.ArticleArchived)
	s.get(t, "/articles/no-such-article/comments.xml").wantStatus(http.StatusNotFound)
	s.get(t, "/articles/a-draft-article/comments.xml").wantStatus(http.StatusNotFound)
	s.get(t, "/articles/an-archived-article/comments.xml").wantStatus(http.StatusGone)
}

// Ensure the sitemap lists the home page, every published article, every tag with a
// published article and every published page at its /pages/ address, each with when
// it last changed, the medical review board and every public profile, and nothing
// else: no private profile, no email.
func TestSitemap(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	publish(t, s, 3, model.Article{Slug: "sleep-and-cramps", Tags: []model.Tag{{Slug: "sleep", Name: "Sleep"}}})
	publish(t, s, 4, model.Article{Slug: "a-draft", Status: model.ArticleDraft, Tags: []model.Tag{{Slug: "secret", Name: "Secret"}}})
	s.exec(t, `INSERT INTO users (name, email, role, slug, created_at, updated_at)
		VALUES ('Private Person', 'private@staff.example', 'author', 'private-person', '2026-01-01', '2026-01-01')`)
	publish(t, s, 5, model.Article{Slug: "unlisted-page", Kind: model.KindPage})
	publish(t, s, 6, model.Article{Slug: "draft-page", Kind: model.KindPage, Status: model.ArticleDraft})
	res := s.get(t, "/sitemap.xml").wantStatus(http.StatusOK)
	if got := res.Header.Get("Content-Type"); got != "application/xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	var set struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(res.Body), &set); err != nil {
		t.Fatalf("not a sitemap: %v\n%s", err, res.Body)
	}
	got := map[string]string{}
	for _, u := range set.URLs {
		got[u.Loc] = u.LastMod
	}
	want := map[string]string{
		"http://fascicle.test/":                             "2026-11-03T08:00:00Z",
		"http://fascicle.test/articles/sleep-and-cramps":    "2026-11-03T08:00:00Z",
		"http://fascicle.test/articles/" + demo.ArticleSlug: "2026-10-20T16:45:00Z",
		"http://fascicle.test/tags/neurology":               "2026-10-20T16:45:00Z",
		"http://fascicle.test/tags/muscle-health":           "2026-10-20T16:45:00Z",
		"http://fascicle.test/tags/sleep":                   "2026-11-03T08:00:00Z",
		"http://fascicle.test/medical-review-board":         "",
		// Pages, in the footer or not; they do not date the home page.
		"http://fascicle.test/pages/" + demo.AboutSlug:           "2026-09-01T08:00:00Z",
		"http://fascicle.test/pages/" + demo.EditorialPolicySlug: "2026-09-01T08:00:00Z",
		"http://fascicle.test/pages/unlisted-page":               "2026-11-05T08:00:00Z",
	}
	// Public profiles, changed when their accounts were.
	rows, err := s.db.Query(`SELECT slug, updated_at FROM users WHERE profile_public = TRUE`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var slug string
		var updated time.Time
		if err := rows.Scan(&slug, &updated); err != nil {
			t.Fatal(err)
		}
		want["http://fascicle.test/authors/"+slug] = updated.UTC().Format(time.RFC3339)
	}
	rows.Close()
	if want["http://fascicle.test/authors/daniel-reyes"] == "" || want["http://fascicle.test/authors/dr-amara-okafor"] == "" {
		t.Fatalf("the demo's author and reviewer have no public profile: %v", want)
	}

	if len(got) != len(want) || len(set.URLs) != len(want) {
		t.Errorf("sitemap has %d addresses, want %d:\n%s", len(set.URLs), len(want), res.Body)
	}
	for loc, lastmod := range want {
		if got[loc] != lastmod {
			t.Errorf("%s: lastmod %q, want %q", loc, got[loc], lastmod)
		}
	}
	res.wantNotContains("a-draft", "secret", "/admin", "/search", "private-person", "@", "draft-page", "/articles/unlisted-page", "/articles/"+demo.AboutSlug)
}

// Ensure robots.txt opens the public pages, closes the staff pages and names the
// sitemap by its full address.
func TestRobots(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	res := s.get(t, "/robots.txt").wantStatus(http.StatusOK)
	want := "User-agent: *\nAllow: /\nDisallow: /admin/\n\nSitemap: http://fascicle.test/sitemap.xml\n"
	if res.Body != want {
		t.Errorf("robots.txt =\n%s\nwant\n%s", res.Body, want)
	}
	if got := res.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
}

// Ensure every public page tells link previews and feed readers what it is, and
// offers the site search; the staff pages do neither.
func TestPublicPages_MetaTags(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	siteFeed := `<link rel="alternate" type="application/atom+xml" title="Fascicle: new articles" href="/feed.xml">`
	search := `<form class="site-search" role="search" method="get" action="/search">
  <label class="visually-hidden" for="site-search-q">Search articles</label>
  <input type="search" id="site-search-q" name="q"`
	tests := []struct {
		Name               string
		URL                string
		Status             int
		ExpectedContent    []string
		NotExpectedContent []string
	}{
		{Name: "Home", URL: "/", Status: http.StatusOK, ExpectedContent: []string{
			siteFeed, search,
			`<meta property="og:type" content="website">`, `<meta property="og:site_name" content="Fascicle">`,
			`<meta property="og:title" content="Fascicle">`, `<meta property="og:url" content="http://fascicle.test/">`,
			`<meta property="og:description" content="Health articles reviewed by medical professionals, with their sources.">`,
			`<meta name="twitter:card" content="summary">`, `<meta name="twitter:title" content="Fascicle">`,
			`<meta name="twitter:description" content="Health articles reviewed by medical professionals, with their sources.">`,
		}, NotExpectedContent: []string{"application/ld+json", "comments.xml"}},
		{Name: "Article", URL: articlePath, Status: http.StatusOK, ExpectedContent: []string{
			siteFeed, search,
			`<link rel="alternate" type="application/atom+xml" title="Replies to this article" href="/articles/understanding-involuntary-muscle-twitches/comments.xml">`,
			`<meta property="og:type" content="article">`, `<meta property="og:title" content="` + demoTitle + `">`,
			`<meta property="og:url" content="http://fascicle.test/articles/understanding-involuntary-muscle-twitches">`,
			`<meta property="og:description" content="Most muscle twitches are harmless`,
			`<meta name="twitter:title" content="` + demoTitle + `">`, `<meta name="twitter:description" content="Most muscle twitches`,
			`<meta name="description" content="Most muscle twitches are harmless`,
			`<script type="application/ld+json">`,
		}},
		{Name: "Tag", URL: "/tags/neurology", Status: http.StatusOK, ExpectedContent: []string{
			siteFeed, search, `<meta property="og:type" content="website">`, `<meta property="og:title" content="Neurology">`,
			`<meta property="og:url" content="http://fascicle.test/tags/neurology">`, `<meta property="og:description" content="Articles about Neurology`,
		}},
		{Name: "Search", URL: "/search?q=twitch", Status: http.StatusOK, ExpectedContent: []string{
			siteFeed, `<meta property="og:type" content="website">`, `<meta property="og:title" content="Search: twitch">`,
			`<meta name="description" content="Search the health articles of Fascicle.">`,
		}, NotExpectedContent: []string{`id="site-search-q"`}},
		{Name: "NotFound", URL: "/nowhere", Status: http.StatusNotFound, ExpectedContent: []string{siteFeed, search}},
		{Name: "StaffSignIn", URL: "/admin/login", Status: http.StatusOK, NotExpectedContent: []string{`property="og:`, `name="twitter:`, "application/atom+xml", "site-search"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s.get(t, tt.URL).wantStatus(tt.Status).wantContains(tt.ExpectedContent...).wantNotContains(tt.NotExpectedContent...)
		})
	}
}

// Ensure indexable pages declare their own address as canonical, page number
// included, and pages kept out of search engines declare none: such a page's path
// without its query (/admin/bans/new, /revisions/diff) may not even answer.
func TestCanonical_OnlyOnIndexablePages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 1; i <= 10; i++ { // with the demo article, two pages
		publish(t, s, i, model.Article{Slug: fmt.Sprintf("canonical-%02d", i), Tags: neurology})
	}
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	var rev int64
	s.db.QueryRow(`SELECT max(id) FROM revisions WHERE article_id = 1`).Scan(&rev)

	indexable := []struct{ URL, Canonical string }{
		{"/", "http://fascicle.test/"},
		{"/?page=2", "http://fascicle.test/?page=2"},
		{"/tags/neurology", "http://fascicle.test/tags/neurology"},
		{"/tags/neurology?page=2", "http://fascicle.test/tags/neurology?page=2"},
		{articlePath, "http://fascicle.test" + articlePath},
		{"/privacy", "http://fascicle.test/privacy"},
	}
	for _, tt := range indexable {
		t.Run("Indexable"+tt.URL, func(t *testing.T) {
			res := s.get(t, tt.URL).wantStatus(http.StatusOK).
				wantContains(`<link rel="canonical" href="` + tt.Canonical + `">`).wantNotContains(`name="robots"`)
			if n := strings.Count(res.Body, `rel="canonical"`); n != 1 {
				t.Errorf("%d canonical links, want 1", n)
			}
		})
	}

	noIndex := []struct {
		URL    string
		Cookie *http.Cookie
		Status int
	}{
		{"/admin/bans/new?comment=1", admin, http.StatusOK},
		{"/admin/articles/1/revisions/diff?from=" + itoa(rev) + "&to=" + itoa(rev), admin, http.StatusOK},
		{"/admin/comments?status=spam", admin, http.StatusOK},
		{"/admin/", admin, http.StatusOK},
		{"/admin/login", nil, http.StatusOK},
		{"/search?q=twitch", nil, http.StatusOK},
		{articlePath + "?replytocom=1", nil, http.StatusOK},
		{"/nowhere", nil, http.StatusNotFound},
		{"/admin/articles/1/revisions/diff", admin, http.StatusUnprocessableEntity},
	}
	for _, tt := range noIndex {
		t.Run("NoIndex"+tt.URL, func(t *testing.T) {
			s.getAs(t, tt.Cookie, tt.URL).wantStatus(tt.Status).
				wantContains(`<meta name="robots" content="noindex">`).wantNotContains(`rel="canonical"`)
		})
	}
}

var jsonLD = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// articleJSONLD returns the structured data of the page, which must hold exactly one
// block of it.
func articleJSONLD(t testing.TB, res *response) map[string]any {
	t.Helper()
	blocks := jsonLD.FindAllStringSubmatch(res.Body, -1)
	if len(blocks) != 1 {
		t.Fatalf("%d JSON-LD blocks, want 1", len(blocks))
	}
	var data map[string]any
	if err := json.Unmarshal([]byte(blocks[0][1]), &data); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, blocks[0][1])
	}
	return data
}

// Ensure an article page describes itself to search engines as a schema.org
// MedicalWebPage: headline, author, dates, medical reviewer, sources and address.
func TestArticle_JSONLD(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.exec(t, `UPDATE article_references SET doi = '10.1212/WNL.0000000000001234', pmid = '12345678' WHERE article_id = 1 AND position = 1`)
	data := articleJSONLD(t, s.get(t, articlePath).wantStatus(http.StatusOK))
	want := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "MedicalWebPage",
		"headline":      demoTitle,
		"url":           "http://fascicle.test/articles/understanding-involuntary-muscle-twitches",
		"datePublished": "2026-09-14T08:00:00Z",
		"dateModified":  "2026-10-20T16:45:00Z",
		"lastReviewed":  "2026-09-08",
		"keywords":      "Neurology, Muscle health",
		"author": map[string]any{"@type": "Person", "name": "Daniel Reyes", "jobTitle": "health writer",
			"url": "http://fascicle.test/authors/daniel-reyes"},
		"reviewedBy": map[string]any{"@type": "Person", "name": "Dr. Amara Okafor", "jobTitle": "MD, neurologist",
			"url": "http://fascicle.test/authors/dr-amara-okafor"},
		"publisher": map[string]any{"@type": "Organization", "name": "Fascicle"},
	}
	for key, value := range want {
		if got, _ := json.Marshal(data[key]); string(got) != mustJSON(t, value) {
			t.Errorf("%s = %s, want %s", key, got, mustJSON(t, value))
		}
	}
	if d, _ := data["description"].(string); !strings.HasPrefix(d, "Most muscle twitches are harmless") {
		t.Errorf("description = %q", d)
	}
	citations, _ := data["citation"].([]any)
	if len(citations) != 7 {
		t.Fatalf("%d citations, want 7", len(citations))
	}
	first := mustJSON(t, citations[0])
	wantFirst := mustJSON(t, map[string]any{
		"@type": "CreativeWork", "name": "Fasciculations and the bedside neurological examination",
		"url": "https://stanfordmedicine25.stanford.edu/", "publisher": map[string]any{"@type": "Organization", "name": "Stanford Medicine 25"},
		"identifier": []any{
			map[string]any{"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1212/WNL.0000000000001234"},
			map[string]any{"@type": "PropertyValue", "propertyID": "PMID", "value": "12345678"},
		},
	})
	if first != wantFirst {
		t.Errorf("first citation\n got %s\nwant %s", first, wantFirst)
	}
	if second, _ := citations[1].(map[string]any); second["identifier"] != nil || second["url"] != "https://www.rush.edu/" {
		t.Errorf("second citation = %v", second)
	}
	if last, _ := citations[6].(map[string]any); mustJSON(t, last["identifier"]) != mustJSON(t, []any{
		map[string]any{"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1093/brain/awh263"},
		map[string]any{"@type": "PropertyValue", "propertyID": "PMID", "value": "15364701"},
	}) {
		t.Errorf("the demo's seventh citation = %v, want its DOI and PubMed ID", last)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Ensure no title, summary, name or source can end the JSON-LD block early and run as
// script, and that the data still says exactly what was written.
func TestArticle_JSONLDCannotBreakOut(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	evil := `</script><script>alert(1)</script>`
	a := publish(t, s, 1, model.Article{Slug: "evil", Title: evil, Summary: "<!-- " + evil + " & \u2028",
		References: []model.Reference{{Title: evil, URL: "https://example.org/</script>"}}})
	s.exec(t, `UPDATE users SET name = ? WHERE id = 1`, evil)
	res := s.get(t, "/articles/"+a.Slug).wantStatus(http.StatusOK)
	res.wantNotContains("<script>alert(1)", "<!-- </script>")
	// reply.js, remember.js and the JSON-LD block are the only elements that close a script.
	if n := strings.Count(res.Body, "</script>"); n != 3 {
		t.Errorf("%d </script> in the page, want 3", n)
	}
	data := articleJSONLD(t, res)
	if data["headline"] != evil || data["description"] != "<!-- "+evil+" & \u2028" {
		t.Errorf("headline %q, description %q", data["headline"], data["description"])
	}
	if author, _ := data["author"].(map[string]any); author["name"] != evil {
		t.Errorf("author = %v", data["author"])
	}
	block := jsonLD.FindStringSubmatch(res.Body)[1]
	for _, c := range []string{"<", ">", "&", "\u2028"} {
		if strings.Contains(block, c) {
			t.Errorf("JSON-LD holds a raw %q:\n%s", c, block)
		}
	}
}

// Ensure "[n]" in an article's text links to its nth reference while there is one,
// and that changing the references updates the page at once, despite the body cache.
func TestArticle_ReferenceMarkers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := publish(t, s, 1, model.Article{Slug: "cited", BodyMarkdown: "Caffeine is a trigger [1]. Sleep matters [2]. Code: `x[1]`.",
		References: []model.Reference{{Title: "Caffeine and muscles", URL: "https://example.org/caffeine"}}})
	linked := `<sup class="ref-marker"><a href="#ref-1" id="cite-1-1" aria-label="Reference 1">[1]</a></sup>`
	res := s.get(t, "/articles/cited").wantStatus(http.StatusOK)
	res.wantContains(linked, "Sleep matters [2].", "<code>x[1]</code>", `<li id="ref-1">`)
	s.exec(t, `INSERT INTO article_references (article_id, position, title, url) VALUES (?, 2, 'Sleep and muscles', 'https://example.org/sleep')`, a.ID)
	s.get(t, "/articles/cited").wantStatus(http.StatusOK).wantContains(linked,
		`Sleep matters <sup class="ref-marker"><a href="#ref-2" id="cite-2-1" aria-label="Reference 2">[2]</a></sup>.`)
}

// Ensure a correction is shown, as written and escaped, with its date when known,
// next to the article's dates.
func TestArticle_CorrectionNote(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantNotContains("Correction:")
	s.exec(t, `UPDATE articles SET correction_note = ? WHERE id = 1`, "The dose in the second section is 10 mg, not 100 mg <b>sorry</b>.")
	res := s.get(t, articlePath).wantStatus(http.StatusOK)
	res.wantContains(`<p class="correction" role="note"><strong>Correction:</strong> The dose in the second section is 10 mg, not 100 mg &lt;b&gt;sorry&lt;/b&gt;.</p>`,
		"Updated <time")
	header := res.Body[strings.Index(res.Body, `<header class="article-header">`):]
	header = header[:strings.Index(header, "</header>")]
	if dates := strings.Index(header, `<p class="dates">`); dates < 0 || strings.Index(header, "Correction:") < dates {
		t.Error("the correction is not beside the dates, in the article's header")
	}
	s.exec(t, `UPDATE articles SET corrected_at = '2026-11-02 09:00:00' WHERE id = 1`)
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<strong>Correction (<time datetime="2026-11-02T09:00:00Z">2 November 2026</time>):</strong> The dose in the second section`)
}

// Ensure each address of an article answers as it should: an archived article is gone,
// an old address of a renamed article moves permanently (without the query string),
// and unpublished articles, renamed or not, are not found.
func TestArticle_AddressAnswers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	rename := func(a *model.Article, slug string) {
		t.Helper()
		a.Slug = slug
		if err := s.store.SaveArticle(ctx, a, nil, "renamed", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rename(publish(t, s, 1, model.Article{Slug: "old-name"}), "new-name")
	rename(publish(t, s, 2, model.Article{Slug: "secret-old", Status: model.ArticleDraft}), "secret-new")
	withdrawn := publish(t, s, 3, model.Article{Slug: "was-here"})
	rename(withdrawn, "then-there")
	s.exec(t, `UPDATE articles SET status = 'archived' WHERE id = ?`, withdrawn.ID)
	publish(t, s, 4, model.Article{Slug: "archived", Status: model.ArticleArchived})
	for _, status := range []model.ArticleStatus{model.ArticleDraft, model.ArticleInReview, model.ArticleScheduled} {
		publish(t, s, 5, model.Article{Slug: "status-" + strings.ReplaceAll(string(status), "_", "-"), Status: status})
	}

	tests := []struct {
		Name     string
		URL      string
		Status   int
		Location string
	}{
		{"Renamed", "/articles/old-name?utm_source=x&replytocom=1", http.StatusMovedPermanently, "/articles/new-name"},
		{"RenamedFeed", "/articles/old-name/comments.xml?x=1", http.StatusMovedPermanently, "/articles/new-name/comments.xml"},
		{"NewName", "/articles/new-name", http.StatusOK, ""},
		{"RenamedDraft", "/articles/secret-old", http.StatusNotFound, ""},
		{"RenamedThenArchived", "/articles/was-here", http.StatusGone, ""},
		{"Archived", "/articles/archived", http.StatusGone, ""},
		{"ArchivedFeed", "/articles/archived/comments.xml", http.StatusGone, ""},
		{"Draft", "/articles/status-draft", http.StatusNotFound, ""},
		{"InReview", "/articles/status-in-review", http.StatusNotFound, ""},
		{"Scheduled", "/articles/status-scheduled", http.StatusNotFound, ""},
		{"Unknown", "/articles/never-was", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			res := s.get(t, tt.URL).wantStatus(tt.Status)
			if got := res.Header.Get("Location"); got != tt.Location {
				t.Errorf("Location = %q, want %q", got, tt.Location)
			}
			res.wantNotContains("secret-new")
			if tt.Status == http.StatusGone {
				res.wantContains("This article has been withdrawn", "Error 410", `<meta name="robots" content="noindex">`)
			}
		})
	}
}

// Ensure no commenter's email reaches the tag, search, feed and sitemap responses.
func TestDiscovery_NoCommenterEmails(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	id, _, _ := s.lastReply(t)
	s.exec(t, `UPDATE comments SET status = 'approved' WHERE id = ?`, id)
	reply := validReply()
	reply.Set("email", "second.reader@example.com")
	reply.Set("comment", "Held reply about twitches and caffeine.")
	s.postReply(t, articlePath+"/comments", reply).wantStatus(http.StatusSeeOther)

	for _, target := range []string{
		"/feed.xml", articlePath + "/comments.xml", "/sitemap.xml", "/robots.txt",
		"/tags/neurology", "/tags/muscle-health", "/search?q=twitches", "/search?q=caffeine",
		"/search?q=reader", "/search?q=example", "/search?q=magnesium", "/search", "/",
	} {
		t.Run(target, func(t *testing.T) {
			res := s.get(t, target).wantStatus(http.StatusOK)
			for _, email := range s.commenterEmails(t) {
				res.wantNotContains(email)
			}
		})
	}
}

// Ensure the new addresses answer HEAD like GET, as crawlers and feed readers expect.
func TestDiscovery_Head(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	srv := httptest.NewServer(s.handler)
	defer srv.Close()
	for _, target := range []string{"/feed.xml", articlePath + "/comments.xml", "/sitemap.xml", "/robots.txt", "/tags/neurology", "/search?q=twitch"} {
		res, err := http.Head(srv.URL + target)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.ContentLength == 0 {
			t.Errorf("HEAD %s: status %d, length %d", target, res.StatusCode, res.ContentLength)
		}
	}
}
