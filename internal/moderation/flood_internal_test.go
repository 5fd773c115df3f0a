package moderation

import (
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
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
	var b burstLimiter
	b.buckets.max = 3
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
	if _, ok := b.buckets.keys["a"]; ok || b.buckets.len() != 3 {
		t.Errorf("the limiter holds %d clients (a kept: %v), want the 3 seen last", b.buckets.len(), ok)
	}
}

// Ensure one form stamp serves a few replies from one client, and then sends the next
// to spam, while the same stamp from another client, or another stamp, is unaffected;
// and that with the time check off, stamps are not counted.
func TestStampReuse(t *testing.T) {
	t.Parallel()
	var s Service
	p := &model.Policy{MinFormSeconds: 3}
	sub := Submission{FormStamp: "1796000000.sig"}
	for i := range formStampUses {
		if r := s.stampReuseReason(p, sub, "client-a"); r != "" {
			t.Fatalf("use %d refused: %s", i+1, r)
		}
	}
	if r := s.stampReuseReason(p, sub, "client-a"); r != "sent with a form already used for 3 replies" {
		t.Errorf("use after the limit: %q", r)
	}
	if r := s.stampReuseReason(p, sub, "client-b"); r != "" {
		t.Errorf("another client refused: %q", r)
	}
	if r := s.stampReuseReason(p, Submission{FormStamp: "1796000001.sig"}, "client-a"); r != "" {
		t.Errorf("another stamp refused: %q", r)
	}
	for range 10 {
		if r := s.stampReuseReason(&model.Policy{}, sub, "client-c"); r != "" {
			t.Fatalf("counted with the check off: %q", r)
		}
	}
}
