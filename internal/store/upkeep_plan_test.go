package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure the work done at every start and every day (emails left in clear, client
// data past retention) reads only the replies that need it, through partial indexes,
// so that a large site starts quickly. The SQL is the store's.
func TestUpkeepQueries_UsePartialIndexes(t *testing.T) {
	storetest.SQLiteOnly(t, "its query planner")
	t.Parallel()
	path := storetest.Path(t)
	openStore(t, path)
	db := rawDB(t, path)
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  string // the index the plan must search
	}{
		{"PlainEmails", store.PlainEmailsQuery, nil, "comments_plain_email"},
		// The cut-off and the batch size, as ApplyRetention binds them.
		{"ClearClientData", store.ClearClientDataQuery, []any{t0, store.RetentionBatch}, "comments_client_data_created"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, full, _ := planOf(t, db, tc.query, tc.args, "comments")
			shown := "\n  " + strings.Join(plan, "\n  ")
			if len(full) > 0 {
				t.Errorf("full table scan %q; the whole plan:%s", full, shown)
			}
			if !slices.ContainsFunc(plan, func(step string) bool { return strings.Contains(step, tc.want) }) {
				t.Errorf("the plan does not use %s; the whole plan:%s", tc.want, shown)
			}
			t.Logf("plan:%s", shown)
		})
	}
}
