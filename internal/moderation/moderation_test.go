package moderation_test

import (
	"net/netip"
	"testing"

	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure client addresses are reduced to their /24 (IPv4) or /48 (IPv6) network.
func TestAnonymisedPrefix(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"203.0.113.77":           "203.0.113.0/24",
		"::ffff:203.0.113.77":    "203.0.113.0/24",
		"2001:db8:abcd:12::1":    "2001:db8:abcd::/48",
		"fe80::1%eth0":           "fe80::/48",
		"2001:db8:ffff:ffff::ff": "2001:db8:ffff::/48",
	}
	for in, want := range tests {
		if got := moderation.AnonymisedPrefix(netip.MustParseAddr(in)); got != want {
			t.Errorf("AnonymisedPrefix(%s) = %q, want %q", in, got, want)
		}
	}
	if got := moderation.AnonymisedPrefix(netip.Addr{}); got != "" {
		t.Errorf("AnonymisedPrefix(invalid) = %q, want empty", got)
	}
}

// Ensure the client hash is stable per address, differs between addresses and keys,
// and does not contain the address.
func TestClientHash(t *testing.T) {
	t.Parallel()
	a := moderation.New(nil, []byte("key-one-key-one-key-one-key-one!"))
	b := moderation.New(nil, []byte("key-two-key-two-key-two-key-two!"))
	addr := netip.MustParseAddr("198.51.100.7")
	if a.ClientHash(addr) != a.ClientHash(netip.MustParseAddr("::ffff:198.51.100.7")) {
		t.Error("the same address in two forms hashed differently")
	}
	if a.ClientHash(addr) == a.ClientHash(netip.MustParseAddr("198.51.100.8")) {
		t.Error("two addresses hashed the same")
	}
	if a.ClientHash(addr) == b.ClientHash(addr) {
		t.Error("the hash does not depend on the key")
	}
	if len(a.ClientHash(addr)) != 64 {
		t.Errorf("hash %q is not 64 hex digits", a.ClientHash(addr))
	}
}
