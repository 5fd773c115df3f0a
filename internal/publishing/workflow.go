package publishing

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Actions is what a staff member may do to an article as it is now.
type Actions struct {
	Edit   bool // change its text and status
	Review bool // record a medical review
	// Transitions are the workflow steps offered; empty unless Edit.
	Transitions []model.Transition
	// ReviewNeeded means steps with NeedsReview are refused (ErrReviewNeeded) until
	// a medical review is recorded.
	ReviewNeeded bool
}

// Actions returns what u may do to article a, as read by Article.
func (s *Service) Actions(ctx context.Context, u *model.User, a *model.Article) (Actions, error) {
	p, err := s.store.Policy(ctx)
	if err != nil {
		return Actions{}, err
	}
	act := Actions{
		Edit: model.CanEditArticle(u, a), Review: model.CanReviewArticle(u, a),
		ReviewNeeded: reviewNeeded(p, a),
	}
	if act.Edit {
		act.Transitions = model.AvailableTransitions(a.Status)
	}
	return act, nil
}

// ChangeStatus takes the workflow step action (model.Transitions) on article id, as
// u saw it at version; at is when a scheduled article goes out, and is ignored by
// the other steps. Returns model.ErrNotFound if there is no such article,
// model.ErrForbidden if u may not change it, model.ErrStaleVersion if it changed
// since version, model.ErrTransition if the step is not possible from its status,
// ErrReviewNeeded if the step publishes an article without a medical review that the
// site requires, and ErrScheduleInPast if at is not in the future.
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
		t, err := model.TransitionFor(action, a.Status)
		if err != nil {
			return err
		}
		p, err := tx.Policy(ctx)
		if err != nil {
			return err
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
		changed, err = tx.ChangeStatus(ctx, a.ID, version, t.To, when, &u.ID, t.Label, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}
