// Package token signs the values the server gives a browser and reads back later, so
// that it can trust them without storing them: the link that shows a reader their own
// held reply, the time a reply form was shown, and the replies a browser sent. Each carries an HMAC-SHA256 under
// the site's token key, so it cannot be made or altered without the key.
//
// These are not the random tokens of sessions and setup links (auth.NewToken), which
// prove nothing by themselves and are looked up, hashed, in the database.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// MinKeySize is the shortest key New accepts, in bytes.
const MinKeySize = 32

// ErrShortKey means the key given to New is shorter than MinKeySize.
var ErrShortKey = errors.New("token key must be at least 32 bytes")

// Signer makes and checks signed tokens with one key. It is safe for concurrent use.
type Signer struct {
	key []byte
	// lastStamp is the form stamp of the second it was made for: every cached page
	// view carries one, and a second's stamp is the same for all of them.
	lastStamp atomic.Pointer[formStamp]
}

// formStamp is a stamp and the second (Unix time) it stands for.
type formStamp struct {
	unix  int64
	stamp string
}

// New returns a Signer with key, which must be at least MinKeySize random bytes kept
// secret (ErrShortKey otherwise). Tokens made with one key are refused with another.
func New(key []byte) (*Signer, error) {
	if len(key) < MinKeySize {
		return nil, ErrShortKey
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// PendingReply returns a token that names reply commentID on article articleID until
// expires: put in the address a reader lands on after posting, it lets the page show
// them their own held reply while it stays the same for everyone else.
func (s *Signer) PendingReply(articleID, commentID int64, expires time.Time) string {
	payload := fmt.Sprintf("%d.%d", commentID, expires.Unix())
	return payload + "." + s.sign(articleID, payload)
}

// PendingReplyID returns the reply that token names on article articleID, with ok
// false if the token was not made by PendingReply with this key for this article, or
// has expired at now.
func (s *Signer) PendingReplyID(articleID int64, token string, now time.Time) (commentID int64, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, false
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(s.sign(articleID, payload))) {
		return 0, false
	}
	commentID, err1 := strconv.ParseInt(parts[0], 10, 64)
	expires, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || now.Unix() >= expires {
		return 0, false
	}
	return commentID, true
}

// FormStamp returns a stamp of the time a reply form was shown, to send with the
// form, so that a reply sent sooner than a person could type one can be recognised.
func (s *Signer) FormStamp(shown time.Time) string {
	unix := shown.Unix()
	if last := s.lastStamp.Load(); last != nil && last.unix == unix {
		return last.stamp
	}
	payload := strconv.FormatInt(unix, 10)
	stamp := payload + "." + s.sign(0, "form-shown:"+payload)
	s.lastStamp.Store(&formStamp{unix: unix, stamp: stamp})
	return stamp
}

// FormShownAt returns the time in a stamp made by FormStamp (to the second), or the
// zero time if the stamp is missing, malformed or not made with this key.
func (s *Signer) FormShownAt(stamp string) time.Time {
	payload, sig, ok := strings.Cut(stamp, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(0, "form-shown:"+payload))) {
		return time.Time{}
	}
	unix, err := strconv.ParseInt(payload, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(unix, 0)
}

// Commenter returns a token naming replies ids (a browser's latest, newest first)
// until expires. Kept in a cookie by the browser that sent them, it proves that a new
// reply comes from the same browser as those, which the rule that approves known
// commenters at once needs (see moderation's known.go).
func (s *Signer) Commenter(ids []int64, expires time.Time) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	payload := strings.Join(parts, "-") + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + s.sign(0, "commenter:"+payload)
}

// CommenterReplies returns the replies that token names, or nil if it was not made by
// Commenter with this key or has expired at now.
func (s *Signer) CommenterReplies(token string, now time.Time) []int64 {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" {
		return nil
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(s.sign(0, "commenter:"+payload))) {
		return nil
	}
	expires, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || now.Unix() >= expires {
		return nil
	}
	var ids []int64
	for _, raw := range strings.Split(parts[0], "-") {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

// sign returns the signature of payload for article articleID (0 for form stamps and
// commenter tokens, whose payloads have a prefix of their own, so that no kind passes
// for another).
func (s *Signer) sign(articleID int64, payload string) string {
	mac := hmac.New(sha256.New, s.key)
	fmt.Fprintf(mac, "pending-reply:%d:%s", articleID, payload)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:20])
}
