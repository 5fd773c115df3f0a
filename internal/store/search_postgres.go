package store

import "strings"

// Search on PostgreSQL: the same rules as SQLite's (every term required, the last also
// as a prefix, the newest MaxSearchMatches matches ranked, a title above a summary
// above a body), with PostgreSQL's own tools: the weighted tsvector of articles_search
// on its GIN index, ts_rank_cd for the ranking and ts_headline for the excerpts.

// tsQuery turns search terms (letters and digits, see model.SearchTerms) into a
// tsquery for to_tsquery('simple', …): each term quoted, all required, the last
// matching as a prefix too.
func tsQuery(terms []string) string {
	quoted := make([]string, 0, len(terms))
	for i, t := range terms {
		t = strings.NewReplacer(`'`, "", `\`, "").Replace(t) // terms have neither; make sure of it
		if t == "" {
			continue
		}
		q := "'" + t + "'"
		if i == len(terms)-1 && len([]rune(t)) >= 2 {
			q += ":*"
		}
		quoted = append(quoted, q)
	}
	return strings.Join(quoted, " & ")
}

// searchQueryPostgres is searchQuery on PostgreSQL. search_candidates (migration
// 0022) gives the newest MaxSearchMatches+1 matches, chosen first from the GIN index of
// the listed articles (published articles, not pages) and the narrow rows of
// articles_search, and only then ranked by ts_rank_cd, each reading its weighted text
// once; it keeps each article's publication time for the tie-break, so that the
// articles table is read for the page's rows only.
const searchQueryPostgres = `
	WITH candidates AS MATERIALIZED (
	    SELECT docid, published_at, score FROM search_candidates(to_tsquery('simple', ?), ?)),
	ranked AS (
	    SELECT c.docid AS id, c.published_at, c.score, count(*) OVER () AS total
	      FROM candidates c
	     WHERE c.docid >= (SELECT min(docid) FROM (SELECT docid FROM candidates ORDER BY docid DESC LIMIT ?) newest)
	     ORDER BY c.score DESC, c.published_at DESC, c.docid DESC
	     LIMIT ? OFFSET ?)
	SELECT a.id, a.slug, a.title, a.summary, u.name AS author_name, a.published_at, a.updated_at, a.comments_open,
	       r.score, r.total, (SELECT count(*) FROM candidates) AS matches
	  FROM ranked r
	  JOIN articles a ON a.id = r.id
	  JOIN users u ON u.id = a.author_id
	 ORDER BY r.score DESC, r.published_at DESC, r.id DESC`

// headlineOptions mark matches as SnippetStart and SnippetEnd do on SQLite.
const (
	headlineWhole   = `'StartSel=` + SnippetStart + `, StopSel=` + SnippetEnd + `, HighlightAll=true'`
	headlinePassage = `'StartSel=` + SnippetStart + `, StopSel=` + SnippetEnd + `, MaxWords=40, MinWords=15, MaxFragments=1, FragmentDelimiter=…'`
)

// searchSnippetQueryPostgres is searchSnippetQuery on PostgreSQL.
const searchSnippetQueryPostgres = `
	WITH q AS (SELECT to_tsquery('simple', ?) AS query)
	SELECT a.id,
	       ts_headline('simple', a.title, q.query, ` + headlineWhole + `) AS title_snippet,
	       ts_headline('simple', a.summary, q.query, ` + headlinePassage + `) AS summary_snippet,
	       ts_headline('simple', a.body_markdown, q.query, ` + headlinePassage + `) AS body_snippet
	  FROM articles a CROSS JOIN q
	 WHERE a.id IN ?`
