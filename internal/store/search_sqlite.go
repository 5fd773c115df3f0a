package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Search on SQLite reads the newest matches first and stops at MaxSearchMatches+1, so
// that a word in most articles costs about what a rare one does (migration 0022):
// the full-text index keeps its lists newest first, and FTS4 then reads a word's list
// a piece at a time, as the search takes rows, but only for whole words: a prefix
// ("caffeine*") makes it load the lists of all the words it stands for, whole. So the
// search looks its words up in search_words first, and asks for the last word's
// completions by name ("caffeine" OR "caffeinated"). The counts there are also the
// rarity (document frequency) the ranking needs, which FTS4 could only give by
// counting every match (matchinfo's 'x'). The candidates come back from SQLite in one
// row, their hits in hex, and are ranked in Go (no call from SQLite into Go per
// candidate), reading the lengths of only those that can still reach the page; the
// page's excerpts are made in Go too (search_snippet.go). Terms the plan cannot
// handle go the old way: searchQuery, FTS4 reading the prefix whole.

// maxPrefixWords is how many words a search's last word may stand for and still be
// looked up word by word; a shorter prefix ("sl") that begins more words is left to
// FTS4, which reads their lists whole.
const maxPrefixWords = 64

// searchPlan is a search in terms of the words of the index.
type searchPlan struct {
	none  bool   // some word is in no article: nothing matches
	match string // the FTS4 expression, one phrase per word; "" when there is no plan
	// groups[i] lists the phrases (their numbers in match) that stand for term i, and
	// articles[i] in how many articles (at most) term i is.
	groups   [][]int
	articles []float64
	words    map[string]bool // every word of match
}

// planSearch turns terms into whole words of the index: each term as the index splits
// and folds it (search_tokens), and the last one, if it may be a prefix, into the
// words of search_words that begin with it. It returns no plan (match "") when a
// term is not one word of the index or the prefix begins more than maxPrefixWords
// words, and none when a word is in no article.
func (s *Store) planSearch(ctx context.Context, terms []string) (searchPlan, error) {
	var plan searchPlan
	if len(terms) == 0 {
		plan.none = true
		return plan, nil
	}
	db := s.db.WithContext(ctx)
	// Each term as the index has it: one token per term, or no plan.
	input := strings.Join(terms, " ")
	rows, err := db.Raw(`SELECT token, start FROM search_tokens WHERE input = ? ORDER BY position`, input).Rows()
	if err != nil {
		return plan, translate(err)
	}
	words := make([]string, len(terms))
	found := make([]int, len(terms))
	starts := make([]int, len(terms))
	for i, at := 1, 0; i < len(terms); i++ {
		at += len(terms[i-1]) + 1
		starts[i] = at
	}
	for rows.Next() {
		var token string
		var start int
		if err := rows.Scan(&token, &start); err != nil {
			rows.Close()
			return plan, translate(err)
		}
		i, _ := slices.BinarySearch(starts, start+1)
		i-- // the term that holds byte start
		if i >= 0 {
			words[i] = token
			found[i]++
		}
	}
	if err := rows.Close(); err != nil {
		return plan, translate(err)
	}
	for _, n := range found {
		if n != 1 {
			return searchPlan{}, nil
		}
	}

	last := len(terms) - 1
	prefix := utf8.RuneCountInString(terms[last]) >= 2 // as matchExpression
	exact := words
	if prefix {
		exact = words[:last]
	}
	query := `SELECT word, articles, 0 AS prefix FROM search_words WHERE word IN (SELECT value FROM json_each(?)) AND articles > 0`
	args := []any{jsonStrings(exact)}
	if prefix {
		query += ` UNION ALL SELECT * FROM (SELECT word, articles, 1 FROM search_words WHERE word GLOB ? AND articles > 0 ORDER BY word LIMIT ?)`
		args = append(args, globLiteral(words[last])+"*", maxPrefixWords+1)
	}
	rows, err = db.Raw(query, args...).Rows()
	if err != nil {
		return plan, translate(err)
	}
	counts := map[string]float64{}
	var completions []string
	var completionCount float64
	for rows.Next() {
		var word string
		var n float64
		var isPrefix bool
		if err := rows.Scan(&word, &n, &isPrefix); err != nil {
			rows.Close()
			return plan, translate(err)
		}
		if isPrefix {
			completions = append(completions, word)
			completionCount = max(completionCount, n)
		} else {
			counts[word] = n
		}
	}
	if err := rows.Close(); err != nil {
		return plan, translate(err)
	}
	if len(completions) > maxPrefixWords {
		return searchPlan{}, nil
	}
	var b strings.Builder
	phrase := 0
	plan.words = map[string]bool{}
	for _, w := range exact {
		plan.words[w] = true
		n, ok := counts[w]
		if !ok {
			return searchPlan{none: true}, nil
		}
		if phrase > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"`)
		plan.groups = append(plan.groups, []int{phrase})
		plan.articles = append(plan.articles, n)
		phrase++
	}
	if prefix {
		if len(completions) == 0 {
			return searchPlan{none: true}, nil
		}
		if phrase > 0 {
			b.WriteByte(' ')
		}
		// A prefix that stands for one word is that word; for several, any of them.
		b.WriteByte('(')
		group := make([]int, len(completions))
		for i, w := range completions {
			plan.words[w] = true
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(`"` + w + `"`)
			group[i] = phrase
			phrase++
		}
		b.WriteByte(')')
		plan.groups = append(plan.groups, group)
		// A completion is in at most the articles of the commonest of the words it
		// stands for, with any other of them in the same articles: count it so.
		plan.articles = append(plan.articles, completionCount)
	}
	plan.match = b.String()
	return plan, nil
}

