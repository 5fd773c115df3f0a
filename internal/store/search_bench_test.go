package store_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/seed"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Environment of BenchmarkSearch: how many articles the large database has (default
// 100 000, as cmd/fascicle-bench's), and a database to keep between runs, one per
// engine (a SQLite file, or a PostgreSQL URL), seeded on first use. Without it each
// run seeds a new database, which takes about half a minute on SQLite and minutes on
// PostgreSQL.
const (
	benchArticlesEnv = "FASCICLE_BENCH_ARTICLES"
	benchSQLiteEnv   = "FASCICLE_BENCH_SEARCH_SQLITE"
	benchPostgresEnv = "FASCICLE_BENCH_SEARCH_POSTGRES"
)

// benchSearchStore opens the database at path, migrated, with the test keys, and
// seeds it with articles (no replies: search does not read them) unless it has them.
func benchSearchStore(b *testing.B, path string, articles int) *store.Store {
	b.Helper()
	ctx := context.Background()
	st := openStore(b, path)
	if err := demo.Install(ctx, st); err != nil {
		b.Fatal(err)
	}
	if articles == 0 {
		return st
	}
	db := storetest.Open(b, path)
	var have int
	if err := db.QueryRow(`SELECT count(*) FROM articles WHERE kind = 'article'`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have >= articles {
		return st
	}
	_, err := seed.Run(ctx, st, seed.Options{Articles: articles - have, Seed: seed.DefaultSeed,
		ClientHash: func(netip.Addr) string { return "client" }})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkSearch times one page of search results (SearchArticles, ten hits) on the
// engine of the run (named first, so that -bench 'Search/SQLite' runs one), on the demo database (one article) and on a large one of
// generated articles: "caffeine" (as cmd/fascicle-bench searches, in about 9% of the
// articles), "sleep" (in most of them) and both words.
//
//	go test ./internal/store -run '^$' -bench Search -benchtime 2s
func BenchmarkSearch(b *testing.B) {
	articles := 100_000
	if v := os.Getenv(benchArticlesEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: want a number of articles", benchArticlesEnv, v)
		}
		articles = n
	}
	engine, keep := "SQLite", os.Getenv(benchSQLiteEnv)
	if storetest.OnPostgres() {
		engine, keep = "PostgreSQL", os.Getenv(benchPostgresEnv)
	}
	b.Run(engine, func(b *testing.B) {
		benchmarkSearch(b, articles, keep)
	})
}

func benchmarkSearch(b *testing.B, articles int, keep string) {
	large := keep
	if large == "" {
		large = storetest.Path(b)
	}
	stores := []struct {
		name string
		st   *store.Store
	}{
		{"Demo", benchSearchStore(b, storetest.Path(b), 0)},
		{fmt.Sprintf("Large%d", articles), benchSearchStore(b, large, articles)},
	}
	ctx := context.Background()
	for _, s := range stores {
		for _, terms := range [][]string{{"caffeine"}, {"sleep"}, {"sleep", "caffeine"}} {
			b.Run(fmt.Sprintf("%s/%s", s.name, strings.Join(terms, "+")), func(b *testing.B) {
				for b.Loop() {
					hits, _, err := s.st.SearchArticles(ctx, terms, 10, 0)
					if err != nil {
						b.Fatal(err)
					}
					if len(hits) == 0 && s.name != "Demo" {
						b.Fatal("no hits")
					}
				}
			})
		}
	}
}
