package publishing

import "github.com/fascicle/fascicle/internal/model"

// reviewGate returns ErrReviewNeeded if transition t may not happen to article a
// under policy p: publishing and scheduling need a medical review, unless the site
// allows publishing without one. An overdue review does not block.
func reviewGate(p model.Policy, a *model.Article, t model.Transition) error {
	if t.NeedsReview && reviewNeeded(p, a) {
		return ErrReviewNeeded
	}
	return nil
}

// reviewNeeded reports whether the gate is closed for article a: it has no review
// and the site does not allow publishing without one.
func reviewNeeded(p model.Policy, a *model.Article) bool {
	return !a.Reviewed() && !p.PublishWithoutReview
}
