package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure the addresses an imported site had keep working: an old permalink path (with
// or without its trailing slash), /?p=ID and /?page_id=ID move permanently to the
// article or page here; an old address of a draft is not found (nothing unpublished is
// revealed) and one of an archived article is gone; WordPress's feed, tag, category
// and search addresses move to ours.
func TestOldAddresses_Answer(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	now := time.Now()
	old := func(address string, a *model.Article) {
		t.Helper()
		if _, err := s.store.AddOldAddress(ctx, address, a.ID, now); err != nil {
			t.Fatal(err)
		}
	}
	cramps := publish(t, s, 1, model.Article{Slug: "heat-cramps"})
	old("/2019/05/heat-cramps", cramps)
	old("/?p=21", cramps)
	about := publish(t, s, 2, model.Article{Slug: "about-us", Kind: model.KindPage})
	old("/about", about)
	old("/?page_id=2", about)
	draft := publish(t, s, 3, model.Article{Slug: "secret-draft", Status: model.ArticleDraft})
	old("/2020/01/secret-draft", draft)
	old("/?p=30", draft)
	archived := publish(t, s, 4, model.Article{Slug: "old-advice", Status: model.ArticleArchived})
	old("/2015/02/old-advice", archived)

	tests := []struct {
		Name     string
		URL      string
		Status   int
		Location string
	}{
		{"Path", "/2019/05/heat-cramps/", http.StatusMovedPermanently, "/articles/heat-cramps"},
		{"PathWithoutSlash", "/2019/05/heat-cramps", http.StatusMovedPermanently, "/articles/heat-cramps"},
		{"PathWithQuery", "/2019/05/heat-cramps/?utm_source=mail", http.StatusMovedPermanently, "/articles/heat-cramps"},
		{"PostID", "/?p=21", http.StatusMovedPermanently, "/articles/heat-cramps"},
		{"PageID", "/?page_id=2", http.StatusMovedPermanently, "/pages/about-us"},
		{"PagePath", "/about/", http.StatusMovedPermanently, "/pages/about-us"},
		{"DraftPath", "/2020/01/secret-draft/", http.StatusNotFound, ""},
		{"DraftID", "/?p=30", http.StatusOK, ""}, // the home page, as for any unknown ID
		{"UnknownID", "/?p=999", http.StatusOK, ""},
		{"Archived", "/2015/02/old-advice/", http.StatusGone, ""},
		{"Unknown", "/2019/05/never-was/", http.StatusNotFound, ""},
		{"Feed", "/feed/", http.StatusMovedPermanently, "/feed.xml"},
		{"Tag", "/tag/neurology/", http.StatusMovedPermanently, "/tags/neurology"},
		{"Category", "/category/health/neurology/", http.StatusMovedPermanently, "/tags/neurology"},
		{"Search", "/?s=heat+cramps", http.StatusMovedPermanently, "/search?q=heat+cramps"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			res := s.get(t, tt.URL).wantStatus(tt.Status)
			if got := res.Header.Get("Location"); got != tt.Location {
				t.Errorf("Location = %q, want %q", got, tt.Location)
			}
			res.wantNotContains("Title of secret-draft") // the 404 page may repeat the address asked for, never the draft
		})
	}
	t.Run("PostIsRefused", func(t *testing.T) {
		res := s.postForm(t, "/2019/05/heat-cramps/", nil, nil)
		if res.Code == http.StatusMovedPermanently {
			t.Errorf("a POST to an old address was redirected")
		}
	})
}
