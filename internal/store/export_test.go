package store

// The SQL of the moderation queries, for the query-plan tests of package store_test,
// so that they check what production runs rather than a copy.
const (
	QueueListQuery     = queueListQuery
	QueueCountQuery    = queueCountQuery
	CommentCountsQuery = commentCountsQuery
	RecentReplyQuery   = recentReplyQuery
	ApprovedReplyQuery = approvedReplyQuery
	ActiveBanQuery     = activeBanQuery
)

// Where returns the WHERE clause and arguments that CommentQueue uses for f.
func (f CommentFilter) Where() (string, []any) {
	return f.where()
}
