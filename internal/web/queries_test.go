package web_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure public pages make a fixed number of queries, however many replies, articles
// or tags they show: no query per item (N+1).
func TestPublicPages_NoQueryPerItem(t *testing.T) {
	t.Parallel()
	count := func(t testing.TB, s *site, path string) int64 {
		t.Helper()
		before := s.store.QueryCount()
		s.get(t, path).wantStatus(http.StatusOK)
		return s.store.QueryCount() - before
	}
	small := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	large := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	ctx := context.Background()
	for i := range 50 {
		var parent *int64
		if i%3 == 1 {
			p := int64(1)
			parent = &p
		}
		c := &model.Comment{ArticleID: 1, ParentID: parent, AuthorName: "Reader " + strconv.Itoa(i), AuthorEmail: "r" + strconv.Itoa(i) + "@example.com",
			Body: "Reply " + strconv.Itoa(i), Status: model.CommentApproved, CreatedAt: time.Now()}
		if err := large.store.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		a := addArticle(t, large, "article-"+strconv.Itoa(i), model.ArticlePublished)
		large.exec(t, `INSERT INTO tags (slug, name) VALUES ('tag-`+strconv.Itoa(i)+`', 'Tag') ON CONFLICT DO NOTHING`)
		large.exec(t, `INSERT INTO article_tags (article_id, tag_id) SELECT ?, id FROM tags WHERE slug IN ('neurology', 'tag-`+strconv.Itoa(i)+`')`, a.ID)
	}
	for _, path := range []string{"/", articlePath, "/tags/neurology", "/search?q=twitch", "/feed.xml", articlePath + "/comments.xml", "/sitemap.xml",
		"/authors/daniel-reyes", "/medical-review-board"} {
		t.Run(path, func(t *testing.T) {
			few, many := count(t, small, path), count(t, large, path)
			if many != few {
				t.Errorf("%s: %d queries with a few items, %d with many", path, few, many)
			}
			if many > 12 {
				t.Errorf("%s makes %d queries", path, many)
			}
			t.Logf("%s: %d queries", path, many)
		})
	}
}

// Ensure an article page rendered again with nothing changed asks the database for
// the article alone and, where the content version is not watched in memory
// (PostgreSQL), for that once: the policy and the footer keep their parts under the
// one version the request read.
func TestArticlePage_RenderedAgainReadsTheVersionOnce(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	s.get(t, articlePath).wantStatus(http.StatusOK)
	before := s.store.QueryCount()
	s.get(t, articlePath).wantStatus(http.StatusOK)
	if n := s.store.QueryCount() - before; n > 2 {
		t.Errorf("the article page rendered again made %d queries, want the article and at most one content version", n)
	}
}
