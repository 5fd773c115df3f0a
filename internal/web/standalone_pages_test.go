package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// footerLinks returns the links of the footer's list on a page, as "Title=/address".
func footerLinks(t testing.TB, body string) []string {
	t.Helper()
	start := strings.Index(body, `<nav class="footer-links"`)
	if start < 0 {
		t.Fatalf("no footer links on the page:\n%.3000s", body)
	}
	nav := body[start:]
	nav = nav[:strings.Index(nav, "</nav>")]
	var links []string
	for _, m := range regexp.MustCompile(`<a href="([^"]+)">([^<]+)</a>`).FindAllStringSubmatch(nav, -1) {
		links = append(links, m[2]+"="+m[1])
	}
	return links
}

// pageValues returns a valid page from the editor.
func pageValues(title, footer string) url.Values {
	return url.Values{
		"kind": {"page"}, "title": {title}, "slug": {""}, "summary": {"How to reach us."},
		"body": {"Write to the editors.\n"}, "footer_position": {footer}, "version": {"0"}, "action": {"save"},
		"ref_title": {""}, "ref_url": {""}, "ref_publisher": {""}, "ref_doi": {""}, "ref_pmid": {""},
	}
}

// Ensure the footer of every public page, errors included, lists the published pages
// that have a footer position, in that order, then Privacy; and never a draft page or
// a page left out of the footer.
func TestFooter_PagesInOrderOnEveryPublicPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	addPage(t, s, "contact", model.ArticlePublished, 3)
	addPage(t, s, "not-in-footer", model.ArticlePublished, 0)
	addPage(t, s, "coming-soon", model.ArticleDraft, 1)
	want := []string{"About us=/pages/about", "Editorial policy=/pages/editorial-policy", "Title of contact=/pages/contact"}
	paths := []string{"/", articlePath, "/tags/neurology", "/search?q=twitch", "/privacy", "/pages/about", "/pages/contact",
		"/pages/not-in-footer", "/articles/no-such-article"}
	check := func(t *testing.T, want []string) {
		for _, path := range paths {
			res := s.get(t, path)
			got := footerLinks(t, res.Body)
			pages := slices.DeleteFunc(slices.Clone(got), func(l string) bool { return !strings.Contains(l, "=/pages/") })
			if !slices.Equal(pages, want) {
				t.Errorf("%s (%d): footer pages %q, want %q", path, res.Code, pages, want)
			}
			if got[len(got)-1] != "Privacy=/privacy" {
				t.Errorf("%s: footer ends with %q, want Privacy after the pages", path, got[len(got)-1])
			}
			res.wantNotContains("coming-soon", "Title of coming-soon")
		}
	}
	t.Run("ByPosition", func(t *testing.T) { check(t, want) })
	// A new position reorders every footer at once (the cached pages too).
	s.exec(t, `UPDATE articles SET footer_position = 9 WHERE slug = ?`, demo.AboutSlug)
	t.Run("Reordered", func(t *testing.T) { check(t, []string{want[1], want[2], want[0]}) })
}

// Ensure a cached page shows a page in its footer as soon as the page is published
// through the editor, review and workflow, and not while it is a draft.
func TestFooter_CachedPageShowsNewlyPublishedPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	reviewer := s.signIn(t, s.addUser(t, model.RoleReviewer))
	link := `<a href="/pages/contact-us">Contact us</a>`
	for _, path := range []string{"/", articlePath} {
		s.get(t, path).wantStatus(http.StatusOK).wantNotContains(link)
		if res := s.get(t, path).wantNotContains(link); res.Header.Get("X-Cache") != "hit" {
			t.Fatalf("%s: second view X-Cache = %q, want a hit: the test would not see a stale footer", path, res.Header.Get("X-Cache"))
		}
	}

	res := s.postForm(t, "/admin/articles/new", pageValues("Contact us", "3"), editor).wantStatus(http.StatusSeeOther)
	var id int64
	if _, err := fmtSscanf(res.Header.Get("Location"), "/admin/articles/%d/edit?done=saved", &id); err != nil {
		t.Fatalf("Location after create = %q", res.Header.Get("Location"))
	}
	s.get(t, "/").wantStatus(http.StatusOK).wantNotContains(link)
	s.postForm(t, "/admin/articles/"+itoa(id)+"/review", url.Values{"version": {"1"}}, reviewer).wantStatus(http.StatusSeeOther)
	s.postForm(t, "/admin/articles/"+itoa(id)+"/status", url.Values{"action": {"publish"}, "version": {"2"}}, editor).wantStatus(http.StatusSeeOther)

	for _, path := range []string{"/", articlePath} {
		first := s.get(t, path).wantStatus(http.StatusOK).wantContains(link)
		if first.Header.Get("X-Cache") != "miss" {
			t.Errorf("%s after publishing: X-Cache = %q, want a miss", path, first.Header.Get("X-Cache"))
		}
		if got := footerLinks(t, first.Body); !slices.Contains(got, "Contact us=/pages/contact-us") || got[2] != "Contact us=/pages/contact-us" {
			t.Errorf("%s: footer %q, want Contact us third", path, got)
		}
		s.get(t, path).wantContains(link)
	}
	s.get(t, "/pages/contact-us").wantStatus(http.StatusOK).wantContains("<h1>Contact us</h1>", "Write to the editors.")
}

