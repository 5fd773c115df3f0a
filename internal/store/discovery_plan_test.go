package store

import (
	"context"
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure every query of the tag, search, sitemap and profile pages and of the footer
// reads through an index (or the full-text index), never a whole table, and that the search and the tag page
// start from the few rows that match rather than from every article.
func TestDiscoveryQueries_UseIndexes(t *testing.T) {
	t.Parallel()
	st, err := Open(filepath.Join(t.TempDir(), "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		Name  string
		Query string
		Args  []any
		First string // what the outer loop must read, if it matters
		// InOrder: the rows must come in the page's order from an index, not be
		// sorted, since a query that sorts reads every row of the tag first.
		InOrder bool
	}{
		{"TagCount", tagCountQuery, []any{1}, "", false},
		{"TagArticles", tagArticlesQuery, []any{1, 10, 0}, "article_tags_tag_published", true},
		{"ApprovedComments", approvedCommentsQuery, []any{1, "approved"}, "comments_article_status_created", true},
		{"SameReply", sameReplyQuery, []any{BodyHash("x"), 1, nil, "Name", "x", model.CommentStatuses}, "comments_body_hash", false},
		{"SummaryTags", summaryTagsQuery, []any{[]int64{1, 2}}, "", false},
		{"SitemapArticles", sitemapArticlesQuery, nil, "", false},
		{"SitemapTags", sitemapTagsQuery, nil, "", false},
		// Every public page's footer, when its content version is new, and the sitemap:
		// on the partial index of pages, never the articles.
		{"FooterPages", footerPagesQuery, nil, "articles_pages", true},
		{"SitemapPages", sitemapPagesQuery, nil, "articles_pages", false},
		{"Search", searchQuery, []any{`"x"`, MaxSearchMatches + 1, MaxSearchMatches, 10, 0}, "VIRTUAL TABLE", false},
		{"SearchSnippets", searchSnippetQuery, []any{`"x"`, []int64{1}}, "VIRTUAL TABLE", false},
		// The newest matches come from the index in its order, newest first, so that
		// FTS4 stops reading a word's list at the limit; the filter is an index's.
		{"SearchNewest", newestMatchesQuery, []any{`"x"`, MaxSearchMatches + 1}, "VIRTUAL TABLE INDEX", true},
		{"SearchLengths", candidateLengthsQuery, []any{`[1]`}, "", false},
		{"SearchPage", searchPageQuery, []any{[]int64{1, 2}}, "", false},
		{"ArticlesWrittenBy", writtenByQuery, []any{1, 51}, "articles_author_status_published", true},
		{"ArticlesReviewedBy", reviewedByQuery, []any{1, 51}, "articles_reviewer_status_published", true},
		{"ReviewBoard", reviewBoardQuery, nil, "users_public_name", true},
		{"SitemapProfiles", sitemapProfilesQuery, nil, "users_public_name", true},
		{"ArticlePeople", articlePeopleQuery, []any{1, 2}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			var plan []struct {
				ID, Parent, Notused int
				Detail              string
			}
			if err := st.db.Raw("EXPLAIN QUERY PLAN "+tt.Query, tt.Args...).Scan(&plan).Error; err != nil {
				t.Fatal(err)
			}
			if len(plan) == 0 {
				t.Fatal("no query plan")
			}

			for _, step := range plan {
				// The search's candidates (and the page of them it ranks) are subqueries
				// that a LIMIT bounds; reading them all is the point.
				bounded := step.Detail == "SCAN c" || step.Detail == "SCAN r" || step.Detail == "SCAN candidates" || strings.HasPrefix(step.Detail, "SCAN (subquery-")
				// The partial index of public profiles holds those rows only, which the
				// board and the sitemap list in full.
				bounded = bounded || strings.HasSuffix(step.Detail, " USING INDEX users_public_name")
				if strings.HasPrefix(step.Detail, "SCAN ") && !strings.Contains(step.Detail, "VIRTUAL TABLE") && !bounded {
					t.Errorf("reads a whole table: %s", step.Detail)
				}
			}
			for _, step := range plan {
				if tt.InOrder && strings.Contains(step.Detail, "TEMP B-TREE FOR ORDER BY") {
					t.Errorf("sorts its rows: %s", step.Detail)
				}
			}
			// The first loop that reads something, past the subqueries that wrap it.
			first := ""
			for _, step := range plan {
				if !strings.HasPrefix(step.Detail, "CO-ROUTINE ") && !strings.HasPrefix(step.Detail, "MATERIALIZE ") {
					first = step.Detail
					break
				}
			}
			if tt.First != "" && !strings.Contains(first, tt.First) {
				t.Errorf("outer loop is %q, want it on %s", first, tt.First)
			}
		})
	}
}

// Ensure bm25 computes Okapi BM25 from a matchinfo blob, weighs columns, and refuses
// a blob of the wrong shape instead of reading past it.
func TestBM25(t *testing.T) {
	t.Parallel()
	blob := func(values ...uint32) []byte {
		b := make([]byte, 4*len(values))
		for i, v := range values {
			binary.NativeEndian.PutUint32(b[4*i:], v)
		}
		return b
	}
	// One phrase, two columns, 10 rows; average lengths 5 and 50; this row's lengths
	// 5 and 50; the phrase is once in column 0 (in 2 rows in all) and not in column 1.
	m := blob(1, 2, 10, 5, 50, 5, 50, 1, 3, 2, 0, 0, 0)
	idf := math.Log(1 + (10-2+0.5)/(2+0.5))
	want := idf * 1 * (bm25K1 + 1) / (1 + bm25K1)
	if got, err := bm25(m); err != nil || math.Abs(got-want) > 1e-9 {
		t.Errorf("bm25 = %v, %v; want %v", got, err, want)
	}
	if got, _ := bm25(m, 10, 1); math.Abs(got-10*want) > 1e-9 {
		t.Errorf("bm25 with weight 10 = %v, want %v", got, 10*want)
	}
	// The same hit in a row twice as long as average scores less.
	longer := blob(1, 2, 10, 5, 50, 10, 50, 1, 3, 2, 0, 0, 0)
	if got, _ := bm25(longer); got >= want {
		t.Errorf("bm25 of a longer row = %v, want less than %v", got, want)
	}
	for _, bad := range [][]byte{nil, {1, 2, 3}, blob(1, 2, 10, 5, 50), blob(9, 9, 1, 0, 0, 0)} {
		if _, err := bm25(bad); err == nil {
			t.Errorf("bm25(%v) did not fail", bad)
		}
	}
}

// Ensure the full-text query is built from quoted words, so that no word is read as an
// operator, with the last word also matching as a prefix.
func TestMatchExpression(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Terms []string
		Want  string
	}{
		{nil, ""},
		{[]string{"zinc"}, `"zinc*"`},
		{[]string{"muscle", "twitch"}, `"muscle" "twitch*"`},
		{[]string{"not", "or", "near"}, `"not" "or" "near*"`},
		{[]string{"vitamin", "d"}, `"vitamin" "d"`},
		{[]string{`a"b`}, `"ab*"`},
	}
	for _, tt := range tests {
		if got := matchExpression(tt.Terms); got != tt.Want {
			t.Errorf("matchExpression(%q) = %s, want %s", tt.Terms, got, tt.Want)
		}
	}
}
