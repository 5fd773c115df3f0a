package moderation

import (
	"errors"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// The reply form carries the signed time at which it was shown to this reader
// (Submission.ShownAt): the server puts a fresh one into every response, also of a
// cached page, and a refused reply comes back with the one it was sent with. A reply
// sent sooner than the policy's minimum after it is a robot's (robotReason). A form
// shown more than FormMaxAge ago is not accepted: the reader sends it again from the
// page shown anew. And one stamp serves a few replies from one client at most, so
// that a robot cannot fetch a page once and post from it all day.
const (
	FormMaxAge    = 24 * time.Hour
	formStampUses = 3
	maxStamps     = 50_000
)

// ErrFormExpired means the reply's form was shown more than FormMaxAge ago.
var ErrFormExpired = errors.New("the reply form was shown too long ago")

// formExpired reports whether sub's form is too old under the policy. Staff are not
// asked: the time checks are against robots.
func formExpired(p *model.Policy, sub Submission, now time.Time) bool {
	return p.MinFormSeconds > 0 && sub.Staff == nil && !sub.ShownAt.IsZero() && now.Sub(sub.ShownAt) > FormMaxAge
}

// stampReuseReason counts one more reply from client sent with sub's form stamp, and
// returns why it goes to spam once the stamp has served formStampUses replies from
// that client, or "".
func (s *Service) stampReuseReason(p *model.Policy, sub Submission, client string) string {
	if p.MinFormSeconds == 0 || sub.FormStamp == "" {
		return ""
	}
	if s.stamps.max == 0 {
		s.stamps.max = maxStamps
	}
	var uses int
	s.stamps.with(sub.FormStamp+" "+client, func() int { return 0 }, func(n *int) bool {
		*n++
		uses = *n
		return true
	})
	if uses > formStampUses {
		return fmt.Sprintf("sent with a form already used for %d replies", uses-1)
	}
	return ""
}
