package secret_test

import (
	"bytes"
	"testing"

	"github.com/fascicle/fascicle/internal/secret"
)

// Ensure the client-address key is 32 bytes derived from the master key alone: the
// same for the same master key, different for another, and neither the master key nor
// a copy that a caller could change.
func TestClientKey(t *testing.T) {
	t.Parallel()
	master := secret.Generate()
	a, _ := secret.New(master)
	b, _ := secret.New(append([]byte(nil), master...))
	other, _ := secret.New(secret.Generate())
	k := a.ClientKey()
	if len(k) != 32 || bytes.Equal(k, master) || bytes.Equal(k, make([]byte, 32)) {
		t.Fatalf("client key %x from master %x", k, master)
	}
	if !bytes.Equal(k, b.ClientKey()) || bytes.Equal(k, other.ClientKey()) {
		t.Error("the client key does not follow the master key")
	}
	k[0] ^= 1
	if bytes.Equal(k, a.ClientKey()) {
		t.Error("ClientKey returns the keys' own slice")
	}
}
