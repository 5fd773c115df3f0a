package moderation

import (
	"testing"
	"time"
)

// Ensure a client gets a burst of attempts, then one per refill interval, while other
// clients are unaffected.
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
