package publishing

import (
	"context"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// MaxReviewNotes is the longest change request a reviewer may write, in bytes.
const MaxReviewNotes = 5000

// Decision is a reviewer's verdict on the text they read.
type Decision struct {
	// ChangesNeeded asks the author for changes (Notes says which) instead of
	// recording a review.
	ChangesNeeded bool
	Notes         string
}

// Review records reviewer u's decision on article id's working text (its pending
// change, if it has one), as u read it at version, so that nobody signs off text they
// have not read. A review makes the text publishable, and the next review falls due
// model.ReviewInterval months later; a request for changes sends text in review or
// scheduled back to draft and shows the notes to the author until it is sent for
// review again. Either is kept in the article's history.
//
// Returns model.ErrNotFound if there is no such article, ErrOwnWriting if u wrote
// it, model.ErrForbidden if u may not review it otherwise (not a reviewer, or the
// article is archived), *model.ValidationError if changes are asked for without
// notes, and model.ErrStaleVersion if it changed since version.
func (s *Service) Review(ctx context.Context, u *model.User, id int64, version int, d Decision) (*model.Article, error) {
	notes := strings.TrimSpace(strings.ReplaceAll(d.Notes, "\r\n", "\n"))
	if d.ChangesNeeded {
		var v model.ValidationError
		switch {
		case notes == "":
			v.Add("notes", "Say what needs to change, so that the author can fix it.")
		case len(notes) > MaxReviewNotes:
			v.Add("notes", "The notes are too long: at most 5000 characters.")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	var reviewed *model.Article
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := visible(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !mayReview(u, a) {
			if u.Role.Can(model.PermReviewArticles) && wroteIt(u, a) {
				return ErrOwnWriting
			}
			return model.ErrForbidden
		}
		if a.Version != version {
			return model.ErrStaleVersion
		}
		// A review of text already on the site (its periodic review) makes nothing
		// ready to publish.
		live := a.Pending == nil && a.Status == model.ArticlePublished
		if d.ChangesNeeded {
			err = s.requestChanges(ctx, tx, u, a, notes)
		} else {
			err = s.recordReview(ctx, tx, u, a)
		}
		if err != nil {
			return err
		}
		reviewed = a
		switch {
		case d.ChangesNeeded:
			return record(ctx, tx, model.EventChangesRequested, a, writerOf(a), &u.ID, s.now())
		case !live:
			return record(ctx, tx, model.EventReviewed, a, writerOf(a), &u.ID, s.now())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return reviewed, nil
}

// mayReview reports whether u may review a's working text: a reviewer who did not
// write it (model.CanReviewArticle), nor the pending change.
func mayReview(u *model.User, a *model.Article) bool {
	return model.CanReviewArticle(u, a) && !wroteIt(u, a)
}

// wroteIt reports whether u wrote article a or last changed its pending change.
func wroteIt(u *model.User, a *model.Article) bool {
	return u != nil && (a.AuthorID == u.ID || (a.Pending != nil && a.Pending.EditedBy != nil && *a.Pending.EditedBy == u.ID))
}

func (s *Service) recordReview(ctx context.Context, tx *store.Store, u *model.User, a *model.Article) error {
	now := s.now()
	next := now.AddDate(0, model.ReviewInterval, 0)
	if err := tx.ClearChangeRequest(ctx, a.ID); err != nil {
		return err
	}
	if a.Pending == nil {
		reviewed, err := tx.RecordReview(ctx, a.ID, a.Version, u, now, next)
		if err != nil {
			return err
		}
		*a = *reviewed
		return nil
	}
	change := *a.Pending
	at, due := now.UTC(), next.UTC()
	change.ReviewerID, change.ReviewerName, change.ReviewerCredentials = &u.ID, u.Name, u.Credentials
	change.ReviewedAt, change.NextReviewAt = &at, &due
	a.Pending, a.ChangesRequested = &change, nil
	return tx.SaveChange(ctx, a, &u.ID, "Medically reviewed by "+u.Name+" (the pending change)", now)
}

func (s *Service) requestChanges(ctx context.Context, tx *store.Store, u *model.User, a *model.Article, notes string) error {
	now := s.now()
	note := "Changes requested by " + u.Name + ": " + notes
	if a.Pending != nil {
		change := *a.Pending
		if change.Status == model.ArticleInReview || change.Status == model.ArticleScheduled {
			change.Status, change.ScheduledAt = model.ArticleDraft, nil
		}
		a.Pending = &change
		if err := tx.SaveChange(ctx, a, &u.ID, note, now); err != nil {
			return err
		}
	} else {
		// The live text of a published article stays: a reviewer who finds it wrong
		// asks for a change, and an editor decides whether to take it off the site.
		to := a.Status
		if to == model.ArticleInReview || to == model.ArticleScheduled {
			to = model.ArticleDraft
		}
		moved, err := tx.ChangeStatus(ctx, a.ID, a.Version, to, nil, &u.ID, note, now)
		if err != nil {
			return err
		}
		*a = *moved
	}
	if err := tx.RequestChanges(ctx, a.ID, notes, &u.ID, now); err != nil {
		return err
	}
	a.ChangesRequested = &model.ChangeRequest{Notes: notes, UserID: &u.ID, UserName: u.Name, CreatedAt: now.UTC()}
	return nil
}
