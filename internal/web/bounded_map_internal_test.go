package web

import "testing"

// Ensure a bounded map never holds more than its bound, and keeps what fits.
func TestBoundedMap_NeverPastItsBound(t *testing.T) {
	t.Parallel()
	var m boundedMap[int, string]
	for i := range 10 {
		m.put(i, "x", 3, 10) // three entries fit in 10 bytes, a fourth does not
		if m.bytes > 10 {
			t.Fatalf("after %d puts the map holds %d bytes, past its bound of 10", i+1, m.bytes)
		}
		if v, ok := m.get(i); !ok || v != "x" {
			t.Fatalf("the entry just put is not there: %q, %v", v, ok)
		}
	}
	if len(m.entries) != 1 {
		t.Errorf("after ten puts of 3 bytes into 10 the map holds %d entries, want 1 (emptied at the 4th, 7th and 10th)", len(m.entries))
	}
}
