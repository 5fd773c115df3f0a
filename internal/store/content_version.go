package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// versionMaxAge is how long a content version read from the database is used at most,
// however still the write-ahead log looks: a safety net should the log's shared
// memory file be replaced under a watch that no longer sees it.
const versionMaxAge = time.Second

// versionCache keeps the content version read last, so that a cached page does not
// cost a query each time. On SQLite it is used for as long as no transaction has
// committed since it was read, by any process: every commit changes the header of the
// write-ahead log's index, in the shared memory file beside the database (see
// walWatch), which costs a few loads of memory to compare. On PostgreSQL, where
// another server's commit leaves no such trace here, the version is read each time.
type versionCache struct {
	shmPath string // the -shm file; "" on PostgreSQL
	once    sync.Once
	watch   atomic.Pointer[walWatch] // nil until opened, or when it cannot be
	last    atomic.Pointer[versionRead]
	rounds  versionRounds // the reads from the database, shared by requests at once
}

// versionRead is a content version, when it was read, and the log's header before.
type versionRead struct {
	value int64
	at    time.Time
	log   walStamp
}

// ContentVersion returns a number that changes with anything that can change a public
// page (database triggers keep it, in the same transaction as the change). On SQLite
// it is read again only after a commit, by this process or another.
//
// Under a context from ContentVersionOnce it is read at most once.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	if s.inTx {
		var v int64
		err := s.db.WithContext(ctx).Raw(contentVersionQuery).Row().Scan(&v)
		return v, translate(err)
	}
	memo, _ := ctx.Value(versionMemoKey{}).(*versionMemo)
	if memo == nil {
		return s.readContentVersion(ctx)
	}
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if !memo.read {
		v, err := s.readContentVersion(ctx)
		if err != nil {
			return 0, err
		}
		memo.value, memo.read = v, true
	}
	return memo.value, nil
}

// versionMemoKey is the context key of a request's versionMemo.
type versionMemoKey struct{}

// versionMemo is the content version of one request, once read.
type versionMemo struct {
	mu    sync.Mutex
	value int64
	read  bool
}

// ContentVersionOnce returns a context under which ContentVersion is read at most
// once, later calls answering with the first one's version: for a request that only
// reads, so that what it keeps under the version (the policy, the footer, the page
// itself) asks the database once. Whatever the request reads after that first call is
// at least as new as the version, so nothing is ever kept under a version newer than
// what it shows. A request that writes must not use it: after its write the version
// would be older than what the request itself did.
func ContentVersionOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, versionMemoKey{}, &versionMemo{})
}

// WithContentVersion is ContentVersionOnce with the version already read.
func WithContentVersion(ctx context.Context, version int64) context.Context {
	return context.WithValue(ctx, versionMemoKey{}, &versionMemo{value: version, read: true})
}

// readContentVersion reads the content version, from memory while no transaction has
// committed on SQLite (see versionCache).
func (s *Store) readContentVersion(ctx context.Context) (int64, error) {
	c := s.version
	now := time.Now()
	var log walStamp
	watch := c.watch.Load()
	if watch != nil {
		log = watch.stamp()
		if last := c.last.Load(); last != nil && last.log == log && now.Sub(last.at) < versionMaxAge {
			return last.value, nil
		}
	}
	// The stamp is taken before the read: a commit in between makes it differ at the
	// next request, which then reads again.
	//
	// The read skips GORM and runs a statement prepared once, with a context the driver
	// need not watch: it takes microseconds, and watching a cancellable context costs
	// the driver a goroutine per statement.
	v, err := c.rounds.read(func() (int64, error) {
		stmt, err := s.versionStmt.get(s.db)
		if err != nil {
			return 0, translate(err)
		}
		s.queries.Add(1)
		var v int64
		err = stmt.QueryRowContext(context.WithoutCancel(ctx)).Scan(&v)
		return v, translate(err)
	})
	if err != nil {
		return 0, err
	}
	if c.shmPath != "" {
		// The shared memory file exists once a connection has read the database.
		c.once.Do(func() { c.watch.Store(openWALWatch(c.shmPath)) })
		if watch != nil && log.initialized() {
			c.last.Store(&versionRead{value: v, at: now, log: log})
		}
	}
	return v, nil
}
