package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// reportedClause selects the replies with open reports, on reports_open.
const reportedClause = `c.id IN (SELECT comment_id FROM reports WHERE closed_at IS NULL)`

// AddReport records reader client's report of reply commentID for reason, and
// reports whether it is new: a reader's second report of one reply is not counted.
// client is the keyed hash of the reader's client ("" when unknown, which is always
// counted).
func (s *Store) AddReport(ctx context.Context, commentID int64, reason model.ReportReason, client string, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`INSERT INTO reports (comment_id, reason, client_hash, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (comment_id, client_hash) WHERE client_hash != '' DO NOTHING`, commentID, string(reason), client, now.UTC())
	return res.RowsAffected == 1, translate(res.Error)
}

// OpenReports returns how many open reports reply commentID has.
func (s *Store) OpenReports(ctx context.Context, commentID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM reports WHERE comment_id = ? AND closed_at IS NULL`, commentID).Scan(&n).Error
	return int(n), translate(err)
}

// CloseReports closes the open reports of the replies ids (a moderator decided) and
// returns how many of those replies had some.
func (s *Store) CloseReports(ctx context.Context, ids []int64, now time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var n int64
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(DISTINCT comment_id) FROM reports WHERE comment_id IN ? AND closed_at IS NULL`, ids).Scan(&n).Error; err != nil {
		return 0, translate(err)
	}
	if n == 0 {
		return 0, nil
	}
	return int(n), translate(db.Exec(`UPDATE reports SET closed_at = ? WHERE comment_id IN ? AND closed_at IS NULL`, now.UTC(), ids).Error)
}

// ReportReasonCount is how many open reports of one reply give one reason.
type ReportReasonCount struct {
	CommentID int64
	Reason    model.ReportReason
	Count     int
}

// OpenReportReasons returns the open reports of the replies ids, by reason.
func (s *Store) OpenReportReasons(ctx context.Context, ids []int64) ([]ReportReasonCount, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var list []ReportReasonCount
	err := s.db.WithContext(ctx).Raw(`SELECT comment_id, reason, count(*) AS count FROM reports
		WHERE comment_id IN ? AND closed_at IS NULL GROUP BY comment_id, reason ORDER BY count DESC, reason`, ids).Scan(&list).Error
	return list, translate(err)
}

// CountReported returns how many replies have open reports.
func (s *Store) CountReported(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(DISTINCT comment_id) FROM reports WHERE closed_at IS NULL`).Scan(&n).Error
	return int(n), translate(err)
}

// clearReportClientsQuery forgets which client made the reports made before a time.
const clearReportClientsQuery = `UPDATE reports SET client_hash = '' WHERE client_hash != '' AND created_at < ?`

// SetHeldReason records why reply id waits for a moderator.
func (s *Store) SetHeldReason(ctx context.Context, id int64, reason string) error {
	return translate(s.db.WithContext(ctx).Exec(`UPDATE comments SET held_reason = ? WHERE id = ?`, reason, id).Error)
}
