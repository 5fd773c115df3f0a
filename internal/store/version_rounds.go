package store

import "sync"

// versionRounds shares the reads of the content version among the requests that ask
// for it at the same time, where it must be read from the database (on PostgreSQL,
// every request; on SQLite, after a commit): a request joins the read that has not
// started yet and waits for it, and one read runs at a time. Every read thus starts
// after each request it answers arrived, so it sees every change committed before
// they asked, as a read of their own would have: never an older version. Thirty-two
// readers at once then make a few reads instead of thirty-two.
type versionRounds struct {
	mu      sync.Mutex
	next    *versionRound // the read that starts next; nil when none waits
	running sync.Mutex    // held by the read in progress
}

type versionRound struct {
	done  chan struct{}
	value int64
	err   error
}

// read returns the result of a call of read that starts after this call began: its
// own, or one it shares with callers that came meanwhile.
func (g *versionRounds) read(read func() (int64, error)) (int64, error) {
	g.mu.Lock()
	r := g.next
	lead := r == nil
	if lead {
		r = &versionRound{done: make(chan struct{})}
		g.next = r
	}
	g.mu.Unlock()
	if !lead {
		<-r.done
		return r.value, r.err
	}
	g.running.Lock()
	g.mu.Lock()
	g.next = nil // the read starts: whoever asks from now on waits for the next one
	g.mu.Unlock()
	r.value, r.err = read()
	g.running.Unlock()
	close(r.done)
	return r.value, r.err
}
