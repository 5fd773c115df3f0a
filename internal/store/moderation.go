package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// QueueComment is a reply as the moderation queue shows it, with its article and the
// reply it answers.
type QueueComment struct {
	model.Comment
	ArticleTitle string
	ArticleSlug  string
	ParentAuthor string // empty for a reply to the article
	StaffName    string // the staff account that wrote it, if any (its role is in Comment)
	// StatusByName is the moderator who last moved it to its status, and StatusAt
	// when; empty when the rules gave it its status on arrival (HeldReason says why).
	StatusByName string
	StatusAt     *time.Time
}

// CommentFilter selects replies for the moderation queue.
type CommentFilter struct {
	Status model.CommentStatus
	// Reported selects the replies with open reports from readers, in any status,
	// instead of a status.
	Reported  bool
	ArticleID int64  // 0 for every article
	Query     string // matched against text and name, and against the whole email
	Limit     int
	Offset    int

	emailIndex string // the blind index of Query, set by CommentQueue
}

// queueSearchClause matches a search in a reply's text and name, or its whole email.
const queueSearchClause = `(c.body LIKE ? ESCAPE '\' OR c.author_name LIKE ? ESCAPE '\' OR c.author_email_index = ?)`

// The queue's page and its total, for a WHERE clause made by CommentFilter.where.
const (
	queueListQuery = `
		SELECT c.*, a.title AS article_title, a.slug AS article_slug,
		       p.author_name AS parent_author, u.name AS staff_name, u.role AS staff_role, u.credentials AS staff_credentials,
		       m.name AS status_by_name
		  FROM comments c
		  JOIN articles a ON a.id = c.article_id
		  LEFT JOIN comments p ON p.id = c.parent_id
		  LEFT JOIN users u ON u.id = c.user_id
		  LEFT JOIN users m ON m.id = c.status_by
		 WHERE %s
		 ORDER BY c.created_at DESC, c.id DESC
		 LIMIT ? OFFSET ?`
	queueCountQuery = `SELECT count(*) FROM comments c WHERE %s`
)

