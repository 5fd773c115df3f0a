package moderation

import "context"

// SetRepliesOpen opens or closes the article articleID to new replies (see
// ErrRepliesClosed); the replies it has stay as they are. Returns model.ErrNotFound
// if there is no such article.
func (s *Service) SetRepliesOpen(ctx context.Context, articleID int64, open bool) error {
	return s.store.SetRepliesOpen(ctx, articleID, open)
}
