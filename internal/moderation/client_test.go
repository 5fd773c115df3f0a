package moderation_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/fascicle/fascicle/internal/moderation"
)

func hmacHex(key []byte, text string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil))
}

// Ensure a client hash is HMAC(key, hex(HMAC(pepper, address))): what Rekey makes of
// a hash stored by an earlier version, HMAC(pepper, address), so the two match; that
// it needs the key (the pepper alone gives neither layer), follows key and pepper, and
// is the same for an IPv4 address written as IPv4-mapped IPv6.
func TestClientHasher_Layers(t *testing.T) {
	t.Parallel()
	key, pepper := []byte("client-key-client-key-client-key"), []byte("old-site-key-old-site-key-old-si")
	h := moderation.NewClientHasher(key, pepper)
	addr := netip.MustParseAddr("192.0.2.44")
	legacy := hmacHex(pepper, "192.0.2.44")
	got := h.Hash(addr)
	if got != hmacHex(key, legacy) || got != h.Rekey(legacy) {
		t.Errorf("Hash = %s, want HMAC(key, %s) = %s", got, legacy, hmacHex(key, legacy))
	}
	if got == legacy || got == hmacHex(pepper, legacy) {
		t.Error("the hash can be made with the pepper alone")
	}
	if got != h.Hash(netip.MustParseAddr("::ffff:192.0.2.44")) {
		t.Error("an IPv4-mapped address hashes differently")
	}
	for name, o := range map[string]moderation.ClientHasher{
		"other key":    moderation.NewClientHasher([]byte("another-key-another-key-another!!"), pepper),
		"other pepper": moderation.NewClientHasher(key, []byte("another-pepper")),
	} {
		if o.Hash(addr) == got {
			t.Errorf("%s: same hash", name)
		}
	}
	if h.Hash(netip.Addr{}) != "" || h.Rekey("") != "" {
		t.Error("no address must give no hash")
	}
}

// Ensure an IPv6 client is its /64 (any address in it hashes alike, another /64 does
// not) and an IPv4 client its address, also when IPv4-mapped.
func TestClientOf(t *testing.T) {
	t.Parallel()
	h := moderation.NewClientHasher([]byte("client-key-client-key-client-key"), nil)
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"fe80::1%eth0", "fe80::2", true},
		{"192.0.2.1", "::ffff:192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false},
	} {
		a, b := netip.MustParseAddr(tc.a), netip.MustParseAddr(tc.b)
		if got := h.Hash(a) == h.Hash(b); got != tc.same {
			t.Errorf("%s and %s: same client %v, want %v (%s, %s)", tc.a, tc.b, got, tc.same, moderation.ClientOf(a), moderation.ClientOf(b))
		}
	}
	if got := moderation.ClientOf(netip.MustParseAddr("2001:db8:1:2:3:4:5:6")); got != "2001:db8:1:2::/64" {
		t.Errorf("ClientOf = %q", got)
	}
}
