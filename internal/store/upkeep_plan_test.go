package store_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// Ensure the work done at every start and every day (emails left in clear, client
// data past retention) reads only the replies that need it, through partial indexes,
// so that a large site starts quickly.
func TestUpkeepQueries_UsePartialIndexes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fascicle.db")
	openStore(t, path)
	db := rawDB(t, path)
	for query, want := range map[string]string{
		`SELECT id, author_email FROM comments WHERE author_email != ''`: "comments_plain_email",
		`UPDATE comments SET user_agent = '', client_hash = '', client_prefix = ''
		  WHERE created_at < '2026-01-01' AND (user_agent != '' OR client_hash != '' OR client_prefix != '')`: "comments_client_data_created",
	} {
		rows, err := db.Query("EXPLAIN QUERY PLAN " + query)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "\n"), want) {
			t.Errorf("%s\nplan: %q, want it to use %s", query, plan, want)
		}
	}
}