func (f CommentFilter) where() (string, []any) {
	clauses := []string{"c.status = ?"}
	args := []any{f.Status}
	if f.Reported {
		clauses, args = []string{reportedClause}, nil
	}
	if f.ArticleID != 0 {
		clauses = append(clauses, "c.article_id = ?")
		args = append(args, f.ArticleID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		// Emails are encrypted, so they match whole, through their blind index.
		clauses = append(clauses, queueSearchClause)
		args = append(args, like, like, f.emailIndex)
	}
	return strings.Join(clauses, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CommentQueue returns one page of replies matching f, newest first, and how many
// match in all.
func (s *Store) CommentQueue(ctx context.Context, f CommentFilter) ([]QueueComment, int, error) {
	keys, err := s.emailKeys()
	if err != nil {
		return nil, 0, err
	}
	f.emailIndex = keys.EmailIndex(f.Query)
	where, args := f.where()
	db := s.db.WithContext(ctx)
	var total int64
	if err := db.Raw(fmt.Sprintf(queueCountQuery, where), args...).Scan(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	list, err := s.queueComments(ctx, where, args, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, err
	}
	return list, int(total), nil
}

// MaxMatching is how many replies a bulk action on every reply matching a filter
// reaches at most.
const MaxMatching = 10_000

// queueIDsQuery lists the IDs of the replies a filter selects, newest first.
const queueIDsQuery = `SELECT c.id FROM comments c WHERE %s ORDER BY c.created_at DESC, c.id DESC LIMIT ?`

// CommentQueueIDs returns the IDs of the replies f selects (its Limit and Offset
// aside), newest first, at most MaxMatching.
func (s *Store) CommentQueueIDs(ctx context.Context, f CommentFilter) ([]int64, error) {
	keys, err := s.emailKeys()
	if err != nil {
		return nil, err
	}
	f.emailIndex = keys.EmailIndex(f.Query)
	where, args := f.where()
	var ids []int64
	err = s.db.WithContext(ctx).Raw(fmt.Sprintf(queueIDsQuery, where), append(args, MaxMatching)...).Scan(&ids).Error
	return ids, translate(err)
}

func (s *Store) queueComments(ctx context.Context, where string, args []any, limit, offset int) ([]QueueComment, error) {
	var rows []struct {
		Comment          commentRow `gorm:"embedded"`
		ArticleTitle     string
		ArticleSlug      string
		ParentAuthor     *string
		StaffName        *string
		StaffRole        *string
		StaffCredentials *string
		StatusByName     *string
		StatusAt         *time.Time
	}
	err := s.db.WithContext(ctx).Raw(fmt.Sprintf(queueListQuery, where), append(args, limit, offset)...).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]QueueComment, len(rows))
	for i, r := range rows {
		c, err := s.commentModel(r.Comment)
		if err != nil {
			return nil, err
		}
		list[i] = QueueComment{Comment: c, ArticleTitle: r.ArticleTitle, ArticleSlug: r.ArticleSlug}
		if r.ParentAuthor != nil {
			list[i].ParentAuthor = *r.ParentAuthor
		}
		if r.StaffName != nil {
			list[i].StaffName = *r.StaffName
		}
		if r.StaffRole != nil {
			list[i].Comment.StaffRole = model.Role(*r.StaffRole)
		}
		if r.StaffCredentials != nil {
			list[i].Comment.StaffCredentials = *r.StaffCredentials
		}
		if r.StatusByName != nil {
			list[i].StatusByName, list[i].StatusAt = *r.StatusByName, utcPtr(r.StatusAt)
		}
	}
	return list, nil
}

// commentCountsQuery counts the replies of each status, for the queue's tabs.
const commentCountsQuery = `SELECT status, count(*) AS n FROM comments GROUP BY status`

// CommentCounts returns how many replies have each status.
func (s *Store) CommentCounts(ctx context.Context) (map[model.CommentStatus]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	if err := s.db.WithContext(ctx).Raw(commentCountsQuery).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	counts := map[model.CommentStatus]int{}
	for _, r := range rows {
		counts[model.CommentStatus(r.Status)] = r.N
	}
	return counts, nil
}

// CountPendingComments returns how many replies wait for a moderator: the total of the
// queue's first tab.
func (s *Store) CountPendingComments(ctx context.Context) (int, error) {
	where, args := CommentFilter{Status: model.CommentPending}.where()
	var n int64
	err := s.db.WithContext(ctx).Raw(fmt.Sprintf(queueCountQuery, where), args...).Scan(&n).Error
	return int(n), translate(err)
}

// CommentState is where a reply is in moderation: what an action on it starts from.
type CommentState struct {
	ID             int64
	ArticleID      int64
	Status         model.CommentStatus
	PreviousStatus model.CommentStatus
}

// CommentStates returns the states of those of the replies ids that exist, in no
// particular order, without reading (and so decrypting) their emails.
func (s *Store) CommentStates(ctx context.Context, ids []int64) ([]CommentState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var states []CommentState
	err := s.db.WithContext(ctx).Raw(`SELECT id, article_id, status, previous_status FROM comments WHERE id IN ?`, ids).Scan(&states).Error
	return states, translate(err)
}

// SetCommentStatus gives the replies ids the status and the previous status, and
// returns how many there were.
func (s *Store) SetCommentStatus(ctx context.Context, ids []int64, status, previous model.CommentStatus, now time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE comments SET status = ?, previous_status = ?, updated_at = ? WHERE id IN ?`,
		status, previous, now.UTC(), ids)
	return int(res.RowsAffected), translate(res.Error)
}

// PinAnswer pins the reply id under the reply parentID at now, and unpins any other
// answer pinned there.
func (s *Store) PinAnswer(ctx context.Context, id, parentID int64, now time.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE comments SET pinned_at = NULL WHERE parent_id = ? AND id <> ? AND pinned_at IS NOT NULL`, parentID, id).Error
	if err != nil {
		return translate(err)
	}
	return translate(s.db.WithContext(ctx).Exec(`UPDATE comments SET pinned_at = ? WHERE id = ?`, now.UTC(), id).Error)
}

// UnpinAnswer unpins the reply id, and reports whether it was pinned.
func (s *Store) UnpinAnswer(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE comments SET pinned_at = NULL WHERE id = ? AND pinned_at IS NOT NULL`, id)
	return res.RowsAffected > 0, translate(res.Error)
}

// NoteModerator records that moderator by moved the replies ids to their status at
// now.
func (s *Store) NoteModerator(ctx context.Context, ids []int64, by int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return translate(s.db.WithContext(ctx).Exec(`UPDATE comments SET status_by = ?, status_at = ? WHERE id IN ?`, by, now.UTC(), ids).Error)
}

// DeleteComments removes the replies ids, in any status, for good, and returns how
// many went. Their own replies move up a level instead of disappearing.
func (s *Store) DeleteComments(ctx context.Context, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	deleted := 0
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		deleted, err = tx.deleteKeepingThreads(ids)
		return err
	})
	if err != nil {
		return 0, err
	}
	return deleted, nil
}

// deleteKeepingThreads removes the replies with the given IDs, in any status, and
// returns how many went. The replies that answer one move up a level, to the reply
// it answered (or to the article), so the rest of a thread survives. Run it inside
// a transaction.
func (s *Store) deleteKeepingThreads(ids []int64) (int, error) {
	deleted := 0
	for _, id := range ids {
		// Read the parent now, not before the loop: deleting an earlier ID may have
		// moved this reply up already.
		var found []struct{ ParentID *int64 }
		if err := s.db.Raw(`SELECT parent_id FROM comments WHERE id = ?`, id).Scan(&found).Error; err != nil {
			return 0, translate(err)
		}
		if len(found) == 0 {
			continue
		}
		if err := s.db.Exec(`UPDATE comments SET parent_id = ? WHERE parent_id = ?`, found[0].ParentID, id).Error; err != nil {
			return 0, translate(err)
		}
		if err := s.db.Exec(`DELETE FROM comments WHERE id = ?`, id).Error; err != nil {
			return 0, translate(err)
		}
		deleted++
	}
	return deleted, nil
}

// UpdateComment saves a moderator's edit of a reply's name, website and text.
func (s *Store) UpdateComment(ctx context.Context, c *model.Comment, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&commentRow{}).Where("id = ?", c.ID).Updates(map[string]any{
		"author_name": c.AuthorName, "author_url": c.AuthorURL, "body": c.Body, "body_hash": BodyHash(c.Body), "updated_at": now.UTC(),
	})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	return nil
}

// recentReplyQuery finds a reply from a client hash since a time.
const recentReplyQuery = `
	SELECT id FROM comments WHERE client_hash = ? AND client_hash != '' AND created_at > ?
	LIMIT 1`

// RecentReplyFrom reports whether a reply came from the client hash since the given
// time. It takes no email: an answer that depended on the email would tell whoever
// sent a reply whether someone else had just replied with the email they typed.
func (s *Store) RecentReplyFrom(ctx context.Context, clientHash string, since time.Time) (bool, error) {
	var ids []int64
	q := s.db.WithContext(ctx).Raw(recentReplyQuery, clientHash, since.UTC())
	if err := q.Scan(&ids).Error; err != nil {
		return false, translate(err)
	}
	return len(ids) > 0, nil
}

// sameReplyQuery finds an earlier reply with the same text, by the hash of the
// text (migration 0009): the unary + keep SQLite off the article and parent indexes,
// which would have it compare the text of every reply on the article (or, with
// "parent_id IS NULL" bound, of most replies of the site), inside the write lock.
const sameReplyQuery = `
	SELECT id FROM comments
	 WHERE body_hash = ? AND +article_id = ? AND +parent_id IS ?
	   AND author_name = ? AND body = ? AND status IN ?
	 LIMIT 1`

// SameReplyExists reports whether a reply in one of statuses has the same text and
// name as c, in the same place (article and parent), whatever its email. The email is
// left out on purpose: a check that used it would answer "duplicate" to someone who
// re-sends a public reply's name and text only when they type its author's email,
// and so confirm a guessed email.
func (s *Store) SameReplyExists(ctx context.Context, c *model.Comment, statuses []model.CommentStatus) (bool, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(sameReplyQuery,
		BodyHash(c.Body), c.ArticleID, c.ParentID, c.AuthorName, c.Body, statuses).Scan(&ids).Error
	return len(ids) > 0, translate(err)
}

// approvedReplyQuery checks a few replies' status, name and email index.
const approvedReplyQuery = `
	SELECT id FROM comments WHERE id IN ? AND author_email_index = ? AND author_name = ? AND status = 'approved' LIMIT 1`

// IsApprovedReplyBy reports whether one of the replies ids is approved and was sent
// under this name and email.
func (s *Store) IsApprovedReplyBy(ctx context.Context, ids []int64, name, email string) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	index, err := s.EmailIndex(email)
	if err != nil {
		return false, err
	}
	var found []int64
	err = s.db.WithContext(ctx).Raw(approvedReplyQuery, ids, index, name).Scan(&found).Error
	return len(found) > 0, translate(err)
}

// QueueCommentByID returns one reply as the queue shows it, or model.ErrNotFound.
func (s *Store) QueueCommentByID(ctx context.Context, id int64) (*QueueComment, error) {
	list, err := s.queueComments(ctx, "c.id = ?", []any{id}, 1, 0)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, model.ErrNotFound
	}
	return &list[0], nil
}

// CommenterHistory is how many replies one email has had approved and marked as spam.
type CommenterHistory struct {
	Approved, Spam int
}

// commenterHistoryQuery counts replies by email index and status, on
// comments_author_email_index_created.
const commenterHistoryQuery = `SELECT author_email_index AS email_index, status, count(*) AS n FROM comments
	WHERE author_email_index IN ? AND status IN ('approved', 'spam') GROUP BY author_email_index, status`

// CommenterHistories returns the history of each of the email indices given.
func (s *Store) CommenterHistories(ctx context.Context, indices []string) (map[string]CommenterHistory, error) {
	out := map[string]CommenterHistory{}
	if len(indices) == 0 {
		return out, nil
	}
	var rows []struct {
		EmailIndex string
		Status     string
		N          int
	}
	if err := s.db.WithContext(ctx).Raw(commenterHistoryQuery, indices).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		h := out[r.EmailIndex]
		if r.Status == string(model.CommentApproved) {
			h.Approved = r.N
		} else {
			h.Spam = r.N
		}
		out[r.EmailIndex] = h
	}
	return out, nil
}
