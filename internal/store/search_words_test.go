package store

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// articleWordsQuery counts the articles that have each word, splitting their text
// as the full-text index does.
const articleWordsQuery = `
	SELECT token, count(*) FROM (
	    SELECT DISTINCT a.id, t.token FROM articles a CROSS JOIN search_tokens t
	     WHERE t.input = a.title || ' ' || a.summary || ' ' || a.body_markdown)
	 GROUP BY token`

// Ensure search_words counts, for each word of the full-text index, the articles that
// have it (as a search for the word finds them), as articles are added, edited and deleted (the triggers of migration 0022),
// which the search's completions and ranking rely on.
func TestSearchWords_CountArticlesOfEachWord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	author := &model.User{Name: "Ed", Role: model.RoleEditor}
	if err := st.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	db, err := st.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	read := func(query string) map[string]int {
		t.Helper()
		rows, err := conn.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]int{}
		for rows.Next() {
			var word string
			var n int
			if err := rows.Scan(&word, &n); err != nil {
				t.Fatal(err)
			}
			m[word] = n
		}
		return m
	}
	check := func(when string) {
		t.Helper()
		want := read(articleWordsQuery)
		got := read(`SELECT word, articles FROM search_words WHERE articles > 0`)
		if !maps.Equal(got, want) {
			t.Errorf("%s: search_words = %v, want %v", when, got, want)
		}
		for word, n := range want {
			var matches int
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM articles_search WHERE articles_search MATCH ?`, `"`+word+`"`).Scan(&matches); err != nil || matches != n {
				t.Errorf("%s: the index finds %q in %d articles (%v), search_words says %d", when, word, matches, err, n)
			}
		}
		if len(want) == 0 {
			t.Errorf("%s: the index has no words", when)
		}
	}

	now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	var articles []*model.Article
	for i, text := range []string{"Zinc and copper, zinc again.", "Copper: the Élan of COPPER.", "Iron."} {
		a := &model.Article{Slug: fmt.Sprintf("a%d", i), Title: fmt.Sprintf("Article %d", i), Summary: "Minerals.",
			BodyMarkdown: text, Status: model.ArticlePublished, AuthorID: author.ID, PublishedAt: &now}
		if err := st.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		articles = append(articles, a)
	}
	check("after adding")
	a := articles[0]
	a.Title, a.BodyMarkdown = "Zinc only", "Zinc, and nothing else."
	if err := st.SaveArticle(ctx, a, nil, "", now); err != nil {
		t.Fatal(err)
	}
	check("after an edit")
	if _, err := st.ChangeStatus(ctx, articles[1].ID, articles[1].Version, model.ArticleDraft, nil, nil, "", now); err != nil {
		t.Fatal(err)
	}
	check("after a change of status")
	for _, table := range []string{"revisions", "articles"} {
		column := "article_id"
		if table == "articles" {
			column = "id"
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+column+` = ?`, articles[2].ID); err != nil {
			t.Fatal(err)
		}
	}
	check("after a deletion")
	var iron int
	if err := conn.QueryRowContext(ctx, `SELECT articles FROM search_words WHERE word = 'iron'`).Scan(&iron); err != nil || iron != 0 {
		t.Errorf("iron, in no article now: %d, %v; want 0", iron, err)
	}
}

// Ensure migration 0022 brings the articles a site has into the new index: found by
// the start of a word, drafts not, and each word counted; and that going back down
// leaves them searchable the old way.
func TestMigrate_SearchNewestFirstKeepsArticles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, p := storeAtVersion(t, 21)
	db := st.db.WithContext(ctx)
	if err := db.Exec(`INSERT INTO users (id, name, role, created_at, updated_at) VALUES (1, 'Ed', 'editor', '2026-01-01', '2026-01-01')`).Error; err != nil {
		t.Fatal(err)
	}
	for i, status := range []string{"published", "published", "draft"} {
		if err := db.Exec(`INSERT INTO articles (slug, title, summary, body_markdown, status, author_id, published_at, created_at, updated_at)
			VALUES (?, ?, 'Minerals.', 'Zinc and zinc lozenges.', ?, 1, '2026-01-01', '2026-01-01', '2026-01-01')`,
			fmt.Sprintf("a%d", i), fmt.Sprintf("Zinc %d", i), status).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	hits, total, err := st.SearchArticles(ctx, []string{"lozenge"}, 10, 0)
	if err != nil || total != 2 || len(hits) != 2 {
		t.Errorf("lozenge after the migration = %d hits of %d, %v; want the 2 published articles", len(hits), total, err)
	}
	var zinc int
	if err := db.Raw(`SELECT articles FROM search_words WHERE word = 'zinc'`).Scan(&zinc).Error; err != nil || zinc != 3 {
		t.Errorf("zinc is counted in %d articles (%v), want 3", zinc, err)
	}
	if _, err := p.DownTo(ctx, 21); err != nil {
		t.Fatal(err)
	}
	var found int
	if err := db.Raw(`SELECT count(*) FROM articles_search WHERE articles_search MATCH 'lozenges'`).Scan(&found).Error; err != nil || found != 3 {
		t.Errorf("after going back down the old index finds %d (%v), want 3", found, err)
	}
}
