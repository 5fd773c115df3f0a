package web

import "sync"

// boundedMap is a map safe for concurrent use that holds at most a given number of
// bytes of entries, as its caller counts them: an entry that would pass the bound
// empties it first. Simple and bounded, for caches whose entries are cheap to make
// again.
type boundedMap[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]V
	bytes   int
}

func (m *boundedMap[K, V]) get(key K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.entries[key]
	return v, ok
}

// put keeps v under key as size bytes, in a map of at most maxBytes (a key kept
// again counts again: the bound errs on the safe side).
func (m *boundedMap[K, V]) put(key K, v V, size, maxBytes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil || m.bytes+size > maxBytes {
		m.entries, m.bytes = make(map[K]V), 0
	}
	m.entries[key] = v
	m.bytes += size
}