// jsonStrings is list as a JSON array of strings.
func jsonStrings(list []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(s))
	}
	b.WriteByte(']')
	return b.String()
}

// globLiteral makes s match itself in a GLOB pattern (words of the index hold letters
// and digits only; this makes sure).
func globLiteral(s string) string {
	return strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]").Replace(s)
}

// newestMatchesQuery lists the newest MaxSearchMatches+1 published articles that match,
// newest first, stopping there: FTS4 reads each word's list newest first as far as
// needed, and the small index articles_search_filter says which candidates are
// published articles. Each candidate is "ID MATCHINFO" (matchinfo 'pcnay' in hex: the
// hits of each word in each column, not the lengths, which cost a lookup each), joined
// by commas into one row, so that SQLite hands them to Go in one step.
const newestMatchesQuery = `
	SELECT count(*) AS matches, ifnull(group_concat(candidate, ','), '') AS candidates FROM (
	    SELECT articles_search.docid || ' ' || hex(matchinfo(articles_search, 'pcnay')) AS candidate
	      FROM articles_search
	     CROSS JOIN articles p INDEXED BY articles_search_filter ON p.id = articles_search.docid
	     WHERE articles_search MATCH ? AND p.status = 'published' AND p.kind = 'article'
	     ORDER BY articles_search.docid DESC
	     LIMIT ?)`

// candidateLengthsQuery reads what the exact score and the order of some candidates
// need besides their hits: the length of each column (FTS4's articles_search_docsize,
// a varint per column) and the publication time (as stored: the text SQL compares).
const candidateLengthsQuery = `
	SELECT d.docid, d.size, ifnull(p.published_at, '')
	  FROM articles_search_docsize d
	 CROSS JOIN articles p INDEXED BY articles_search_filter ON p.id = d.docid
	 WHERE d.docid IN (SELECT value FROM json_each(?))`

// searchPageQuery reads one page of results, in any order, with the text of their
// excerpts.
const searchPageQuery = `
	SELECT a.id, a.slug, a.title, a.summary, u.name AS author_name, a.published_at, a.updated_at, a.comments_open,
	       a.body_markdown
	  FROM articles a
	  JOIN users u ON u.id = a.author_id
	 WHERE a.id IN ?`

// candidate is one of the newest matches: its hits, the most it can score (with a
// column length of 0), and once its lengths are read, its score.
type candidate struct {
	id        int64
	hits      []float64 // per term and column: term*columns + column
	bound     float64
	exact     bool
	score     float64
	published string // as stored: the text SQL would compare
}

