package publishing

import (
	"context"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Review records that u medically reviewed article id, as u read it at version, now;
// the next review falls due model.ReviewInterval months later. Returns
// model.ErrNotFound if there is no such article, model.ErrForbidden if u may not
// review it (not a reviewer, or the article is archived), and model.ErrStaleVersion
// if it changed since version, so that nobody signs off text they have not read.
func (s *Service) Review(ctx context.Context, u *model.User, id int64, version int) (*model.Article, error) {
	var reviewed *model.Article
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := visible(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !model.CanReviewArticle(u, a) {
			return model.ErrForbidden
		}
		now := s.now()
		reviewed, err = tx.RecordReview(ctx, a.ID, version, u, now, now.AddDate(0, model.ReviewInterval, 0))
		return err
	})
	if err != nil {
		return nil, err
	}
	return reviewed, nil
}
