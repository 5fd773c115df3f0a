package seed_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/fascicle/fascicle/internal/seed"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure a seeded site is searchable by the start of a word as soon as the load ends,
// and (on SQLite) search_words counts the articles of each word right, after a first
// load and after a second.
func TestRun_SearchableAfterTheLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, st := seededStore(t, seedOptions(300, seed.DefaultSeed), seedOptions(100, seed.DefaultSeed+1))
	hits, total, err := st.SearchArticles(ctx, []string{"caff"}, 10, 0)
	if err != nil || len(hits) == 0 || total < len(hits) {
		t.Fatalf("search caff = %d hits of %d, %v; want some", len(hits), total, err)
	}
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM site_meta WHERE name LIKE 'bulk%'`); n != 0 {
		t.Errorf("%d notes of deferred work left", n)
	}
	if storetest.OnPostgres() {
		return
	}
	// The articles that have each word, their text split as the full-text index does.
	const articleWords = `SELECT token AS word, count(*) AS articles FROM (
	    SELECT DISTINCT a.id, t.token FROM articles a CROSS JOIN search_tokens t
	     WHERE t.input = a.title || ' ' || a.summary || ' ' || a.body_markdown)
	 GROUP BY token`
	for _, query := range []string{
		`SELECT count(*) FROM (` + articleWords + `) c LEFT JOIN search_words w ON w.word = c.word WHERE w.articles IS NOT c.articles`,
		`SELECT count(*) FROM search_words w LEFT JOIN (` + articleWords + `) c ON c.word = w.word WHERE w.articles > 0 AND c.word IS NULL`,
	} {
		if n := count(t, db, query); n != 0 {
			t.Errorf("%s = %d, want 0", query, n)
		}
	}
}

// Ensure the seeded staff have their profile addresses, all different, as accounts
// made on the site do: the next start has none to give, which would move the page
// version of every article they signed.
func TestRun_StaffHaveProfileAddresses(t *testing.T) {
	t.Parallel()
	path, _ := seededStore(t, seedOptions(20, seed.DefaultSeed), seedOptions(20, seed.DefaultSeed))
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM users WHERE slug IS NULL OR slug = ''`); n != 0 {
		t.Errorf("%d seeded accounts without a profile address", n)
	}
	if n := count(t, db, `SELECT count(*) FROM users`); n != 20 {
		t.Errorf("%d accounts after two loads, want 20", n)
	}
}

// seedOptions loads articles with seed value v, every client hashed alike.
func seedOptions(articles int, v uint64) seed.Options {
	return seed.Options{Articles: articles, Seed: v, ClientHash: func(netip.Addr) string { return "client" }}
}

// seededStore opens a new database and runs one load for each of loads, in order.
func seededStore(t *testing.T, loads ...seed.Options) (string, *store.Store) {
	t.Helper()
	path := storetest.Path(t)
	st := openStore(t, path)
	for _, opts := range loads {
		if _, err := seed.Run(context.Background(), st, opts); err != nil {
			t.Fatal(err)
		}
	}
	return path, st
}
