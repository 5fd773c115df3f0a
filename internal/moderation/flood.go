package moderation

import (
	"context"
	"errors"
	"time"

	"golang.org/x/time/rate"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrFlood means the same address sent a reply moments ago.
var ErrFlood = errors.New("replies sent too quickly")

// The flood rule has two halves. In memory, before any database work, each client
// address may try burstSize replies (valid or not) at once, then one every
// burstRefill. In the database, which holds across instances, a saved reply from the
// same address within the policy's flood interval refuses the next one. Signed-in
// staff are exempt from both, and a flood interval of 0 turns both off.
//
// Neither half looks at the email. A refusal that depended on it would be an oracle:
// anyone could send a reply with a guessed email and learn from "too quick" that its
// owner had replied moments before, from anywhere. A flood from one person who changes
// address is left to the burst limit of each address and to moderation.
const (
	burstSize   = 10
	burstRefill = 3 * time.Second
	maxClients  = 50_000
)

// floodApplies reports whether the flood rule applies to sub under the policy.
func floodApplies(p *model.Policy, sub Submission) bool {
	return p.FloodSeconds > 0 && sub.Staff == nil
}

// checkFlood is the database half of the flood rule: ErrFlood if a reply from c's
// client was saved within the flood interval before now. Run it in the
// transaction that saves c, so that two replies sent at once cannot both pass.
func checkFlood(ctx context.Context, tx *store.Store, p *model.Policy, c *model.Comment, now time.Time) error {
	since := now.Add(-time.Duration(p.FloodSeconds) * time.Second)
	recent, err := tx.RecentReplyFrom(ctx, c.ClientHash, since)
	if err != nil {
		return err
	}
	if recent {
		return ErrFlood
	}
	return nil
}

// burstLimiter is the in-memory half of the flood rule: a token bucket per client,
// for at most maxClients clients, forgetting the one seen longest ago when full.
type burstLimiter struct {
	buckets recent[*rate.Limiter]
}

// allow takes a token from client's bucket at now, and reports whether there was one.
func (b *burstLimiter) allow(client string, now time.Time) bool {
	if client == "" {
		return true
	}
	if b.buckets.max == 0 {
		b.buckets.max = maxClients
	}
	return b.buckets.with(client,
		func() *rate.Limiter { return rate.NewLimiter(rate.Every(burstRefill), burstSize) },
		func(l **rate.Limiter) bool { return (*l).AllowN(now, 1) })
}
