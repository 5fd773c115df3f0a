package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PendingTokenTTL is how long the link that shows a reader their own held reply works.
const PendingTokenTTL = 24 * time.Hour

// pendingTokens signs the ?pending= parameter of the page a reader lands on after
// posting, so that the page can show them their held reply and nobody else can see
// it. The page stays the same for everyone else, which keeps it cacheable.
type pendingTokens struct {
	key []byte
}

// issue returns a token for comment id on article, valid until expires.
func (p pendingTokens) issue(articleID, commentID int64, expires time.Time) string {
	payload := fmt.Sprintf("%d.%d", commentID, expires.Unix())
	return payload + "." + p.sign(articleID, payload)
}

// verify returns the comment ID that token shows on article, if the token is genuine
// and unexpired at now.
func (p pendingTokens) verify(articleID int64, token string, now time.Time) (int64, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, false
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(p.sign(articleID, payload))) {
		return 0, false
	}
	commentID, err1 := strconv.ParseInt(parts[0], 10, 64)
	expires, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || now.Unix() >= expires {
		return 0, false
	}
	return commentID, true
}

func (p pendingTokens) sign(articleID int64, payload string) string {
	mac := hmac.New(sha256.New, p.key)
	fmt.Fprintf(mac, "pending-reply:%d:%s", articleID, payload)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:20])
}

// formStamp signs the time a reply form was shown, so that a reply sent sooner than
// a person could type one can be recognised.
func (p pendingTokens) formStamp(shown time.Time) string {
	payload := strconv.FormatInt(shown.Unix(), 10)
	return payload + "." + p.sign(0, "form-shown:"+payload)
}

// formShownAt returns when the form carrying stamp was shown, or zero if the stamp is
// missing or forged.
func (p pendingTokens) formShownAt(stamp string) time.Time {
	payload, sig, ok := strings.Cut(stamp, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(p.sign(0, "form-shown:"+payload))) {
		return time.Time{}
	}
	unix, err := strconv.ParseInt(payload, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(unix, 0)
}
