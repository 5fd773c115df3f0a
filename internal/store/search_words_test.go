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

// Ensure search_words counts, for each word of the full-text index, the articles that
// have it, as articles are added, edited and deleted (the triggers of migration 0022),
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
	if _, err := conn.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.index_words USING fts4aux (main, articles_search)`); err != nil {
		t.Fatal(err)
	}
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
		want := read(`SELECT term, documents FROM temp.index_words WHERE col = '*'`)
		got := read(`SELECT word, articles FROM search_words WHERE articles > 0`)
		if !maps.Equal(got, want) {
			t.Errorf("%s: search_words = %v, want the index's %v", when, got, want)
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
