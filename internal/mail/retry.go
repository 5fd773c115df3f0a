package mail

import "time"

// GiveUpAfter is how long a message is tried before it is marked failed.
const GiveUpAfter = 48 * time.Hour

// retryDelays are the waits after the first, second… failed attempt; the last repeats.
var retryDelays = []time.Duration{
	20 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour,
}

// nextAttempt returns when to try a message again after its attempts-th failure, or
// false when it has been tried long enough: it was queued at created.
func nextAttempt(created time.Time, attempts int, now time.Time) (time.Time, bool) {
	i := min(max(attempts-1, 0), len(retryDelays)-1)
	next := now.Add(retryDelays[i])
	if next.Sub(created) > GiveUpAfter {
		return time.Time{}, false
	}
	return next, true
}