// searchNewest is SearchArticles on SQLite with a plan: the newest matches from the
// index, ranked here. Only the candidates that may be on the page are scored exactly
// (their lengths read): each one's score is at most its bound, so once the bound of
// the next is below the score of the last on the page (offset+limit), none after it
// can be on the page.
func (s *Store) searchNewest(ctx context.Context, plan searchPlan, limit, offset int) ([]SearchHit, int, error) {
	var matches int
	var list string
	db := s.db.WithContext(ctx)
	if err := db.Raw(newestMatchesQuery, plan.match, MaxSearchMatches+1).Row().Scan(&matches, &list); err != nil {
		return nil, 0, translate(err)
	}
	if matches == 0 {
		return nil, 0, nil
	}
	var stats searchStats
	cands := make([]candidate, 0, matches)
	for entry := range strings.SplitSeq(list, ",") {
		c, err := plan.parse(entry, &stats)
		if err != nil {
			return nil, 0, err
		}
		cands = append(cands, c)
	}
	// The newest MaxSearchMatches are ranked; one more only says there are more.
	slices.SortFunc(cands, func(a, b candidate) int { return cmp.Compare(b.id, a.id) })
	total := len(cands)
	if total > MaxSearchMatches {
		cands = cands[:MaxSearchMatches]
	}
	if offset >= len(cands) || limit <= 0 {
		return nil, 0, nil // past the last page
	}
	slices.SortFunc(cands, func(a, b candidate) int { return cmp.Compare(b.bound, a.bound) })
	want := min(offset+limit, len(cands))
	scored := 0 // cands[:scored] have their exact score
	for scored < len(cands) {
		if scored >= want {
			// The score the page's last place needs: the want-th best exact score.
			exact := make([]float64, scored)
			for i, c := range cands[:scored] {
				exact[i] = c.score
			}
			slices.Sort(exact)
			if cands[scored].bound < exact[scored-want]*(1-1e-9) {
				break
			}
		}
		n := min(max(2*want, 32, scored), len(cands)-scored)
		if err := s.scoreCandidates(ctx, plan, &stats, cands[scored:scored+n]); err != nil {
			return nil, 0, err
		}
		scored += n
	}
	ranked := cands[:scored]
	slices.SortFunc(ranked, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		case a.published != b.published:
			return -strings.Compare(a.published, b.published)
		}
		return cmp.Compare(b.id, a.id)
	})
	page := ranked[offset:want]
	ids := make([]int64, len(page))
	for i, c := range page {
		ids[i] = c.id
	}
	var found []struct {
		Row          summaryRow `gorm:"embedded"`
		BodyMarkdown string
	}
	if err := db.Raw(searchPageQuery, ids).Scan(&found).Error; err != nil {
		return nil, 0, translate(err)
	}
	byID := make(map[int64]int, len(found))
	for i, r := range found {
		byID[r.Row.ID] = i
	}
	hits := make([]SearchHit, 0, len(page))
	for _, c := range page {
		i, ok := byID[c.id]
		if !ok {
			continue // gone since, in another transaction
		}
		r := found[i]
		hit := SearchHit{ArticleSummary: r.Row.model(), Score: c.score, TitleSnippet: snippet(r.Row.Title, plan.words, 64), Snippet: r.Row.Summary}
		// The passage that shows why the article matched: the body's, else the
		// summary's; if only the title matched, the summary as it is.
		if body := snippet(r.BodyMarkdown, plan.words, 40); strings.Contains(body, SnippetStart) {
			hit.Snippet = body
		} else if summary := snippet(r.Row.Summary, plan.words, 40); strings.Contains(summary, SnippetStart) {
			hit.Snippet = summary
		}
		hits = append(hits, hit)
	}
	return hits, total, nil
}

// searchStats are matchinfo's figures for the whole index: the number of rows and each
// column's average length.
type searchStats struct {
	rows   float64
	avgLen []float64
}

