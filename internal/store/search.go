package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/model"
)

// driverName is mattn/go-sqlite3 with Fascicle's own SQL functions (article_rank,
// reply_body_hash) registered on every connection. Search uses FTS4, which the
// driver builds in by default; FTS5, which has bm25() built in, needs the
// sqlite_fts5 build tag, and `go run ./cmd/fascicle` must work without one.
const driverName = "sqlite3_fascicle"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			if err := c.RegisterFunc("article_rank", articleRank, true); err != nil {
				return err
			}
			return c.RegisterFunc("reply_body_hash", BodyHash, true)
		},
	})
}

// Search ranking: Okapi BM25 with the usual constants, and each column's weight.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// A word in the title counts ten times a word in the body, one in the summary four
	// times: the order in which a reader judges whether an article is about something.
	weightTitle   = 10.0
	weightSummary = 4.0
	weightBody    = 1.0
)

// bm25 computes bm25(matchinfo(t, 'pcnalx'), w1, w2, …): the Okapi BM25
// score of one full-text match, higher is better, with column i weighted wi (1 when
// not given). matchinfo's blob is 32-bit unsigned integers in the machine's order:
// p phrases, c columns, n rows, c average lengths, c lengths in this row, then for
// each phrase and column the hits in this row, in all rows, and the rows with a hit.
// The idf is Lucene's, log(1 + (n - df + 0.5) / (df + 0.5)), which stays positive
// even when a word is in most articles, as it is in a small collection; df is counted
// per article, not per column (see below).
func bm25(matchinfo []byte, weights ...float64) (float64, error) {
	if len(matchinfo)%4 != 0 || len(matchinfo) < 12 {
		return 0, fmt.Errorf("bm25: matchinfo of %d bytes is not 'pcnalx'", len(matchinfo))
	}
	v := make([]float64, len(matchinfo)/4)
	for i := range v {
		v[i] = float64(binary.NativeEndian.Uint32(matchinfo[4*i:]))
	}
	phrases, cols, rows := int(v[0]), int(v[1]), v[2]
	if len(v) != 3+2*cols+3*cols*phrases {
		return 0, fmt.Errorf("bm25: matchinfo of %d values does not fit %d phrases and %d columns", len(v), phrases, cols)
	}
	avgLen, rowLen, hits := v[3:3+cols], v[3+cols:3+2*cols], v[3+2*cols:]
	score := 0.0
	for p := 0; p < phrases; p++ {
		// How rare the word is, over whole articles: the most articles that have it in
		// any one column. Per-column rarity would let a word that is in many titles
		// weigh less in a title than in a summary, undoing the column weights.
		df := 0.0
		for col := 0; col < cols; col++ {
			df = max(df, hits[3*(p*cols+col)+2])
		}
		score += bm25Term(rows, df, avgLen, rowLen, func(col int) float64 { return hits[3*(p*cols+col)] }, weights)
	}
	return score, nil
}

// bm25Term is one term's part of a row's BM25 score: the term is in df of the rows,
// tf(col) times in column col of this row, whose length is rowLen[col] words against
// avgLen[col] on average; column i is weighted weights[i] (1 when not given).
func bm25Term(rows, df float64, avgLen, rowLen []float64, tf func(col int) float64, weights []float64) float64 {
	idf := math.Log(1 + (rows-df+0.5)/(df+0.5))
	score := 0.0
	for col := range avgLen {
		tf := tf(col)
		if tf == 0 {
			continue
		}
		weight := 1.0
		if col < len(weights) {
			weight = weights[col]
		}
		norm := 1.0
		if avgLen[col] > 0 {
			norm = 1 - bm25B + bm25B*rowLen[col]/avgLen[col]
		}
		score += weight * idf * tf * (bm25K1 + 1) / (tf + bm25K1*norm)
	}
	return score
}

// articleRank is the SQL function article_rank(matchinfo(t, 'pcnalx')): bm25 with the
// weights of an article's title, summary and body. Search calls it for every
// candidate; one argument costs the driver less to convert than four.
func articleRank(matchinfo []byte) (float64, error) {
	return bm25(matchinfo, weightTitle, weightSummary, weightBody)
}

// Marks around each match in a SearchHit's snippets: control characters, which no
// reader types and which the page must turn into <mark> after escaping the text.
const (
	SnippetStart = "\x01"
	SnippetEnd   = "\x02"
)

// SearchHit is a published article that matches a search.
type SearchHit struct {
	model.ArticleSummary
	Score float64
	// TitleSnippet is the title, and Snippet the passage of the body (or the summary)
	// that matches best; both are raw text, Snippet with Markdown in it, with each
	// match between SnippetStart and SnippetEnd.
	TitleSnippet string
	Snippet      string
}

// matchExpression turns search terms (words of letters and digits, see
// model.SearchTerms) into an FTS4 query: each term quoted, so that no word is read as
// an operator (AND, OR, NOT, NEAR), all of them required (terms separated by spaces
// are ANDed), and the last one also matching as a prefix, so that "twitch" finds
// "twitches" and a search typed halfway finds something.
func matchExpression(terms []string) string {
	quoted := make([]string, 0, len(terms))
	for i, t := range terms {
		t = strings.ReplaceAll(t, `"`, "") // terms have no quotes; make sure of it
		if t == "" {
			continue
		}
		if i == len(terms)-1 && len([]rune(t)) >= 2 {
			t += "*"
		}
		quoted = append(quoted, `"`+t+`"`)
	}
	return strings.Join(quoted, " ")
}

// MaxSearchMatches is how many matches a search ranks at most: the newest ones (by
// article ID). A word that is in tens of thousands of articles would otherwise make
// every search for it score them all; past this many, a reader adds a word anyway.
const MaxSearchMatches = 1000

