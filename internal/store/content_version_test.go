package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure the content version a store keeps is never older than the database's, also
// when another process changes it: a second store on the same file stands for a
// second server or a command, and a plain connection for any other program.
func TestContentVersion_SeesOtherWritersAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	server, other := openStore(t, path), openStore(t, path)
	raw := storetest.Open(t, path)
	version := func(st *store.Store) int64 {
		t.Helper()
		v, err := st.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i := range 50 {
		before := version(server)
		if again := version(server); again != before {
			t.Fatalf("round %d: the version changed with nothing written: %d, then %d", i, before, again)
		}
		var err error
		if i%2 == 0 {
			_, err = raw.Exec(`UPDATE content_version SET version = version + 1 WHERE id = 1`)
		} else {
			// The second store writes and reads, then a plain connection changes an article.
			var p model.Policy
			if p, err = other.Policy(ctx); err == nil {
				err = other.SavePolicy(ctx, p)
			}
			if err == nil {
				_, err = raw.Exec(`UPDATE articles SET title = title || '.' WHERE id = (SELECT min(id) FROM articles)`)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if after := version(server); after == before {
			t.Fatalf("round %d: a commit by another connection left the version at %d", i, after)
		}
	}
	// Where the version is kept between commits, asking costs no query.
	if storetest.OnPostgres() {
		return
	}
	version(server)
	queries := server.QueryCount()
	for range 10 {
		version(server)
	}
	if n := server.QueryCount() - queries; n != 0 {
		t.Errorf("10 reads of an unchanged version made %d queries, want 0", n)
	}
}

// Ensure the policy a store keeps between changes is never older than the saved one,
// whoever saves it, and that a caller changing the lists it was given changes nothing
// for the next.
func TestPolicy_KeptUntilAChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	server, other := openStore(t, path), openStore(t, path)
	policy := func() model.Policy {
		t.Helper()
		p, err := server.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for depth := 2; depth <= 6; depth++ {
		p := policy()
		p.ThreadDepth, p.HoldWords = depth, []string{fmt.Sprintf("word%d", depth)}
		if err := other.SavePolicy(ctx, p); err != nil {
			t.Fatal(err)
		}
		got := policy()
		if got.ThreadDepth != depth || !slices.Equal(got.HoldWords, p.HoldWords) {
			t.Fatalf("saved depth %d and words %v by another store, read %d and %v", depth, p.HoldWords, got.ThreadDepth, got.HoldWords)
		}
		got.HoldWords[0] = "changed by a caller"
		if again := policy(); again.HoldWords[0] != p.HoldWords[0] {
			t.Fatalf("a caller's change to its copy reached the next caller: %v", again.HoldWords)
		}
	}
	if storetest.OnPostgres() {
		return
	}
	policy()
	queries := server.QueryCount()
	for range 10 {
		policy()
	}
	if n := server.QueryCount() - queries; n != 0 {
		t.Errorf("10 reads of an unchanged policy made %d queries, want 0", n)
	}
}

// Ensure a context from ContentVersionOnce answers every call with the first read's
// version, also after a commit, and that a new such context reads again.
func TestContentVersionOnce_OneReadPerContext(t *testing.T) {
	t.Parallel()
	path := storetest.Path(t)
	server := openStore(t, path)
	raw := storetest.Open(t, path)
	version := func(ctx context.Context) int64 {
		t.Helper()
		v, err := server.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	request := store.ContentVersionOnce(context.Background())
	first := version(request)
	if _, err := raw.Exec(`UPDATE content_version SET version = version + 1 WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	queries := server.QueryCount()
	if again := version(request); again != first {
		t.Errorf("the request's second read gave %d, its first %d", again, first)
	}
	if n := server.QueryCount() - queries; n != 0 {
		t.Errorf("the request's second read made %d queries", n)
	}
	if next := version(store.ContentVersionOnce(context.Background())); next == first {
		t.Errorf("the next request read %d, the version before the commit", next)
	}
	if kept := version(store.WithContentVersion(context.Background(), 42)); kept != 42 {
		t.Errorf("a context given version 42 answered %d", kept)
	}
}
