package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
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
