package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// search returns the slugs SearchArticles finds for terms, best first, and the total.
func search(t *testing.T, st *store.Store, terms ...string) (string, int) {
	t.Helper()
	hits, total, err := st.SearchArticles(context.Background(), terms, 10, 0)
	if err != nil {
		t.Fatalf("search %q: %v", terms, err)
	}
	return strings.Join(hitSlugs(hits), ","), total
}

// Ensure the last word of a search finds every word it begins, and the others only
// themselves, all of them required.
func TestSearchArticles_LastWordCompletes(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	addStoreArticle(t, st, model.Article{Slug: "zorbinated", Title: "Drinks", Summary: "What is in them.",
		BodyMarkdown: "Zorbinated drinks keep some people awake."})
	addStoreArticle(t, st, model.Article{Slug: "zorbine-snooze", Title: "Zorbine and snooze", Summary: "A late zorbine brew.",
		BodyMarkdown: "Zorbine lasts for hours."})
	addStoreArticle(t, st, model.Article{Slug: "tea", Title: "Tea", Summary: "Leaves.", BodyMarkdown: "Green and black tea."})
	tests := []struct {
		Name  string
		Terms []string
		Want  string
	}{
		{"PrefixOfTwoWords", []string{"zorb"}, "zorbine-snooze,zorbinated"},
		{"WholeWordIsAPrefixToo", []string{"zorbine"}, "zorbine-snooze"},
		{"EveryWordRequired", []string{"snooze", "zorb"}, "zorbine-snooze"},
		{"OnlyTheLastWordIsAPrefix", []string{"zorb", "snooze"}, ""},
		{"UnknownWord", []string{"zanzibar"}, ""},
		{"UnknownFirstWord", []string{"zanzibar", "tea"}, ""},
		{"OneLetterIsAWholeWord", []string{"zorbine", "a"}, "zorbine-snooze"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, total := search(t, st, tt.Terms...)
			if got != tt.Want || total != strings.Count(tt.Want, ",")+min(len(tt.Want), 1) {
				t.Errorf("search %q = %q (total %d), want %q", tt.Terms, got, total, tt.Want)
			}
		})
	}
}

// Ensure a search finds an article as it is now: after an edit, by its new words only;
// not while it is unpublished; again once it is published; never once deleted.
func TestSearchArticles_FollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	author := &model.User{Name: "Ed", Role: model.RoleEditor}
	if err := st.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	a := &model.Article{Slug: "minerals", Title: "Minerals", Summary: "Zinc for colds.", BodyMarkdown: "Zinc lozenges.",
		Status: model.ArticlePublished, AuthorID: author.ID, PublishedAt: &now}
	if err := st.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := search(t, st, "zinc"); got != "minerals" {
		t.Fatalf("zinc = %q, want minerals", got)
	}

	a.Summary, a.BodyMarkdown = "Copper for colds.", "Copper bracelets."
	if err := st.SaveArticle(ctx, a, nil, "", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := search(t, st, "zinc"); got != "" {
		t.Errorf("zinc after the edit = %q, want nothing", got)
	}
	if got, _ := search(t, st, "copper"); got != "minerals" {
		t.Errorf("copper after the edit = %q, want minerals", got)
	}

	a, err := st.ChangeStatus(ctx, a.ID, a.Version, model.ArticleDraft, nil, nil, "", now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got, total := search(t, st, "copper"); got != "" || total != 0 {
		t.Errorf("copper while a draft = %q (total %d), want nothing", got, total)
	}
	if _, err := st.ChangeStatus(ctx, a.ID, a.Version, model.ArticlePublished, nil, nil, "", now.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := search(t, st, "copp"); got != "minerals" {
		t.Errorf("copp published again = %q, want minerals", got)
	}

	db := rawDB(t, path)
	for _, table := range []string{"revisions", "slug_redirects", "articles"} {
		column := "article_id"
		if table == "articles" {
			column = "id"
		}
		if _, err := db.Exec(`DELETE FROM `+table+` WHERE `+column+` = ?`, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got, total := search(t, st, "copper"); got != "" || total != 0 {
		t.Errorf("copper once deleted = %q (total %d), want nothing", got, total)
	}
}

// Ensure the pages of a search, read one after another, are the whole ranking in
// order, each article once, for one word and for two.
func TestSearchArticles_PagesFollowTheRanking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	filler := strings.Repeat("Plain words about the body. ", 3)
	for i := range 60 {
		a := model.Article{Slug: fmt.Sprintf("note-%d", i), Title: fmt.Sprintf("Note %d", i), Summary: "A note.",
			BodyMarkdown: strings.Repeat(filler, 1+i%5) + strings.Repeat("magnesium ", 1+i%4)}
		if i%7 == 0 {
			a.Title = "Magnesium " + a.Title
		}
		if i%5 == 0 {
			a.Summary = "Magnesium and sleep."
		}
		if i%3 == 0 {
			a.BodyMarkdown += " Sleep well."
		}
		addStoreArticle(t, st, a)
	}
	for _, terms := range [][]string{{"magnesium"}, {"sleep", "magn"}} {
		all, total, err := st.SearchArticles(ctx, terms, store.MaxSearchMatches, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != total || total == 0 {
			t.Fatalf("%q: %d hits of %d", terms, len(all), total)
		}
		for i := 1; i < len(all); i++ {
			if all[i].Score > all[i-1].Score {
				t.Errorf("%q: %s (%v) ranked below %s (%v)", terms, all[i].Slug, all[i].Score, all[i-1].Slug, all[i-1].Score)
			}
		}
		var paged []store.SearchHit
		for offset := 0; offset < total; offset += 7 {
			page, pageTotal, err := st.SearchArticles(ctx, terms, 7, offset)
			if err != nil {
				t.Fatal(err)
			}
			if pageTotal != total {
				t.Errorf("%q from %d: total %d, want %d", terms, offset, pageTotal, total)
			}
			paged = append(paged, page...)
		}
		if got, want := hitSlugs(paged), hitSlugs(all); !slices.Equal(got, want) {
			t.Errorf("%q page by page:\n%v\nwant the ranking:\n%v", terms, got, want)
		}
	}
}

// Ensure a last word that begins very many words still finds what it begins.
func TestSearchArticles_ShortPrefixOfManyWords(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	var words []string
	for i := range 80 {
		words = append(words, fmt.Sprintf("zq%d", i))
	}
	addStoreArticle(t, st, model.Article{Slug: "codes", Title: "Codes", Summary: "Many codes.", BodyMarkdown: strings.Join(words, " ")})
	addStoreArticle(t, st, model.Article{Slug: "other", Title: "Other", Summary: "One code.", BodyMarkdown: "A zqx code."})
	if got, total := search(t, st, "zq"); got != "other,codes" && got != "codes,other" || total != 2 {
		t.Errorf("zq = %q (total %d), want codes and other", got, total)
	}
	if got, _ := search(t, st, "many", "zq"); got != "codes" {
		t.Errorf("many zq = %q, want codes", got)
	}
	if got, _ := search(t, st, "zq7"); got != "codes" {
		t.Errorf("zq7 = %q, want codes", got)
	}
}
