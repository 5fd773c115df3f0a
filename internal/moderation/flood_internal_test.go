package moderation

import (
	"testing"
	"time"
)

// Ensure the in-memory half of the flood rule gives a client a burst of attempts, then
// one per refill interval, while other clients are unaffected.
func TestBurstLimiter(t *testing.T) {
	t.Parallel()
	var b burstLimiter
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range burstSize {
		if !b.allow("a", now) {
			t.Fatalf("attempt %d of the burst refused", i+1)
		}
	}
	if b.allow("a", now) {
		t.Fatal("attempt after the burst allowed")
	}
	if !b.allow("b", now) {
		t.Fatal("another client was refused")
	}
	if !b.allow("a", now.Add(burstRefill)) {
		t.Fatal("no token after the refill interval")
	}
	if b.allow("a", now.Add(burstRefill)) {
		t.Fatal("two tokens after one refill interval")
	}
	if !b.allow("", now) {
		t.Fatal("a request without a client address was refused")
	}
}

// Ensure a full limiter forgets the client seen longest ago, not everyone: a client
// that keeps sending keeps its spent bucket while new clients arrive.
func TestBurstLimiter_EvictsOldest(t *testing.T) {
	t.Parallel()
	b := burstLimiter{max: 3}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range burstSize {
		b.allow("flooder", now)
	}
	for _, c := range []string{"a", "b", "flooder", "c", "flooder", "d", "e"} {
		b.allow(c, now)
	}
	if b.allow("flooder", now) {
		t.Error("the flooder's spent bucket was forgotten while it kept sending")
	}
	if _, ok := b.clients["a"]; ok || len(b.clients) != 3 || b.recent.Len() != 3 {
		t.Errorf("the limiter holds %d clients (a kept: %v), want the 3 seen last", len(b.clients), ok)
	}
}
