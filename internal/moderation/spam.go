package moderation

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// The spam rules look at what a reply holds and how it was sent. classify applies
// them in this order, after bans: robots, then words, then links.

// robotReason returns why sub looks sent by a robot, which sends it to spam: the field
// that only robots see was filled in, or the form came back without its signed
// timestamp or sooner than the policy's minimum after it was shown. It returns "" for
// a reply that looks sent by a person.
func robotReason(p *model.Policy, sub Submission, now time.Time) string {
	if sub.Honeypot != "" {
		return "filled in the hidden field that only robots see"
	}
	if p.MinFormSeconds > 0 {
		if sub.ShownAt.IsZero() {
			return "sent without the form's timestamp"
		}
		if took := now.Sub(sub.ShownAt); took < time.Duration(p.MinFormSeconds)*time.Second {
			return fmt.Sprintf("sent %.1f s after the form was shown", took.Seconds())
		}
	}
	return ""
}

// wordRule returns the status and reason the policy's words give c: spam for a spam
// word, pending for a hold word, each matched ignoring case in the name, email,
// website, text and browser. The reason is "" when no word is there.
func wordRule(p *model.Policy, c *model.Comment) (model.CommentStatus, string) {
	haystack := strings.ToLower(strings.Join([]string{c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.UserAgent}, "\n"))
	for _, w := range p.SpamWords {
		if strings.Contains(haystack, w) {
			return model.CommentSpam, fmt.Sprintf("contains the spam word “%s”", w)
		}
	}
	for _, w := range p.HoldWords {
		if strings.Contains(haystack, w) {
			return model.CommentPending, fmt.Sprintf("contains the hold word “%s”", w)
		}
	}
	return "", ""
}

// linkReason returns why c is held for its links, at the policy's number of links or
// more, or "" when it is not.
func linkReason(p *model.Policy, c *model.Comment) string {
	if n := CountLinks(c.Body); p.HoldLinks > 0 && n >= p.HoldLinks {
		if n == 1 {
			return "has 1 link"
		}
		return fmt.Sprintf("has %d links", n)
	}
	return ""
}

// linkPattern finds a web address: its scheme, or a www. that does not follow one
// (so that https://www.example.org counts once).
var linkPattern = regexp.MustCompile(`(?i)https?://|(?:^|[^/\w.])www\.`)

// CountLinks counts the web addresses in a reply's text.
func CountLinks(text string) int {
	return len(linkPattern.FindAllStringIndex(text, -1))
}
