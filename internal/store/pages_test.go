package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure the lists readers see hold articles only (the home page, the feed, search and
// the sitemap's articles), while the footer lists the published pages that have a
// footer position, in that order, and the sitemap's pages every published page.
func TestPages_ListedApartFromArticles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, storetest.Path(t))
	author := &model.User{Name: "Ed", Role: model.RoleEditor}
	if err := st.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	at := func(n int) *int { return &n }
	add := func(kind model.ArticleKind, slug string, status model.ArticleStatus, footer *int) {
		t.Helper()
		now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
		a := &model.Article{Kind: kind, Slug: slug, Title: "Title " + slug, BodyMarkdown: "Caffeine and sleep.",
			Status: status, AuthorID: author.ID, FooterPosition: footer, PublishedAt: &now}
		if err := st.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	add(model.KindArticle, "an-article", model.ArticlePublished, nil)
	add(model.KindPage, "contact", model.ArticlePublished, at(3))
	add(model.KindPage, "about", model.ArticlePublished, at(1))
	add(model.KindPage, "unlisted", model.ArticlePublished, nil)
	add(model.KindPage, "draft-page", model.ArticleDraft, at(2))
	add(model.KindPage, "editorial-policy", model.ArticlePublished, at(2))

	home, err := st.PublishedArticles(ctx, 10, 0)
	if err != nil || len(home) != 1 || home[0].Slug != "an-article" {
		t.Errorf("home list = %+v, %v; want the article alone", home, err)
	}
	hits, total, err := st.SearchArticles(ctx, []string{"caffeine"}, 10, 0)
	if err != nil || total != 1 || len(hits) != 1 || hits[0].Slug != "an-article" {
		t.Errorf("search = %d hits of %d, %v; want the article alone", len(hits), total, err)
	}
	sitemap, err := st.SitemapArticles(ctx)
	if err != nil || len(sitemap) != 1 || sitemap[0].Slug != "an-article" {
		t.Errorf("sitemap articles = %+v, %v", sitemap, err)
	}

	footer, err := st.FooterPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, p := range footer {
		slugs = append(slugs, p.Slug)
	}
	if want := []string{"about", "editorial-policy", "contact"}; !slices.Equal(slugs, want) || footer[0].Title != "Title about" {
		t.Errorf("footer = %+v, want %v in that order", footer, want)
	}
	pages, err := st.SitemapPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slugs = nil
	for _, p := range pages {
		slugs = append(slugs, p.Slug)
	}
	slices.Sort(slugs)
	if want := []string{"about", "contact", "editorial-policy", "unlisted"}; !slices.Equal(slugs, want) {
		t.Errorf("sitemap pages = %v, want %v", slugs, want)
	}
}

// Ensure the database itself refuses a kind it does not know and a footer position on
// an article, and that migration 0012 can be undone and done again.
func TestMigrate_PagesDownAndUp(t *testing.T) {
	storetest.SQLiteOnly(t, "its migration 0012 down and up; PostgreSQL's schema begins at 0018")
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO users (id, name, role, created_at, updated_at) VALUES (1, 'Ed', 'editor', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	insert := func(slug, kind string, footer any) error {
		_, err := db.Exec(`INSERT INTO articles (slug, title, author_id, created_at, updated_at, kind, footer_position)
			VALUES (?, 'T', 1, 0, 0, ?, ?)`, slug, kind, footer)
		return err
	}
	if err := insert("about", "page", 1); err != nil {
		t.Fatalf("a page in the footer: %v", err)
	}
	if err := insert("leaflet", "leaflet", nil); err == nil {
		t.Error("an unknown kind was stored")
	}
	if err := insert("an-article", "article", 1); err == nil {
		t.Error("an article was given a footer position")
	}

	if err := st.MigrateDownTo(ctx, 11); err != nil {
		t.Fatalf("down: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM pragma_table_info('articles') WHERE name IN ('kind', 'footer_position')`); n != 0 {
		t.Errorf("%d of the new columns left after Down", n)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM articles WHERE kind = 'article' AND footer_position IS NULL`); n != 1 {
		t.Errorf("after Down and Up, %d rows are articles out of the footer, want the 1 row", n)
	}
}
