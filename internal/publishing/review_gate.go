package publishing

import (
	"slices"

	"github.com/fascicle/fascicle/internal/model"
)

// reviewGate returns ErrReviewNeeded if transition t may not happen to text a (an
// article, or its pending change) under policy p: publishing and scheduling need a
// medical review, unless the site allows publishing without one. An overdue review
// does not block.
func reviewGate(p model.Policy, a *model.Article, t model.Transition) error {
	if t.NeedsReview && reviewNeeded(p, a) {
		return ErrReviewNeeded
	}
	return nil
}

// reviewNeeded reports whether the gate is closed for text a: it has no review and
// the site does not allow publishing without one.
func reviewNeeded(p model.Policy, a *model.Article) bool {
	return !a.Reviewed() && !p.PublishWithoutReview
}

// A review holds for the text the reviewer read. When the text changes (title,
// address, summary, body, references, tags or correction note: what readers read),
// the review goes, and a text that was scheduled on the strength of it comes off the
// schedule, back to draft.

// textChanged reports whether b reads differently from a.
func textChanged(a, b *model.Article) bool {
	return a.Title != b.Title || a.Slug != b.Slug || a.Summary != b.Summary || a.BodyMarkdown != b.BodyMarkdown ||
		a.CorrectionNote != b.CorrectionNote || tagList(a.Tags) != tagList(b.Tags) ||
		!slices.EqualFunc(a.References, b.References, sameReference)
}

func sameReference(a, b model.Reference) bool {
	return a.Title == b.Title && a.URL == b.URL && a.Publisher == b.Publisher && a.DOI == b.DOI && a.PMID == b.PMID
}

// unreview drops text a's review, and takes it off the schedule.
func unreview(a *model.Article) {
	a.ReviewerID, a.ReviewerName, a.ReviewerCredentials, a.ReviewedAt = nil, "", "", nil
	if a.Status == model.ArticleScheduled {
		a.Status, a.ScheduledAt = model.ArticleDraft, nil
	}
}
