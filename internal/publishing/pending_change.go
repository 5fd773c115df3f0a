package publishing

import (
	"context"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// A published article is never edited in place: a change is kept beside it as its
// pending change, which goes through the same steps as a new article (draft, in
// review, scheduled) while readers keep the live text. Publishing the change makes it
// the live text, with its own review; discarding it drops it.

// saveChange saves draft d of published article a into a's pending change, starting
// one from the live text if there is none. Whether replies are open, and a page's
// place in the footer, are not text: they apply to the live article at once. On success a is the article as saved.
func (s *Service) saveChange(ctx context.Context, tx *store.Store, u *model.User, a *model.Article, d Draft, note string) error {
	base := a.Pending
	if base == nil {
		base = newChange(a)
	}
	var v model.ValidationError
	edited := *base
	d.apply(&edited, &v)
	if err := v.Merge(edited.Validate()); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now()
	live := *a
	live.CommentsOpen, live.FooterPosition = edited.CommentsOpen, edited.FooterPosition
	changed := textChanged(base, &edited)
	if a.Pending == nil && !changed {
		if live.CommentsOpen == a.CommentsOpen && samePosition(live.FooterPosition, a.FooterPosition) {
			return nil // nothing to save
		}
		note := "Changed the footer position"
		switch {
		case live.CommentsOpen && !a.CommentsOpen:
			note = "Opened replies"
		case !live.CommentsOpen && a.CommentsOpen:
			note = "Closed replies"
		}
		if err := tx.SaveArticle(ctx, &live, &u.ID, note, now); err != nil {
			return err
		}
		*a = live
		return nil
	}
	if changed {
		unreview(&edited)
		edited.EditedBy = &u.ID
	}
	live.Pending = &edited
	if err := tx.SaveChange(ctx, &live, &u.ID, note+" (a pending change, not on the site until published)", now); err != nil {
		return err
	}
	*a = live
	return nil
}

// newChange is a pending change of published article a, as a draft of its live text.
func newChange(a *model.Article) *model.Article {
	p := *a
	p.Pending, p.ChangesRequested = nil, nil
	p.Status, p.ScheduledAt, p.EditedBy = model.ArticleDraft, nil, nil
	return &p
}

// publishChange makes a's pending change its live text, with the change's review,
// and records its publication; by is who publishes it (nil for the scheduler). On
// success a is the live article.
func (s *Service) publishChange(ctx context.Context, tx *store.Store, by *int64, a *model.Article, note string) error {
	p := a.Pending
	writer := writerOf(a)
	now := s.now()
	live := *a
	live.Pending, live.ChangesRequested = nil, nil
	live.Title, live.Slug, live.Summary, live.BodyMarkdown = p.Title, p.Slug, p.Summary, p.BodyMarkdown
	live.References, live.Tags, live.CorrectionNote, live.NextReviewAt = p.References, p.Tags, p.CorrectionNote, p.NextReviewAt
	live.ReviewerID, live.ReviewerName, live.ReviewerCredentials, live.ReviewedAt = p.ReviewerID, p.ReviewerName, p.ReviewerCredentials, p.ReviewedAt
	live.Status, live.ScheduledAt = model.ArticlePublished, nil
	noteCorrection(a, &live, now)
	if err := tx.PublishChange(ctx, &live, by, note, now); err != nil {
		return err
	}
	if err := tx.ClearChangeRequest(ctx, a.ID); err != nil {
		return err
	}
	*a = live
	return record(ctx, tx, model.EventPublished, a, writer, by, now)
}

// ChangeSections is what a's pending change would change in the live text, part by
// part; nil without a pending change.
func ChangeSections(a *model.Article) []DiffSection {
	p := a.Pending
	if p == nil {
		return nil
	}
	return textSections(articleText(a), articleText(p))
}

func tagList(tags []model.Tag) string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

func samePosition(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
