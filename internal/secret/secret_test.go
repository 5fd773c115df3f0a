package secret_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/secret"
)

// Ensure an email sealed with a key opens with it only, every sealing differs (random
// nonce), and an altered value is refused rather than misread.
func TestSealOpen(t *testing.T) {
	t.Parallel()
	k, _ := secret.New(secret.Generate())
	other, _ := secret.New(secret.Generate())
	a, b := k.Seal("reader@example.com"), k.Seal("reader@example.com")
	if bytes.Equal(a, b) || bytes.Contains(a, []byte("reader")) {
		t.Fatalf("sealed values: %x, %x", a, b)
	}
	if got, err := k.Open(a); err != nil || got != "reader@example.com" {
		t.Errorf("Open = %q, %v", got, err)
	}
	if _, err := other.Open(a); !errors.Is(err, secret.ErrDecrypt) {
		t.Errorf("another key: err = %v", err)
	}
	a[len(a)-1] ^= 1
	if _, err := k.Open(a); !errors.Is(err, secret.ErrDecrypt) {
		t.Errorf("altered value: err = %v", err)
	}
	if _, err := k.Open([]byte("short")); !errors.Is(err, secret.ErrDecrypt) {
		t.Errorf("short value: err = %v", err)
	}
}

// Ensure the blind index is equal for the same email in any case or spacing, differs
// between emails and keys, and contains nothing of the email.
func TestEmailIndex(t *testing.T) {
	t.Parallel()
	k, _ := secret.New(secret.Generate())
	other, _ := secret.New(secret.Generate())
	i := k.EmailIndex("Reader@Example.com")
	if i != k.EmailIndex("  reader@example.com ") || i == k.EmailIndex("reader2@example.com") || i == other.EmailIndex("reader@example.com") {
		t.Error("the index does not follow the email and the key")
	}
	if _, err := hex.DecodeString(i); err != nil || len(i) != 64 || strings.Contains(i, "reader") {
		t.Errorf("index %q", i)
	}
	if k.Check() == other.Check() {
		t.Error("two keys have the same check value")
	}
}

// Ensure a key written by Encode reads back, as base64 or hex, and anything else is
// refused.
func TestEncodeDecode(t *testing.T) {
	t.Parallel()
	master := secret.Generate()
	for _, text := range []string{secret.Encode(master), secret.Encode(master) + "\n", hex.EncodeToString(master)} {
		got, err := secret.Decode(text)
		if err != nil || !bytes.Equal(got, master) {
			t.Errorf("Decode(%q) = %x, %v", text, got, err)
		}
	}
	for _, bad := range []string{"", "short", secret.Encode(master[:16])} {
		if _, err := secret.Decode(bad); err == nil {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
	if _, err := secret.New(master[:31]); err == nil {
		t.Error("a 31-byte key was accepted")
	}
}
