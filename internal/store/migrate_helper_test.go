package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// storeAtVersion opens a new database migrated up to version alone, for a test of
// what the next migrations do to the rows an older version left; the provider takes
// it further up or back down.
func storeAtVersion(t *testing.T, version int64) (*Store, *goose.Provider) {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := st.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return st, p
}
