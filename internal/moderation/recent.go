package moderation

import (
	"container/list"
	"sync"
)

// recent is a bounded memory of values by key, for the rules that remember clients
// in this process (the burst limiter, form stamps in use). When full, it forgets the
// key used longest ago, so that a sender rotating through keys cannot empty it to
// start afresh. It is safe for concurrent use.
type recent[V any] struct {
	mu    sync.Mutex
	max   int
	keys  map[string]*list.Element // of *recentEntry[V]
	order list.List                // most recently used first
}

type recentEntry[V any] struct {
	key   string
	value V
}

// with calls f with the value of key (made by fresh for a new key), as the most
// recently used, and returns what f returns. f runs under the memory's lock.
func (r *recent[V]) with(key string, fresh func() V, f func(*V) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = make(map[string]*list.Element)
	}
	e, ok := r.keys[key]
	if ok {
		r.order.MoveToFront(e)
	} else {
		for r.order.Len() >= r.max {
			oldest := r.order.Back()
			delete(r.keys, oldest.Value.(*recentEntry[V]).key)
			r.order.Remove(oldest)
		}
		e = r.order.PushFront(&recentEntry[V]{key: key, value: fresh()})
		r.keys[key] = e
	}
	return f(&e.Value.(*recentEntry[V]).value)
}

// len returns how many keys it remembers.
func (r *recent[V]) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.order.Len()
}
