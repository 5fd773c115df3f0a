package store

import (
	"context"
)

// The SQL of the store's queries, for the query-plan tests of package store_test, so
// that they check what production runs rather than a copy.
const (
	QueueListQuery         = queueListQuery
	ReferencesQuery        = referencesQuery
	PublishedArticleQuery  = publishedArticleQuery
	QueueCountQuery        = queueCountQuery
	CommentCountsQuery     = commentCountsQuery
	RecentReplyQuery       = recentReplyQuery
	ApprovedReplyQuery     = approvedReplyQuery
	ActiveBanQuery         = activeBanQuery
	PublishedArticlesQuery = publishedArticlesQuery
	PlainEmailsQuery       = plainEmailsQuery
	ClearClientDataQuery   = clearClientDataQuery
	RetentionBatch         = retentionBatch
	WorkQuery              = workQuery
	PendingByArticleQuery  = pendingByArticleQuery
	DueChangesQuery        = dueChangesQuery
	CommenterHistoryQuery  = commenterHistoryQuery
)

// Where returns the WHERE clause and arguments that CommentQueue uses for f.
func (f CommentFilter) Where() (string, []any) {
	return f.where()
}

// MigrateDownTo undoes every migration after version, for the tests of a migration's
// Down.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
