package publishing

import (
	"context"
	"slices"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Limits of the dashboard's lists.
const (
	dashboardWork   = 500 // work items read at most
	dashboardDue    = 20  // published articles due for re-review
	dashboardRecent = 5   // an author's recently published articles
	// DueSoon is how far ahead a re-review counts as due on the dashboard.
	DueSoon = 30 * 24 * time.Hour
)

// Dashboard is the work waiting for one person, by what they do: each list is empty
// unless their role does that work.
type Dashboard struct {
	// A writer's own articles (authors; editors and administrators see the
	// newsroom's lists instead).
	Drafts            []store.WorkItem
	ChangesRequested  []store.WorkItem // with the reviewer's notes
	SentForReview     []store.WorkItem
	Scheduled         []store.WorkItem // the writer's own, or, for publishers, everyone's
	RecentlyPublished []store.ArticleListItem

	// A reviewer's: text waiting for review (the longest waiting first, never their
	// own writing), and the changes they asked for that are not done yet.
	WaitingForReview []store.WorkItem
	RequestedByMe    []store.WorkItem

	// A publisher's: reviewed text ready to go out.
	ReadyToPublish []store.WorkItem

	// Published articles whose medical review is due within DueSoon, for reviewers
	// and publishers.
	DueForReview []store.ArticleListItem

	// What an import brought in that no reviewer here has signed off (the published
	// first: readers see them), and how many there are, for reviewers and publishers.
	ImportedNotReviewed      []store.ArticleListItem
	ImportedNotReviewedTotal int
}

// ImportedNotReviewedPublished reports whether any of the imported articles listed
// is published, so on the site without a review here.
func (d *Dashboard) ImportedNotReviewedPublished() bool {
	return slices.ContainsFunc(d.ImportedNotReviewed, func(a store.ArticleListItem) bool { return a.Status == model.ArticlePublished })
}

// Dashboard returns the work waiting for u. Returns model.ErrForbidden if u works on
// no articles (a moderator's dashboard is of replies).
func (s *Service) Dashboard(ctx context.Context, u *model.User) (*Dashboard, error) {
	writesOwn := u.Role.Can(model.PermEditOwnArticles) && !u.Role.Can(model.PermEditAllArticles)
	reviews, publishes := u.Role.Can(model.PermReviewArticles), u.Role.Can(model.PermPublish)
	if !writesOwn && !reviews && !publishes {
		return nil, model.ErrForbidden
	}
	var author int64
	if writesOwn {
		author = u.ID
	}
	items, err := s.store.WorkItems(ctx, author, dashboardWork)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{}
	for _, w := range items {
		status := w.WorkStatus()
		if writesOwn {
			switch {
			case w.RequestNotes != "":
				d.ChangesRequested = append(d.ChangesRequested, w)
			case status == model.ArticleDraft:
				d.Drafts = append(d.Drafts, w)
			case status == model.ArticleInReview:
				d.SentForReview = append(d.SentForReview, w)
			}
		}
		if status == model.ArticleScheduled && (writesOwn || publishes) {
			d.Scheduled = append(d.Scheduled, w)
		}
		if reviews {
			mine := w.AuthorID == u.ID || (w.EditedBy != nil && *w.EditedBy == u.ID)
			if status == model.ArticleInReview && w.ReviewedAt == nil && !mine {
				d.WaitingForReview = append(d.WaitingForReview, w)
			}
			if w.RequestBy != nil && *w.RequestBy == u.ID {
				d.RequestedByMe = append(d.RequestedByMe, w)
			}
		}
		if publishes && w.ReviewedAt != nil && (status == model.ArticleDraft || status == model.ArticleInReview) {
			d.ReadyToPublish = append(d.ReadyToPublish, w)
		}
	}
	// The scheduled go out soonest first.
	slices.SortStableFunc(d.Scheduled, func(a, b store.WorkItem) int { return a.ScheduledAt.Compare(*b.ScheduledAt) })
	if writesOwn {
		if d.RecentlyPublished, _, err = s.store.ListArticles(ctx, store.ArticleFilter{
			Status: model.ArticlePublished, AuthorID: u.ID, Limit: dashboardRecent}); err != nil {
			return nil, err
		}
	}
	if reviews || publishes {
		if d.ImportedNotReviewed, d.ImportedNotReviewedTotal, err = s.store.ListArticles(ctx, store.ArticleFilter{
			ImportedNotReviewed: true, Limit: dashboardDue}); err != nil {
			return nil, err
		}
		due, _, err := s.store.ListArticles(ctx, store.ArticleFilter{DueBy: s.now().Add(DueSoon), Limit: dashboardDue})
		if err != nil {
			return nil, err
		}
		// An imported article waiting for its first review here is listed once, above.
		d.DueForReview = slices.DeleteFunc(due, store.ArticleListItem.ImportedNotReviewed)
	}
	return d, nil
}