// parse reads one entry of newestMatchesQuery: the candidate's hits per term (those of
// all the words a term stands for) and its bound; stats from the first.
func (plan searchPlan) parse(entry string, stats *searchStats) (candidate, error) {
	var c candidate
	id, info, ok := strings.Cut(entry, " ")
	var err error
	if c.id, err = strconv.ParseInt(id, 10, 64); err != nil || !ok {
		return c, fmt.Errorf("search: candidate %.40q is not ID and matchinfo", entry)
	}
	blob, err := hex.DecodeString(info)
	if err != nil || len(blob)%4 != 0 {
		return c, fmt.Errorf("search: candidate %d: matchinfo %.40q is not hex", c.id, info)
	}
	v := make([]float64, len(blob)/4)
	for i := range v {
		v[i] = float64(binary.NativeEndian.Uint32(blob[4*i:]))
	}
	// 'pcnay': phrases, columns, rows, average lengths, then the hits of each phrase in
	// each column of this row.
	if len(v) < 3 {
		return c, fmt.Errorf("search: candidate %d: matchinfo of %d values", c.id, len(v))
	}
	phrases, cols := int(v[0]), int(v[1])
	if len(v) != 3+cols+phrases*cols {
		return c, fmt.Errorf("search: candidate %d: matchinfo of %d values does not fit %d phrases and %d columns", c.id, len(v), phrases, cols)
	}
	if stats.avgLen == nil {
		stats.rows, stats.avgLen = v[2], slices.Clone(v[3:3+cols])
	}
	hits := v[3+cols:]
	c.hits = make([]float64, len(plan.groups)*cols)
	for term, group := range plan.groups {
		for _, p := range group {
			if p >= phrases {
				continue
			}
			for col := range cols {
				c.hits[term*cols+col] += hits[p*cols+col]
			}
		}
	}
	c.bound = plan.score(stats, c.hits, make([]float64, cols))
	return c, nil
}

// score is BM25 as bm25 computes it, with each term's rarity from search_words, of a
// row with hits (per term and column) and column lengths rowLen.
func (plan searchPlan) score(stats *searchStats, hits, rowLen []float64) float64 {
	cols := len(stats.avgLen)
	score := 0.0
	for term := range plan.groups {
		tf := func(col int) float64 { return hits[term*cols+col] }
		score += bm25Term(stats.rows, min(plan.articles[term], stats.rows), stats.avgLen, rowLen, tf, articleWeights)
	}
	return score
}

// scoreCandidates reads the lengths and publication times of cands and scores them.
func (s *Store) scoreCandidates(ctx context.Context, plan searchPlan, stats *searchStats, cands []candidate) error {
	ids := make([]string, len(cands))
	byID := make(map[int64]*candidate, len(cands))
	for i := range cands {
		ids[i] = strconv.FormatInt(cands[i].id, 10)
		byID[cands[i].id] = &cands[i]
	}
	rows, err := s.db.WithContext(ctx).Raw(candidateLengthsQuery, "["+strings.Join(ids, ",")+"]").Rows()
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	cols := len(stats.avgLen)
	for rows.Next() {
		var id int64
		var size []byte
		var published string
		if err := rows.Scan(&id, &size, &published); err != nil {
			return translate(err)
		}
		c := byID[id]
		if c == nil {
			continue
		}
		rowLen := make([]float64, cols)
		for col := range cols {
			n, k := binary.Uvarint(size)
			if k <= 0 {
				return fmt.Errorf("search: article %d: lengths %x are not %d varints", id, size, cols)
			}
			rowLen[col], size = float64(n), size[k:]
		}
		c.score, c.published, c.exact = plan.score(stats, c.hits, rowLen), published, true
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	for i := range cands {
		if !cands[i].exact {
			// No lengths: gone since, in another transaction. It scores its bound.
			cands[i].score, cands[i].exact = cands[i].bound, true
		}
	}
	return nil
}

// articleWeights are the weights of an article's title, summary and body, the columns
// of articles_search.
var articleWeights = []float64{weightTitle, weightSummary, weightBody}
