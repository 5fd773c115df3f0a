package store

import (
	"context"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// maxBatch is the most writes one commit carries.
const maxBatch = 64

// batchQueue holds the writes waiting for the next group commit.
type batchQueue struct {
	mu   sync.Mutex
	jobs []*batchJob
}

type batchJob struct {
	ctx  context.Context
	fn   func(tx *Store) error
	done chan error
}

func (q *batchQueue) add(j *batchJob) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// take removes and returns the oldest waiting writes, at most maxBatch of them.
func (q *batchQueue) take() []*batchJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.jobs), maxBatch)
	jobs := q.jobs[:n:n]
	q.jobs = q.jobs[n:]
	return jobs
}

// Batched runs fn in a transaction it may share with writes that other goroutines
// started meanwhile (group commit): each fn runs in a savepoint of its own, so its
// error undoes only its own work, and Batched returns once the commit that carries it
// is on disk, with fn's error or the commit's. Many small durable writes at once thus
// share one fsync instead of queueing for one each.
//
// fn runs on whichever goroutine commits the group, so it must not depend on the
// caller's goroutine, and must run its queries with a context that cannot be
// cancelled (context.WithoutCancel): interrupting one statement would roll back the
// whole group. A write whose ctx is done before it starts is skipped with ctx's error.
func (s *Store) Batched(ctx context.Context, fn func(tx *Store) error) error {
	j := &batchJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.batch.add(j)
	// Whoever gets the writer's place commits every write waiting at that moment,
	// its own among them unless an earlier commit carried it.
	for {
		select {
		case err := <-j.done:
			return err
		case s.writer <- struct{}{}:
			if jobs := s.batch.take(); len(jobs) > 0 {
				s.commitBatch(jobs)
			}
			<-s.writer
		}
	}
}

// commitBatch runs jobs in one transaction and tells each its outcome.
func (s *Store) commitBatch(jobs []*batchJob) {
	errs := make([]error, len(jobs))
	ctx := context.Background()
	err := s.transaction(ctx, func(tx *Store) error {
		if len(jobs) == 1 { // nothing to keep apart: no savepoint needed
			errs[0] = runJob(jobs[0], tx)
			return errs[0]
		}
		for i, j := range jobs {
			errs[i] = tx.db.Transaction(func(sp *gorm.DB) error { // a savepoint
				return runJob(j, tx.with(sp))
			})
		}
		return nil
	})
	for i, j := range jobs {
		if errs[i] == nil {
			errs[i] = err
		}
		j.done <- translate(errs[i])
	}
}

// runJob runs one write of a group, turning a panic into an error so that the other
// writes of the group are still answered.
func runJob(j *batchJob, tx *Store) (err error) {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return j.fn(tx)
}