// Ensure pages stay out of what lists articles: the home page, the feed, tag pages and
// search, where the words of a page find nothing.
func TestPages_AbsentFromArticleLists(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, path := range []string{"/", "/tags/neurology", "/tags/muscle-health", "/search?q=moderator"} {
		res := s.get(t, path).wantStatus(http.StatusOK)
		res.wantNotContains(`href="/articles/`+demo.AboutSlug, `href="/articles/`+demo.EditorialPolicySlug, "Who we are, what we publish",
			"How our articles are written and sourced")
	}
	s.get(t, "/search?q=moderator").wantContains("No articles contain all of “moderator”")
	feed := s.get(t, "/feed.xml").wantStatus(http.StatusOK)
	feed.wantContains(demoTitle).wantNotContains("/pages/", "About us", "Editorial policy")
	s.get(t, "/tags/"+demo.AboutSlug).wantStatus(http.StatusNotFound)
}

// Ensure a page's /articles/ address, and its old addresses after a rename, move
// permanently to its /pages/ address, without the query string.
func TestPages_OldAndArticleAddressesRedirect(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	res := s.get(t, "/articles/about?utm_source=x").wantStatus(http.StatusMovedPermanently)
	if got := res.Header.Get("Location"); got != "/pages/about" {
		t.Errorf("Location = %q, want /pages/about", got)
	}
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	form := pageValues("About us", "1")
	form.Set("slug", "who-we-are")
	form.Set("version", "1")
	form.Set("kind", "article") // ignored: a page stays a page
	form.Set("minor", "on")     // live at once: an address is not medical content
	form.Set("minor_reason", "A clearer address")
	s.postForm(t, "/admin/articles/2/edit", form, editor).wantStatus(http.StatusSeeOther)
	for _, old := range []string{"/pages/about", "/articles/about", "/articles/who-we-are"} {
		res := s.get(t, old).wantStatus(http.StatusMovedPermanently)
		if got := res.Header.Get("Location"); got != "/pages/who-we-are" {
			t.Errorf("%s: Location = %q, want /pages/who-we-are", old, got)
		}
	}
	s.get(t, "/pages/who-we-are").wantStatus(http.StatusOK).wantContains("<h1>About us</h1>", "Write to the editors.")
	s.get(t, "/articles/who-we-are/comments.xml").wantStatus(http.StatusNotFound)
}

// Ensure an author can neither open the page editor nor create or change a page: 403
// with a message that says why, and nothing saved; an author's staff pages offer no
// pages. An editor gets the page editor: a footer position instead of tags and replies.
func TestPages_EditorsOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	author := s.signIn(t, s.addUser(t, model.RoleAuthor))
	why := "Your account (Author) cannot write or change pages: pages such as About or Editorial policy speak for the whole site"
	s.getAs(t, author, "/admin/articles/new?kind=page").wantStatus(http.StatusForbidden).wantContains(why)
	before := s.count(t, `SELECT count(*) FROM articles`)
	s.postForm(t, "/admin/articles/new", pageValues("Contact us", "3"), author).wantStatus(http.StatusForbidden).wantContains(why)
	if n := s.count(t, `SELECT count(*) FROM articles`); n != before {
		t.Errorf("an author's page was saved: %d articles, want %d", n, before)
	}
	s.getAs(t, author, "/admin/articles/2/edit").wantStatus(http.StatusForbidden).wantContains(why)
	form := pageValues("Hijacked", "1")
	form.Set("version", "1")
	s.postForm(t, "/admin/articles/2/edit", form, author).wantStatus(http.StatusForbidden).wantContains(why)
	s.get(t, "/pages/about").wantContains("<h1>About us</h1>").wantNotContains("Hijacked")
	s.getAs(t, author, "/admin/articles").wantStatus(http.StatusOK).
		wantContains("Write an article").wantNotContains("Write a page", "?kind=page", "About us")
	s.getAs(t, author, "/admin/articles/new").wantStatus(http.StatusOK).wantContains("Write an article", `id="tags"`)

	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	list := s.getAs(t, editor, "/admin/articles?kind=page").wantStatus(http.StatusOK)
	list.wantContains("<h1>Pages</h1>", `<a class="button" href="/admin/articles/new?kind=page">Write a page</a>`,
		"About us", "Editorial policy", `<th scope="col">Footer</th>`).wantNotContains(demoTitle)
	s.getAs(t, editor, "/admin/articles").wantStatus(http.StatusOK).wantContains(demoTitle).wantNotContains("Editorial policy")
	s.getAs(t, editor, "/admin/articles/new?kind=page").wantStatus(http.StatusOK).
		wantContains("<h1>Write a page</h1>", `name="kind" value="page"`, `id="footer_position"`, "/pages/<strong>address</strong>").
		wantNotContains(`id="tags"`, `id="comments_open"`, "/articles/<strong>address</strong>")
	s.getAs(t, editor, "/admin/articles/2/edit").wantStatus(http.StatusOK).
		wantContains("<h1>Edit page</h1>", `id="footer_position" name="footer_position" type="number" min="1" max="99" step="1" value="1"`).
		wantNotContains(`id="tags"`, `id="comments_open"`)
	s.getAs(t, editor, "/admin/articles/2").wantStatus(http.StatusOK).wantContains(`<a href="/pages/about">view the live version</a>`)
	s.getAs(t, editor, "/admin/articles/new?kind=leaflet").wantStatus(http.StatusNotFound)
	s.getAs(t, editor, "/admin/articles?kind=leaflet").wantStatus(http.StatusNotFound)
}

