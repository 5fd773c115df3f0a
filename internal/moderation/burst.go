package moderation

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Burst limits: each client address may send this many replies (valid or not) at
// once, then one every burstRefill. The database's flood check limits saved replies;
// this limits the attempts, in memory, before any database work.
const (
	burstSize   = 10
	burstRefill = 3 * time.Second
	maxClients  = 50_000
)

// burstLimiter is a token bucket per client.
type burstLimiter struct {
	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

// allow takes a token from client's bucket at now, and reports whether there was one.
func (b *burstLimiter) allow(client string, now time.Time) bool {
	if client == "" {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.clients == nil || len(b.clients) >= maxClients {
		b.clients = make(map[string]*rate.Limiter) // bounded memory: forget everyone at once
	}
	l, ok := b.clients[client]
	if !ok {
		l = rate.NewLimiter(rate.Every(burstRefill), burstSize)
		b.clients[client] = l
	}
	return l.AllowN(now, 1)
}
