package publishing

import (
	"strings"

	"github.com/fascicle/fascicle/internal/model"
)

// A minor change (a typo, a broken link: nothing medical) to a published article goes
// live at once and keeps the article's review. Only those who publish may make one,
// with a reason kept in the history; everyone else's change waits for review.

// MaxMinorReason is the longest reason for a minor change, in bytes.
const MaxMinorReason = 300

// minorAllowed returns a *model.ValidationError unless u may save draft d of
// article a as a minor change.
func minorAllowed(u *model.User, a *model.Article, d Draft) error {
	var v model.ValidationError
	reason := strings.TrimSpace(d.MinorReason)
	switch {
	case !u.Role.Can(model.PermPublish):
		v.Add("minor", "Only editors and administrators may publish a change without medical review. Untick “minor” to save it for review.")
	case a.Status == model.ArticlePublished && a.Pending != nil:
		v.Add("minor", "This article has a change waiting for review. Publish or discard that change before a minor fix.")
	case reason == "":
		v.Add("minor_reason", "Say why this change needs no medical review, such as “Fixed a typo”.")
	case len(reason) > MaxMinorReason || strings.ContainsAny(reason, "\r\n"):
		v.Add("minor_reason", "Give the reason in one line of at most 300 characters.")
	}
	return v.Err()
}

// minorNote is the history's note for a minor change.
func minorNote(d Draft) string {
	return "Minor change, not medically reviewed: " + strings.TrimSpace(d.MinorReason)
}