// Ensure a refused save of the page editor shows it again with 422, the problem beside
// its field, every value typed, and the page's own fields, and saves nothing.
func TestPages_InvalidSaveKeepsWork(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	tests := []struct {
		Name    string
		Change  func(v url.Values)
		Message string
	}{
		{"ErrTitleRequired", func(v url.Values) { v.Set("title", " ") }, "Title is required."},
		{"ErrFooterNotANumber", func(v url.Values) { v.Set("footer_position", "first") }, "Enter a whole number, such as 1 for the first link"},
		{"ErrFooterOutOfRange", func(v url.Values) { v.Set("footer_position", "100") }, "The footer position is a number from 1 to 99"},
		{"ErrTags", func(v url.Values) { v.Set("tags", "Neurology") }, "A page has no tags: tags group articles."},
		{"ErrReferenceURL", func(v url.Values) {
			v["ref_title"], v["ref_url"] = []string{"Our sources"}, []string{"ftp://example.org"}
		},
			"Reference 1 needs a web address starting with http:// or https://."},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			before := s.count(t, `SELECT count(*) FROM articles`)
			v := pageValues("Contact <the> editors", "4")
			v.Set("summary", "How to reach us & why.")
			v.Set("body", "Write to us <b>here</b>.")
			v.Set("correction_note", "Corrected the address.")
			tt.Change(v)
			res := s.postForm(t, "/admin/articles/new", v, editor).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("<h1>Write a page</h1>", "The page was not saved.", htmlEscape(tt.Message),
				"Write to us &lt;b&gt;here&lt;/b&gt;.</textarea>", "How to reach us &amp; why.</textarea>",
				`value="Corrected the address."`, `name="kind" value="page"`, `id="footer_position"`)
			res.wantNotContains(`id="comments_open"`, "The article was not saved.")
			if v.Get("title") != " " {
				res.wantContains(`value="Contact &lt;the&gt; editors"`)
			}
			res.wantContains(`name="footer_position" type="number" min="1" max="99" step="1" value="` + v.Get("footer_position") + `"`)
			if n := s.count(t, `SELECT count(*) FROM articles`); n != before {
				t.Error("a refused page was saved")
			}
		})
	}
}

// Ensure the footer and the policy cost no query on a page rendered between changes:
// they are read once per content version, a page the page cache renders uses the version the
// cache read, and a change makes the next page read them again.
func TestFooter_ReadOncePerContentVersion(t *testing.T) {
	t.Parallel()
	queries := func(t *testing.T, s *site, path string) int64 {
		t.Helper()
		before := s.store.QueryCount()
		s.get(t, path).wantStatus(http.StatusOK).wantContains(`<a href="/pages/about">`)
		return s.store.QueryCount() - before
	}
	s := newSite(t)
	// /privacy reads the footer's pages and the policy (its contact address), both
	// kept by content version.
	first := queries(t, s, "/privacy")
	again := queries(t, s, "/privacy")
	if again > first-2 {
		t.Errorf("/privacy again with nothing changed: %d queries, want at most %d (the first view's %d less the footer's and the policy's)", again, first-2, first)
	}
	s.exec(t, `UPDATE articles SET title = 'About the site' WHERE slug = ?`, demo.AboutSlug)
	if changed := queries(t, s, "/privacy"); changed < again+2 {
		t.Errorf("/privacy after a change: %d queries, want at least %d (the footer and the policy read again)", changed, again+2)
	}
	s.get(t, "/privacy").wantContains(`<a href="/pages/about">About the site</a>`)

	// A page the cache renders reads the version once, for the cache and the footer
	// both: as many queries as without the cache, where the footer reads it.
	uncached := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	for range 2 { // the first reads of the version also open the watch on the database
		queries(t, s, "/?page=1")
		queries(t, uncached, "/?page=1")
	}
	if with, without := queries(t, s, "/"), queries(t, uncached, "/"); with != without {
		t.Errorf("the home page rendered by the page cache makes %d queries, %d without the cache", with, without)
	}
}
