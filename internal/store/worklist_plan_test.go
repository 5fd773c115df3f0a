package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure the staff dashboards and the scheduler find their rows through indexes: the
// work in progress from the articles by status (the pending changes and change
// requests are read whole: each of their rows is work), the waiting replies from the
// status index, the due changes from theirs; never by reading every article or reply.
// The SQL is the store's.
func TestWorkQueries_UseIndexes(t *testing.T) {
	storetest.SQLiteOnly(t, "its query planner")
	t.Parallel()
	path := storetest.Path(t)
	openStore(t, path)
	db := rawDB(t, path)
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  []string // searches the plan must contain
	}{
		{"WorkItems", store.WorkQuery, []any{0, 0, 500},
			[]string{"SEARCH articles USING", "(status=?)", "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"WorkItemsOfAuthor", store.WorkQuery, []any{3, 3, 500},
			[]string{"SEARCH articles USING", "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"PendingRepliesByArticle", store.PendingByArticleQuery, []any{20},
			[]string{"comments_status_created (status=?)"}},
		{"CommenterHistory", strings.Replace(store.CommenterHistoryQuery, "IN ?", "IN (?, ?)", 1), []any{"a", "b"},
			[]string{"comments_author_email_index_created (author_email_index=?)"}},
		{"DueChanges", store.DueChangesQuery, []any{t0},
			[]string{"article_changes_status_scheduled_at (status=? AND scheduled_at<?)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, full, _ := planOf(t, db, tc.query, tc.args, "articles", "a", "comments", "revisions", "rv")
			shown := "\n  " + strings.Join(plan, "\n  ")
			if len(full) > 0 {
				t.Errorf("full table scan %q; the whole plan:%s", full, shown)
			}
			for _, want := range tc.want {
				if !slices.ContainsFunc(plan, func(step string) bool { return strings.Contains(step, want) }) {
					t.Errorf("the plan does not search %s; the whole plan:%s", want, shown)
				}
			}
			t.Logf("plan:%s", shown)
		})
	}
}
