package moderation

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
)

// The rule for client addresses: a database file or a backup alone reveals no address.
//
// A reply keeps a keyed hash of its sender's address, never the address, so that
// replies from one address can be matched (the flood check, bans by address, the
// sign-in lock-out). Beside the hash it keeps the address's network, a /24 for IPv4:
// whoever has the hash's key finds the address in at most 256 tries. So the key must
// not be in the database. It is derived from the secret key kept outside it
// (secret.Keys.ClientKey) and sits in the database only sealed with that key (see
// store.ClientKey, which also says why "fascicle rotate-key" keeps it).
//
// Earlier versions hashed with a key kept in the database (the site key named
// "client-hash"), and the addresses behind those hashes are gone, so they cannot be
// hashed again. Hence two layers, HMAC(key, hex(HMAC(pepper, address))), with that
// old key as the pepper: the one-time upgrade (see app's client_hash_upgrade.go)
// replaces each stored hash h with Rekey(h) = HMAC(key, h), which is exactly what Hash
// now gives for the same address. The pepper may stay in the database in the clear:
// without the key, nothing can be checked against a hash.

// ClientHasher makes the keyed hashes of client addresses that replies, bans by
// address and the sign-in lock-out keep.
type ClientHasher struct {
	key, pepper []byte
}

// NewClientHasher returns a hasher with the secret key (kept outside the database)
// and the pepper (the database's old client-hash key; nil for none).
func NewClientHasher(key, pepper []byte) ClientHasher {
	return ClientHasher{key: append([]byte(nil), key...), pepper: append([]byte(nil), pepper...)}
}

// Hash returns the keyed hash of the client an address belongs to (ClientOf), as 64
// hex digits: the same for every address of one client, and meaningless without the
// key. It returns "" for an invalid address.
func (h ClientHasher) Hash(addr netip.Addr) string {
	client := ClientOf(addr)
	if client == "" {
		return ""
	}
	return h.Rekey(hmacHex(h.pepper, client))
}

// ClientOf names the client an address belongs to, for every limit keyed by client
// (the flood check, the burst limiter, bans by address, the sign-in lock-out): an
// IPv4 address itself (also when written as IPv4-mapped IPv6), and for IPv6 its /64,
// since every IPv6 host owns a whole /64 and could otherwise rotate through it to slip
// past each limit. "" for an invalid address.
func ClientOf(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return ""
	}
	return p.String()
}

// Rekey returns what a hash made by an earlier version, HMAC(pepper, address), becomes
// under the key: equal to Hash of the same address. "" stays "".
func (h ClientHasher) Rekey(legacy string) string {
	if legacy == "" {
		return ""
	}
	return hmacHex(h.key, legacy)
}

func hmacHex(key []byte, text string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil))
}

// ClientHash returns the keyed hash of a client address under the service's hasher
// (see ClientHasher.Hash).
func (s *Service) ClientHash(addr netip.Addr) string {
	return s.client.Hash(addr)
}
