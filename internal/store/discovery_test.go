package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/seed"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// demoStore returns a migrated store with the demo content.
func demoStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, storetest.Path(t))
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Install(ctx, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// addStoreArticle saves an article by the demo author, published unless status says
// otherwise.
func addStoreArticle(t *testing.T, st *store.Store, a model.Article) *model.Article {
	t.Helper()
	a.AuthorID, a.CommentsOpen = 1, true
	if a.Status == "" {
		a.Status = model.ArticlePublished
	}
	if a.Status == model.ArticlePublished && a.PublishedAt == nil {
		now := time.Now().UTC()
		a.PublishedAt = &now
	}
	if err := st.CreateArticle(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

func hitSlugs(hits []store.SearchHit) []string {
	var slugs []string
	for _, h := range hits {
		slugs = append(slugs, h.Slug)
	}
	return slugs
}

// Ensure search finds published articles only, ranks a match in the title above one
// in the summary above one in the body, requires every word, and marks the matches.
func TestSearchArticles_RanksTitleAboveSummaryAboveBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	addStoreArticle(t, st, model.Article{Slug: "in-body", Title: "Cramps at night", Summary: "Why legs cramp.",
		BodyMarkdown: "Some people take **zinc** for cramps. Zinc is a mineral; zinc also matters for healing."})
	addStoreArticle(t, st, model.Article{Slug: "in-title", Title: "Zinc and your muscles", Summary: "What a mineral does.",
		BodyMarkdown: "A short piece on minerals."})
	addStoreArticle(t, st, model.Article{Slug: "in-summary", Title: "Minerals", Summary: "Zinc, magnesium and iron.",
		BodyMarkdown: "Nothing more here."})
	addStoreArticle(t, st, model.Article{Slug: "draft-zinc", Title: "Zinc draft", Status: model.ArticleDraft, BodyMarkdown: "zinc"})
	addStoreArticle(t, st, model.Article{Slug: "archived-zinc", Title: "Zinc archived", Status: model.ArticleArchived, BodyMarkdown: "zinc"})

	hits, total, err := st.SearchArticles(ctx, []string{"zinc"}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(hitSlugs(hits), ","); got != "in-title,in-summary,in-body" || total != 3 {
		t.Fatalf("search zinc = %s (total %d), want in-title,in-summary,in-body (3)", got, total)
	}
	if !(hits[0].Score > hits[1].Score && hits[1].Score > hits[2].Score && hits[2].Score > 0) {
		t.Errorf("scores not strictly decreasing: %v, %v, %v", hits[0].Score, hits[1].Score, hits[2].Score)
	}
	if want := store.SnippetStart + "Zinc" + store.SnippetEnd + " and your muscles"; hits[0].TitleSnippet != want {
		t.Errorf("title snippet = %q, want %q", hits[0].TitleSnippet, want)
	}
	if !strings.Contains(hits[2].Snippet, store.SnippetStart+"zinc"+store.SnippetEnd) {
		t.Errorf("body snippet %q does not mark the match", hits[2].Snippet)
	}
	if hits[0].Snippet != "What a mineral does." {
		t.Errorf("a title-only match shows %q, want the summary", hits[0].Snippet)
	}
	if hits[0].AuthorName != "Daniel Reyes" || hits[0].PublishedAt.IsZero() {
		t.Errorf("hit lacks its author or date: %+v", hits[0].ArticleSummary)
	}

	t.Run("EveryWordRequired", func(t *testing.T) {
		hits, _, err := st.SearchArticles(ctx, []string{"zinc", "healing"}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(hitSlugs(hits), ","); got != "in-body" {
			t.Errorf("zinc healing = %q, want in-body", got)
		}
	})
	t.Run("LastWordIsAPrefix", func(t *testing.T) {
		hits, _, err := st.SearchArticles(ctx, []string{"twitch"}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(hitSlugs(hits), ","); got != demo.ArticleSlug {
			t.Errorf("twitch = %q, want the demo article (Twitches)", got)
		}
	})
	t.Run("OperatorsAreWords", func(t *testing.T) {
		for _, terms := range [][]string{{"not"}, {"near"}, {"or"}, {"and", "or"}, {`zinc"`, "*"}} {
			if _, _, err := st.SearchArticles(ctx, terms, 10, 0); err != nil {
				t.Errorf("%q: %v", terms, err)
			}
		}
	})
	t.Run("Pages", func(t *testing.T) {
		hits, total, err := st.SearchArticles(ctx, []string{"zinc"}, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(hitSlugs(hits), ","); got != "in-body" || total != 3 {
			t.Errorf("second page = %q (total %d), want in-body (3)", got, total)
		}
	})
	t.Run("NoTerms", func(t *testing.T) {
		hits, total, err := st.SearchArticles(ctx, nil, 10, 0)
		if err != nil || hits != nil || total != 0 {
			t.Errorf("no terms = %v, %d, %v", hits, total, err)
		}
	})
	t.Run("FollowsEdits", func(t *testing.T) {
		a, err := st.Article(ctx, hits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		a.Title = "Copper and your muscles"
		if err := st.SaveArticle(ctx, a, nil, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		hits, _, err := st.SearchArticles(ctx, []string{"copper"}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(hitSlugs(hits), ","); got != "in-title" {
			t.Errorf("copper after the edit = %q, want in-title", got)
		}
	})
}

// Ensure a tag lists its published articles only, newest first, a page at a time, and
// every list carries each article's tags.
func TestPublishedArticlesWithTag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	day := func(d int) *time.Time {
		t := time.Date(2026, 11, d, 8, 0, 0, 0, time.UTC)
		return &t
	}
	neuro := []model.Tag{{Slug: "neurology", Name: "Neurology"}}
	addStoreArticle(t, st, model.Article{Slug: "older", Title: "Older", Tags: neuro, PublishedAt: day(1)})
	addStoreArticle(t, st, model.Article{Slug: "newer", Title: "Newer", Tags: append(neuro, model.Tag{Slug: "sleep", Name: "Sleep"}), PublishedAt: day(2)})
	addStoreArticle(t, st, model.Article{Slug: "draft", Title: "Draft", Tags: neuro, Status: model.ArticleDraft})
	addStoreArticle(t, st, model.Article{Slug: "untagged", Title: "Untagged"})

	tag, err := st.TagBySlug(ctx, "neurology")
	if err != nil || tag.Name != "Neurology" {
		t.Fatalf("TagBySlug = %+v, %v", tag, err)
	}
	if _, err := st.TagBySlug(ctx, "no-such-tag"); err != model.ErrNotFound {
		t.Errorf("unknown tag: err = %v, want ErrNotFound", err)
	}
	n, err := st.CountPublishedArticlesWithTag(ctx, tag.ID)
	if err != nil || n != 3 {
		t.Errorf("count = %d, %v; want 3", n, err)
	}
	list, err := st.PublishedArticlesWithTag(ctx, tag.ID, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, a := range list {
		slugs = append(slugs, a.Slug)
	}
	if got := strings.Join(slugs, ","); got != "newer,older" {
		t.Errorf("first page = %s, want newer,older", got)
	}
	if len(list[0].Tags) != 2 || list[0].Tags[0].Slug != "neurology" || list[0].Tags[1].Name != "Sleep" {
		t.Errorf("tags of newer = %+v", list[0].Tags)
	}
	list, err = st.PublishedArticlesWithTag(ctx, tag.ID, 2, 2)
	if err != nil || len(list) != 1 || list[0].Slug != demo.ArticleSlug || list[0].ReplyCount != 3 {
		t.Errorf("second page = %+v, %v; want the demo article with 3 replies", list, err)
	}

	home, err := st.PublishedArticles(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range home {
		if a.Slug == "untagged" && a.Tags != nil {
			t.Errorf("untagged article has tags %+v", a.Tags)
		}
		if a.Slug == demo.ArticleSlug && (len(a.Tags) != 2 || a.Tags[1].Slug != "muscle-health") {
			t.Errorf("demo article tags on the home list = %+v", a.Tags)
		}
	}
}

// Ensure a tag page follows its articles' status and tags: an article published later
// joins it in date order, an archived one leaves it, and a tag added to a published
// article lists it at once.
func TestPublishedArticlesWithTag_FollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	neuro := []model.Tag{{Slug: "neurology", Name: "Neurology"}}
	at := func(d int) *time.Time {
		t := time.Date(2026, 11, d, 8, 0, 0, 0, time.UTC)
		return &t
	}
	older := addStoreArticle(t, st, model.Article{Slug: "older", Title: "Older", Tags: neuro, PublishedAt: at(1)})
	draft := addStoreArticle(t, st, model.Article{Slug: "draft", Title: "Draft", Tags: neuro, Status: model.ArticleDraft})
	untagged := addStoreArticle(t, st, model.Article{Slug: "untagged", Title: "Untagged", PublishedAt: at(3)})
	tag, err := st.TagBySlug(ctx, "neurology")
	if err != nil {
		t.Fatal(err)
	}
	listed := func() string {
		t.Helper()
		list, err := st.PublishedArticlesWithTag(ctx, tag.ID, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.CountPublishedArticlesWithTag(ctx, tag.ID)
		if err != nil || n != len(list) {
			t.Errorf("count = %d, %v; the list has %d", n, err, len(list))
		}
		var slugs []string
		for _, a := range list {
			slugs = append(slugs, a.Slug)
		}
		return strings.Join(slugs, ",")
	}
	want := func(what, slugs string) {
		t.Helper()
		if got := listed(); got != slugs {
			t.Errorf("%s: tag lists %s, want %s", what, got, slugs)
		}
	}
	want("at first", "older,"+demo.ArticleSlug)

	if _, err := st.ChangeStatus(ctx, draft.ID, draft.Version, model.ArticlePublished, nil, nil, "", *at(2)); err != nil {
		t.Fatal(err)
	}
	want("draft published on the 2nd", "draft,older,"+demo.ArticleSlug)

	if _, err := st.ChangeStatus(ctx, older.ID, older.Version, model.ArticleArchived, nil, nil, "", *at(4)); err != nil {
		t.Fatal(err)
	}
	want("older archived", "draft,"+demo.ArticleSlug)

	untagged.Tags = neuro
	if err := st.SaveArticle(ctx, untagged, nil, "", *at(5)); err != nil {
		t.Fatal(err)
	}
	want("tag added to a published article", "untagged,draft,"+demo.ArticleSlug)

	untagged.Tags = nil
	if err := st.SaveArticle(ctx, untagged, nil, "", *at(6)); err != nil {
		t.Fatal(err)
	}
	want("tag taken off a published article", "draft,"+demo.ArticleSlug)
}

// Ensure the sitemap lists published articles and the tags that have one, each with
// its latest change.
func TestSitemapEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	addStoreArticle(t, st, model.Article{Slug: "draft", Title: "Draft", Status: model.ArticleDraft,
		Tags: []model.Tag{{Slug: "drafts-only", Name: "Drafts only"}}})
	changed := time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC)
	addStoreArticle(t, st, model.Article{Slug: "fresh", Title: "Fresh", UpdatedAt: changed, CreatedAt: changed,
		Tags: []model.Tag{{Slug: "neurology", Name: "Neurology"}}})

	articles, err := st.SitemapArticles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(articles) != 2 || articles[0].Slug != "fresh" || !articles[0].UpdatedAt.Equal(changed) || articles[1].Slug != demo.ArticleSlug {
		t.Errorf("articles = %+v", articles)
	}
	tags, err := st.SitemapTags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		"muscle-health": time.Date(2026, 10, 20, 16, 45, 0, 0, time.UTC),
		"neurology":     changed,
	}
	if len(tags) != len(want) {
		t.Fatalf("tags = %+v, want %v", tags, want)
	}
	for _, tag := range tags {
		if !tag.UpdatedAt.Equal(want[tag.Slug]) {
			t.Errorf("tag %s updated %v, want %v", tag.Slug, tag.UpdatedAt, want[tag.Slug])
		}
	}
}

// Ensure a word in more articles than MaxSearchMatches still answers: the newest
// MaxSearchMatches matches are ranked, and the total says there are more.
func TestSearchArticles_CommonWordRanksNewestMatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	const n = store.MaxSearchMatches + 50
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	err := seed.BulkLoad(ctx, st, 500, func(b *seed.Bulk) error {
		first, _, err := b.NextIDs(ctx)
		if err != nil {
			return err
		}
		for i := range n {
			published := at.Add(time.Duration(i) * time.Hour)
			a := &model.Article{ID: first + int64(i), Slug: fmt.Sprintf("zebra-%d", i), Title: fmt.Sprintf("Note %d", i),
				Summary: "About zebras.", BodyMarkdown: "Stripes of the zebra.", Status: model.ArticlePublished,
				AuthorID: 1, CommentsOpen: true, PublishedAt: &published, CreatedAt: published, UpdatedAt: published}
			if err := b.AddArticle(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	hits, total, err := st.SearchArticles(ctx, []string{"zebra"}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != store.MaxSearchMatches+1 {
		t.Errorf("total = %d, want %d (more than MaxSearchMatches)", total, store.MaxSearchMatches+1)
	}
	if len(hits) != 10 {
		t.Fatalf("%d hits on the first page, want 10", len(hits))
	}
	// Every article scores the same, so the newest come first.
	if hits[0].Slug != fmt.Sprintf("zebra-%d", n-1) {
		t.Errorf("first hit %s, want the newest, zebra-%d", hits[0].Slug, n-1)
	}
	last, _, err := st.SearchArticles(ctx, []string{"zebra"}, 10, store.MaxSearchMatches-1)
	if err != nil || len(last) == 0 || last[0].Slug != fmt.Sprintf("zebra-%d", n-store.MaxSearchMatches) {
		t.Errorf("hits from the %dth on = %v, %v; want zebra-%d first", store.MaxSearchMatches, hitSlugs(last), err, n-store.MaxSearchMatches)
	}
}

// Ensure drafts that match, however many and however new, neither hide published
// articles from a search nor count as matches.
func TestSearchArticles_DraftsNeverCrowdOutPublished(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	err := seed.BulkLoad(ctx, st, 500, func(b *seed.Bulk) error {
		first, _, err := b.NextIDs(ctx)
		if err != nil {
			return err
		}
		for i := range 5 + store.MaxSearchMatches + 1 { // five published, then newer drafts
			published := at.Add(time.Duration(i) * time.Hour)
			a := &model.Article{ID: first + int64(i), Slug: fmt.Sprintf("zinc-%d", i), Title: fmt.Sprintf("Zinc %d", i),
				Summary: "About zinc.", BodyMarkdown: "Zinc and colds.", Status: model.ArticleDraft,
				AuthorID: 1, CreatedAt: published, UpdatedAt: published}
			if i < 5 {
				a.Status, a.PublishedAt = model.ArticlePublished, &published
			}
			if err := b.AddArticle(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	hits, total, err := st.SearchArticles(ctx, []string{"zinc"}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || len(hits) != 5 {
		t.Errorf("search finds %d of %d, want the 5 published articles behind %d newer drafts", len(hits), total, store.MaxSearchMatches+1)
	}
	published := map[string]bool{"zinc-0": true, "zinc-1": true, "zinc-2": true, "zinc-3": true, "zinc-4": true}
	for _, h := range hits {
		if !published[h.Slug] {
			t.Errorf("hit %s is not one of the published articles", h.Slug)
		}
	}
}
