package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure writes sent at once through Batched are each saved or refused on their own:
// a write that fails or panics undoes only its own work, every other write of its
// group is committed, and each caller hears its own outcome.
func TestBatched_EachWriteStandsAlone(t *testing.T) {
	t.Parallel()
	path := storetest.Path(t)
	st := openStore(t, path)
	ctx := context.Background()
	const writers = 200
	errRefused := errors.New("refused")
	var wg sync.WaitGroup
	outcome := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			outcome[i] = st.Batched(ctx, func(tx *store.Store) error {
				if err := tx.SetMeta(context.Background(), fmt.Sprintf("batch-%d", i), "saved"); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errRefused // after writing: the write must be undone
				case 7:
					panic("a bug in one write")
				}
				return nil
			})
		})
	}
	wg.Wait()
	db := rawDB(t, path)
	for i := range writers {
		saved := count(t, db, fmt.Sprintf(`SELECT count(*) FROM site_meta WHERE name = 'batch-%d'`, i)) == 1
		switch i % 10 {
		case 3:
			if !errors.Is(outcome[i], errRefused) || saved {
				t.Errorf("refused write %d: error %v, saved %v; want its own error and nothing saved", i, outcome[i], saved)
			}
		case 7:
			if outcome[i] == nil || saved {
				t.Errorf("panicking write %d: error %v, saved %v; want an error and nothing saved", i, outcome[i], saved)
			}
		default:
			if outcome[i] != nil || !saved {
				t.Errorf("write %d: error %v, saved %v; want it saved", i, outcome[i], saved)
			}
		}
	}
}

// Ensure a write whose caller gave up before it started is not made.
func TestBatched_SkipsCancelledWrite(t *testing.T) {
	t.Parallel()
	path := storetest.Path(t)
	st := openStore(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := st.Batched(ctx, func(tx *store.Store) error {
		return tx.SetMeta(context.Background(), "cancelled", "saved")
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Batched with a cancelled context: %v, want context.Canceled", err)
	}
	if n := count(t, rawDB(t, path), `SELECT count(*) FROM site_meta WHERE name = 'cancelled'`); n != 0 {
		t.Error("the cancelled write was saved")
	}
}
