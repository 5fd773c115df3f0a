package publishing

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Actions is what a staff member may do to an article as it is now.
type Actions struct {
	Edit bool // change its text
	// Review means they may record a medical review of the working text (the
	// pending change, if there is one) or ask for changes.
	Review bool
	// OwnWriting means they review articles, but not this one: they wrote it.
	OwnWriting bool
	// Transitions are the workflow steps offered for the working text, only those
	// they may take; empty unless Edit.
	Transitions []model.Transition
	// ReviewNeeded means steps with NeedsReview are refused (ErrReviewNeeded) until
	// a medical review of the working text is recorded.
	ReviewNeeded bool
	// Minor means they may publish a minor change without review (minor.go).
	Minor bool
}

// Actions returns what u may do to article a, as read by Article.
func (s *Service) Actions(ctx context.Context, u *model.User, a *model.Article) (Actions, error) {
	p, err := s.store.Policy(ctx)
	if err != nil {
		return Actions{}, err
	}
	work := a.Working()
	act := Actions{
		Edit: model.CanEditArticle(u, a), Review: mayReview(u, a),
		ReviewNeeded: reviewNeeded(p, work),
		Minor:        u.Role.Can(model.PermPublish) && a.Status == model.ArticlePublished && a.Pending == nil,
	}
	act.OwnWriting = !act.Review && u.Role.Can(model.PermReviewArticles) && a.Status != model.ArticleArchived && wroteIt(u, a)
	if act.Edit {
		list := model.AvailableTransitions(a.Status)
		if a.Pending != nil {
			list = model.AvailableChangeTransitions(a.Pending.Status)
		}
		for _, t := range list {
			if model.CanTakeTransition(u, a, t, work.Status) {
				act.Transitions = append(act.Transitions, t)
			}
		}
	}
	return act, nil
}

// ChangeStatus takes the workflow step action on article id, as u saw it at version:
// on its pending change if it has one (model.ChangeTransitions), else on the article
// (model.Transitions). at is when a scheduled text goes out, and is ignored by the
// other steps. Sending for review clears a reviewer's change request.
//
// Returns model.ErrNotFound if there is no such article, model.ErrForbidden if u may
// not change it, ErrNotPublisher if the step publishes, schedules, archives or takes
// back published text and u may not publish, model.ErrStaleVersion if it changed
// since version, model.ErrTransition if the step is not possible from its status,
// ErrPendingChange if the step would take the live article off the site while a
// change waits, ErrReviewNeeded if the step publishes text without a medical review
// that the site requires, and ErrScheduleInPast if at is not in the future.
func (s *Service) ChangeStatus(ctx context.Context, u *model.User, id int64, version int, action string, at time.Time) (*model.Article, error) {
	var changed *model.Article
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := editable(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if a.Version != version {
			return model.ErrStaleVersion
		}
		p, err := tx.Policy(ctx)
		if err != nil {
			return err
		}
		if a.Pending != nil {
			err = s.moveChange(ctx, tx, u, a, p, action, at)
		} else {
			err = s.move(ctx, tx, u, a, p, action, at)
		}
		changed = a
		return err
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// move takes step action on article a itself.
func (s *Service) move(ctx context.Context, tx *store.Store, u *model.User, a *model.Article, p model.Policy, action string, at time.Time) error {
	t, err := model.TransitionFor(action, a.Status)
	if err != nil {
		return err
	}
	if !model.CanTakeTransition(u, a, t, a.Status) {
		return ErrNotPublisher
	}
	if err := reviewGate(p, a, t); err != nil {
		return err
	}
	var when *time.Time
	if t.To == model.ArticleScheduled {
		if when, err = scheduleTime(at, s.now()); err != nil {
			return err
		}
	}
	now := s.now()
	moved, err := tx.ChangeStatus(ctx, a.ID, a.Version, t.To, when, &u.ID, t.Label, now)
	if err != nil {
		return err
	}
	if t.To == model.ArticleInReview {
		if err := tx.ClearChangeRequest(ctx, a.ID); err != nil {
			return err
		}
		moved.ChangesRequested = nil
	}
	*a = *moved
	switch t.To {
	case model.ArticleInReview:
		return record(ctx, tx, model.EventReviewRequested, a, a.AuthorID, &u.ID, now)
	case model.ArticlePublished:
		return record(ctx, tx, model.EventPublished, a, a.AuthorID, &u.ID, now)
	}
	return nil
}

// moveChange takes step action on a's pending change.
func (s *Service) moveChange(ctx context.Context, tx *store.Store, u *model.User, a *model.Article, p model.Policy, action string, at time.Time) error {
	from := a.Pending.Status
	t, err := model.ChangeTransitionFor(action, from)
	if err != nil {
		if _, live := model.TransitionFor(action, a.Status); live == nil {
			return ErrPendingChange
		}
		return err
	}
	if !model.CanTakeTransition(u, a, t, from) {
		return ErrNotPublisher
	}
	if err := reviewGate(p, a.Pending, t); err != nil {
		return err
	}
	now := s.now()
	switch t.Action {
	case "discard":
		if err := tx.DiscardChange(ctx, a, &u.ID, "Discarded the pending change", now); err != nil {
			return err
		}
		return tx.ClearChangeRequest(ctx, a.ID)
	case "publish":
		return s.publishChange(ctx, tx, &u.ID, a, "Published the pending change")
	}
	change := *a.Pending
	change.Status, change.ScheduledAt = t.To, nil
	if t.To == model.ArticleScheduled {
		if change.ScheduledAt, err = scheduleTime(at, now); err != nil {
			return err
		}
	}
	a.Pending = &change
	if err := tx.SaveChange(ctx, a, &u.ID, t.Label, now); err != nil {
		return err
	}
	if t.To == model.ArticleInReview {
		a.ChangesRequested = nil
		if err := tx.ClearChangeRequest(ctx, a.ID); err != nil {
			return err
		}
		return record(ctx, tx, model.EventReviewRequested, a, writerOf(a), &u.ID, now)
	}
	return nil
}
