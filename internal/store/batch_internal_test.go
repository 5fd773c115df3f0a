package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Ensure no write of a group is answered as saved when SQLite rolled back the whole
// transaction under it (as it does on some I/O errors): the group fails as a whole,
// and what each caller hears matches what is in the database.
func TestBatched_WholeRollbackFailsTheGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Hold the writer's place so that the three writes queue and go in one group.
	st.writer <- struct{}{}
	errLost := errors.New("the whole transaction was rolled back")
	writes := map[string]func(tx *Store) error{
		"before": func(tx *Store) error { return tx.SetMeta(context.Background(), "before", "saved") },
		"lost": func(tx *Store) error {
			if err := tx.db.Exec("ROLLBACK").Error; err != nil { // what SQLite does on SQLITE_IOERR
				return err
			}
			return errLost
		},
		"after": func(tx *Store) error { return tx.SetMeta(context.Background(), "after", "saved") },
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcome := map[string]error{}
	for i, name := range []string{"before", "lost", "after"} {
		wg.Go(func() {
			err := st.Batched(ctx, writes[name])
			mu.Lock()
			outcome[name] = err
			mu.Unlock()
		})
		waitQueued(t, st, i+1) // in this order
	}
	<-st.writer
	wg.Wait()
	for _, name := range []string{"before", "after"} {
		value, err := st.Meta(ctx, name)
		saved := err == nil && value == "saved"
		if outcome[name] == nil && !saved {
			t.Errorf("write %q was answered as saved, but it is not in the database", name)
		}
		if outcome[name] != nil && saved {
			t.Errorf("write %q was answered %v, but it was saved", name, outcome[name])
		}
	}
	if outcome["lost"] == nil {
		t.Error("the write that lost the transaction was answered as saved")
	}
}

// waitQueued waits until n writes are queued.
func waitQueued(t *testing.T, st *Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		st.batch.mu.Lock()
		queued := len(st.batch.jobs)
		st.batch.mu.Unlock()
		if queued == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued after 5 s, want %d", queued, n)
		}
	}
}
