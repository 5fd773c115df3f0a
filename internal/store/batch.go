package store

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
)

// maxBatch is the most writes one commit carries: enough that a burst shares few
// fsyncs, few enough that one commit keeps the writer only for milliseconds.
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
	jobs := slices.Clone(q.jobs[:n])
	// Clear the taken slots: the jobs' closures hold what readers typed, emails too.
	clear(q.jobs[:n])
	q.jobs = q.jobs[n:]
	return jobs
}

// Batched runs fn in a transaction it may share with writes that other goroutines
// started meanwhile (group commit), on either engine (on PostgreSQL too it is worth
// it: 1 220–1 300 replies/s against 1 080–1 120 one transaction each, measured with
// BenchmarkSubmit_Parallel and 16 posters on 2 cores): each fn runs in a savepoint of its own, so its
// error undoes only its own work, and Batched returns once the commit that carries it
// is on disk, with fn's error or the commit's. Many small durable writes at once thus
// share one fsync instead of queueing for one each.
//
// fn runs on whichever goroutine commits the group, so it must not depend on the
// caller's goroutine, and must run its queries with a context that cannot be
// cancelled (context.WithoutCancel): interrupting one statement would roll back the
// whole group. A write whose ctx is done before it starts is skipped with ctx's error.
func (s *Store) Batched(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx { // already inside a transaction, which holds the writer's place
		return s.transaction(context.WithoutCancel(ctx), fn)
	}
	j := &batchJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.batch.add(j)
	// Whoever gets the writer's place commits every write waiting at that moment,
	// its own among them unless an earlier commit carried it.
	for {
		select {
		case err := <-j.done: // carried by someone else's commit
			return err
		default:
		}
		select {
		case err := <-j.done:
			return err
		case s.writer <- struct{}{}:
			s.commitWaiting()
		}
	}
}

// commitWaiting commits the writes waiting now, holding the writer's place, which it
// gives back even if the commit panics.
func (s *Store) commitWaiting() {
	defer func() { <-s.writer }()
	if jobs := s.batch.take(); len(jobs) > 0 {
		s.commitBatch(jobs)
	}
}

// commitBatch runs jobs in one transaction and tells each its outcome. Each job runs
// in a savepoint, managed here rather than by GORM, whose SQLite driver ignores the
// errors of SAVEPOINT and ROLLBACK TO: if SQLite has rolled back the whole
// transaction (as it does on some I/O errors), rolling back to the savepoint fails,
// and then the whole group fails instead of committing what is left of it.
func (s *Store) commitBatch(jobs []*batchJob) {
	errs := make([]error, len(jobs))
	ctx := context.Background()
	err := s.transaction(ctx, func(tx *Store) error {
		if len(jobs) == 1 { // nothing to keep apart: no savepoint needed
			errs[0] = runJob(jobs[0], tx)
			return errs[0]
		}
		for i, j := range jobs {
			if err := tx.db.Exec("SAVEPOINT batch_job").Error; err != nil {
				return err
			}
			if errs[i] = runJob(j, tx); errs[i] != nil {
				if err := tx.db.Exec("ROLLBACK TO batch_job").Error; err != nil {
					return fmt.Errorf("undo one write of a group: %w", err)
				}
			}
			if err := tx.db.Exec("RELEASE batch_job").Error; err != nil {
				return fmt.Errorf("end one write of a group: %w", err)
			}
		}
		return nil
	})
	for i, j := range jobs {
		if err != nil {
			errs[i] = cmp.Or(errs[i], err)
		}
		j.done <- translate(errs[i])
	}
}

// runJob runs one write of a group, turning a panic into an error, with its stack in
// the message, so that the other writes of the group are still answered.
func runJob(j *batchJob, tx *Store) (err error) {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return j.fn(tx)
}
