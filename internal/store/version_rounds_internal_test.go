package store

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Ensure a request never takes the answer of a read that started before it asked.
func TestVersionRounds_ReadStartsAfterEveryoneItAnswers(t *testing.T) {
	t.Parallel()
	var g versionRounds
	started, release := make(chan struct{}), make(chan struct{})
	first := make(chan int64)
	go func() {
		v, _ := g.read(func() (int64, error) {
			close(started)
			<-release
			return 1, nil
		})
		first <- v
	}()
	<-started
	later := make(chan int64, 2)
	ask := func() {
		v, _ := g.read(func() (int64, error) { return 2, nil })
		later <- v
	}
	go ask()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.next != nil })
	go ask()
	close(release)
	if v := <-first; v != 1 {
		t.Errorf("the first read answered %d, want 1", v)
	}
	for range 2 {
		if v := <-later; v != 2 {
			t.Errorf("a request that came during the first read got %d, its answer; want 2, a read started after it", v)
		}
	}
}

// Ensure that under many requests at once each gets a version at least as new as the
// one committed before it asked.
func TestVersionRounds_NeverOlderThanWhenAsked(t *testing.T) {
	t.Parallel()
	var g versionRounds
	var committed atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 500 {
				committed.Add(1) // a change commits, then this request asks
				asked := committed.Load()
				v, _ := g.read(func() (int64, error) {
					return committed.Load(), nil
				})
				if v < asked {
					t.Errorf("asked after version %d was committed, got %d", asked, v)
					return
				}
			}
		})
	}
	wg.Wait()
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for range 5000 {
		if ok() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("gave up waiting")
}
