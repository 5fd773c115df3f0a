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
