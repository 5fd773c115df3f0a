package auth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/auth"
)

// Ensure a hash verifies its own password only, records OWASP's argon2id parameters,
// and differs each time for the same password (random salt).
func TestHashPassword(t *testing.T) {
	t.Parallel()
	h1, err := auth.HashPassword("violet harbour lamp")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword("violet harbour lamp")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the argon2id parameters", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if err := auth.VerifyPassword(h1, "violet harbour lamp"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := auth.VerifyPassword(h1, "violet harbour lamP"); !errors.Is(err, auth.ErrWrongPassword) {
		t.Errorf("wrong password: err = %v, want ErrWrongPassword", err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", h1[:len(h1)-10] + "!!!"} {
		if err := auth.VerifyPassword(bad, "violet harbour lamp"); err == nil {
			t.Errorf("VerifyPassword(%q) accepted a malformed hash", bad)
		}
	}
}

// Ensure tokens are random, URL-safe, and stored only as a hash.
func TestNewToken(t *testing.T) {
	t.Parallel()
	tok1, hash1 := auth.NewToken()
	tok2, _ := auth.NewToken()
	if tok1 == tok2 || len(tok1) < 43 || strings.ContainsAny(tok1, "+/=") {
		t.Errorf("tokens %q and %q", tok1, tok2)
	}
	if hash1 != auth.TokenHash(tok1) || strings.Contains(hash1, tok1) || len(hash1) != 64 {
		t.Errorf("hash %q of token %q", hash1, tok1)
	}
}
