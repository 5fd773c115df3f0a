package token_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/token"
)

var (
	key   = []byte("0123456789abcdef0123456789abcdef")
	other = []byte("fedcba9876543210fedcba9876543210")
	at    = time.Unix(1790000000, 0)
)

func signer(t *testing.T, key []byte) *token.Signer {
	t.Helper()
	s, err := token.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Ensure a key shorter than MinKeySize is refused, and one of that length accepted.
func TestNew_KeyLength(t *testing.T) {
	t.Parallel()
	if _, err := token.New(key[:token.MinKeySize-1]); !errors.Is(err, token.ErrShortKey) {
		t.Errorf("31-byte key: err = %v, want ErrShortKey", err)
	}
	if _, err := token.New(nil); !errors.Is(err, token.ErrShortKey) {
		t.Errorf("no key: err = %v, want ErrShortKey", err)
	}
	if _, err := token.New(key[:token.MinKeySize]); err != nil {
		t.Errorf("32-byte key: %v", err)
	}
}

// Ensure tokens and stamps are those the server made before signing had a package of
// its own, so that links already sent keep working across an upgrade.
func TestSigner_Golden(t *testing.T) {
	t.Parallel()
	s := signer(t, key)
	if got, want := s.PendingReply(7, 42, at), "42.1790000000.tGFr9gh2sTLjfHSK5WbkIUbsT4M"; got != want {
		t.Errorf("PendingReply = %q, want %q", got, want)
	}
	if got, want := s.FormStamp(at), "1790000000.8YupCgKNRHYRhfg8cbIL1QFNhec"; got != want {
		t.Errorf("FormStamp = %q, want %q", got, want)
	}
}

// Ensure a pending-reply token names its reply on its article until it expires, and
// is refused on another article, with another key, after expiry, or altered in any
// part.
func TestPendingReply(t *testing.T) {
	t.Parallel()
	s := signer(t, key)
	expires := at.Add(24 * time.Hour)
	tok := s.PendingReply(7, 42, expires)
	if id, ok := s.PendingReplyID(7, tok, at); !ok || id != 42 {
		t.Errorf("PendingReplyID = %d, %v; want 42, true", id, ok)
	}
	if id, ok := s.PendingReplyID(7, tok, expires.Add(-time.Second)); !ok || id != 42 {
		t.Errorf("a second before expiry: %d, %v", id, ok)
	}
	parts := strings.Split(tok, ".")
	for name, tc := range map[string]struct {
		article int64
		token   string
		now     time.Time
		signer  *token.Signer
	}{
		"Expired":          {7, tok, expires, s},
		"OtherArticle":     {8, tok, at, s},
		"OtherKey":         {7, tok, at, signer(t, other)},
		"OtherReply":       {7, "43." + parts[1] + "." + parts[2], at, s},
		"LaterExpiry":      {7, parts[0] + ".1890000000." + parts[2], at, s},
		"BadSignature":     {7, parts[0] + "." + parts[1] + ".AAAA" + parts[2][4:], at, s},
		"NoSignature":      {7, parts[0] + "." + parts[1], at, s},
		"ExtraPart":        {7, tok + ".x", at, s},
		"Empty":            {7, "", at, s},
		"FormStampInstead": {0, s.FormStamp(at), at, s},
	} {
		if id, ok := tc.signer.PendingReplyID(tc.article, tc.token, tc.now); ok || id != 0 {
			t.Errorf("%s: PendingReplyID = %d, %v; want refused", name, id, ok)
		}
	}
}

// Ensure a form stamp gives back the time it was made with (to the second), and a
// missing, altered, foreign or pending-reply token gives the zero time.
func TestFormStamp(t *testing.T) {
	t.Parallel()
	s := signer(t, key)
	shown := at.Add(1500 * time.Millisecond)
	stamp := s.FormStamp(shown)
	if got := s.FormShownAt(stamp); !got.Equal(shown.Truncate(time.Second)) {
		t.Errorf("FormShownAt = %v, want %v", got, shown.Truncate(time.Second))
	}
	payload, sig, _ := strings.Cut(stamp, ".")
	for name, bad := range map[string]string{
		"Empty":        "",
		"NoSignature":  payload,
		"Earlier":      "1780000000." + sig,
		"BadSignature": payload + ".AAAA" + sig[4:],
		"OtherKey":     signer(t, other).FormStamp(shown),
		"PendingReply": s.PendingReply(0, 1, shown),
		"NotANumber":   "soon." + sig,
	} {
		if got := s.FormShownAt(bad); !got.IsZero() {
			t.Errorf("%s: FormShownAt = %v, want zero", name, got)
		}
	}
}

// Ensure a commenter token gives back the replies it was made with until it expires,
// and that an altered, foreign, expired or other kind of token names none.
func TestCommenter(t *testing.T) {
	t.Parallel()
	s := signer(t, key)
	ids := []int64{42, 7, 3}
	tok := s.Commenter(ids, at.Add(time.Hour))
	if got := s.CommenterReplies(tok, at); !slices.Equal(got, ids) {
		t.Errorf("CommenterReplies = %v, want %v", got, ids)
	}
	payload, _, _ := strings.Cut(tok, ".")
	for name, bad := range map[string]string{
		"Empty":        "",
		"Expired":      tok,
		"OtherIDs":     "42-7-4" + strings.TrimPrefix(tok, payload),
		"OtherKey":     signer(t, other).Commenter(ids, at.Add(time.Hour)),
		"PendingReply": s.PendingReply(0, 42, at.Add(time.Hour)),
		"FormStamp":    s.FormStamp(at),
	} {
		now := at
		if name == "Expired" {
			now = at.Add(time.Hour)
		}
		if got := s.CommenterReplies(bad, now); got != nil {
			t.Errorf("%s: CommenterReplies = %v, want nil", name, got)
		}
	}
}