// searchQuery ranks the newest MaxSearchMatches published articles that match, best
// first, and tells on each row how many it ranked (total) and how many published
// matches there were, up to MaxSearchMatches+1 (matches: more than MaxSearchMatches
// means there are more). The full-text index yields the matches newest first, each
// joined to its article by primary key to keep the published articles (drafts and
// pages are in the index too; pages are not search results), and stops at the limit, so scores are computed for those only. The
// ranking reads only each candidate's date; titles and summaries are read for the
// page's rows alone.
const searchQuery = `
	WITH candidates AS MATERIALIZED (
	    SELECT articles_search.docid, matchinfo(articles_search, 'pcnalx') AS info, p.published_at
	      FROM articles_search
	     CROSS JOIN articles p ON p.id = articles_search.docid
	     WHERE articles_search MATCH ? AND p.status = 'published' AND p.kind = 'article'
	     ORDER BY articles_search.docid DESC
	     LIMIT ?),
	ranked AS (
	    SELECT c.docid AS id, c.published_at, article_rank(c.info) AS score, count(*) OVER () AS total
	      FROM candidates c
	     WHERE c.docid >= (SELECT min(docid) FROM (SELECT docid FROM candidates ORDER BY docid DESC LIMIT ?))
	     ORDER BY score DESC, c.published_at DESC, c.docid DESC
	     LIMIT ? OFFSET ?)
	SELECT a.id, a.slug, a.title, a.summary, u.name AS author_name, a.published_at, a.updated_at, a.comments_open,
	       r.score, r.total, (SELECT count(*) FROM candidates) AS matches
	  FROM ranked r
	 CROSS JOIN articles a ON a.id = r.id
	  JOIN users u ON u.id = a.author_id
	 ORDER BY r.score DESC, r.published_at DESC, r.id DESC`

// searchSnippetQuery makes the excerpts of one page of results only.
const searchSnippetQuery = `
	SELECT docid AS id,
	       snippet(articles_search, char(1), char(2), '…', 0, 64) AS title_snippet,
	       snippet(articles_search, char(1), char(2), '…', 1, 40) AS summary_snippet,
	       snippet(articles_search, char(1), char(2), '…', 2, 40) AS body_snippet
	  FROM articles_search
	 WHERE articles_search MATCH ? AND docid IN ?`

// SearchArticles returns one page of the published articles whose title, summary or
// body contain every term, best first (ranked by BM25, a match in the title above one
// in the summary above one in the body), and how many match in all. Only the newest
// MaxSearchMatches matches are ranked; a total above MaxSearchMatches means there are
// more than that. No terms match nothing.
func (s *Store) SearchArticles(ctx context.Context, terms []string, limit, offset int) ([]SearchHit, int, error) {
	if s.engine == SQLite {
		plan, err := s.planSearch(ctx, terms)
		if err != nil {
			return nil, 0, err
		}
		switch {
		case plan.none:
			return nil, 0, nil
		case plan.match != "":
			return s.searchNewest(ctx, plan, limit, offset)
		}
		// Words the plan cannot look up one by one: FTS4 reads the prefix itself.
	}
	match, rankQuery, snippetQuery := matchExpression(terms), searchQuery, searchSnippetQuery
	if s.engine == Postgres {
		match, rankQuery, snippetQuery = tsQuery(terms), searchQueryPostgres, searchSnippetQueryPostgres
	}
	if match == "" {
		return nil, 0, nil
	}
	db := s.db.WithContext(ctx)
	var rows []struct {
		Row            summaryRow `gorm:"embedded"`
		Score          float64
		Total, Matches int
	}
	err := db.Raw(rankQuery, match, MaxSearchMatches+1, MaxSearchMatches, limit, offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	if len(rows) == 0 {
		return nil, 0, nil // past the last page, or no match
	}
	total := rows[0].Total
	if rows[0].Matches > MaxSearchMatches {
		total = MaxSearchMatches + 1
	}
	ranked := make([]rankedRow, len(rows))
	for i, r := range rows {
		ranked[i] = rankedRow{summaryRow: r.Row, score: r.Score}
	}
	hits, err := s.searchHits(ctx, ranked, snippetQuery, match)
	return hits, total, err
}

// rankedRow is one result of a page, before its excerpts.
type rankedRow struct {
	summaryRow
	score float64
}

// searchHits adds the excerpts to one page of results: snippetQuery (with match and the
// page's IDs) gives them.
func (s *Store) searchHits(ctx context.Context, rows []rankedRow, snippetQuery string, args ...any) ([]SearchHit, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var snippets []struct {
		ID             int64
		TitleSnippet   string
		SummarySnippet string
		BodySnippet    string
	}
	if err := s.db.WithContext(ctx).Raw(snippetQuery, append(args, ids)...).Scan(&snippets).Error; err != nil {
		return nil, translate(err)
	}
	byID := make(map[int64]int, len(snippets))
	for i, sn := range snippets {
		byID[sn.ID] = i
	}
	hits := make([]SearchHit, len(rows))
	for i, r := range rows {
		hits[i] = SearchHit{
			ArticleSummary: r.model(),
			Score:          r.score,
			TitleSnippet:   r.Title,
			Snippet:        r.Summary,
		}
		if j, ok := byID[r.ID]; ok {
			sn := snippets[j]
			hits[i].TitleSnippet = sn.TitleSnippet
			// The passage that shows why the article matched: the body's, else the
			// summary's; if only the title matched, the summary as it is.
			switch {
			case strings.Contains(sn.BodySnippet, SnippetStart):
				hits[i].Snippet = sn.BodySnippet
			case strings.Contains(sn.SummarySnippet, SnippetStart):
				hits[i].Snippet = sn.SummarySnippet
			}
		}
	}
	return hits, nil
}
