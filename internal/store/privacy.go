package store

import (
	"context"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Actions recorded in the personal-data audit log.
const (
	PrivacyExport    = "export"
	PrivacyAnonymise = "anonymise"
	PrivacyDelete    = "delete"
)

// AnonymousName replaces the name of an anonymised reply.
const AnonymousName = "Anonymous"

// PrivacyAuditEntry is one line of the personal-data audit log. It holds no email:
// only who acted, when, what they did and to how many replies.
type PrivacyAuditEntry struct {
	ID        int64
	StaffName string // empty if the account was removed since
	Action    string
	Replies   int
	CreatedAt time.Time
}

// RecordPrivacyAction adds an entry to the personal-data audit log.
func (s *Store) RecordPrivacyAction(ctx context.Context, staffID int64, action string, replies int, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO privacy_audit (user_id, action, replies, created_at) VALUES (?, ?, ?, ?)`,
		staffID, action, replies, now.UTC()).Error)
}

// PrivacyAudit returns the latest entries of the personal-data audit log, newest
// first.
func (s *Store) PrivacyAudit(ctx context.Context, limit int) ([]PrivacyAuditEntry, error) {
	var rows []struct {
		ID        int64
		StaffName *string
		Action    string
		Replies   int
		CreatedAt time.Time
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT p.id, u.name AS staff_name, p.action, p.replies, p.created_at
		  FROM privacy_audit p LEFT JOIN users u ON u.id = p.user_id
		 ORDER BY p.created_at DESC, p.id DESC
		 LIMIT ?`, limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	list := make([]PrivacyAuditEntry, len(rows))
	for i, r := range rows {
		list[i] = PrivacyAuditEntry{ID: r.ID, Action: r.Action, Replies: r.Replies, CreatedAt: r.CreatedAt.UTC()}
		if r.StaffName != nil {
			list[i].StaffName = *r.StaffName
		}
	}
	return list, nil
}

// AnonymiseRepliesByEmail strips every reply sent with email, in any status, of what
// identifies its author: the name becomes "Anonymous", and the email, website, user
// agent, address hash and network are removed, and so is the link to the staff
// account that wrote it, if one did (its "Staff" badge would tell who). The text stays, and so does the
// thread. What the subscriptions and the outbox hold of the email goes too (see
// forgetAddress). It records the action in the audit log, in the same transaction, and
// returns how many replies it changed.
func (s *Store) AnonymiseRepliesByEmail(ctx context.Context, email string, staffID int64, now time.Time) (int, error) {
	index, err := s.EmailIndex(email)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.forgetAddress(ctx, index, now); err != nil {
			return err
		}
		// An anonymised reply has no email at all: no ciphertext and an empty index,
		// which no email's index can equal.
		res := tx.db.Exec(`
			UPDATE comments
			   SET author_name = ?, author_email = '', author_email_enc = NULL, author_email_index = '',
			       author_url = '', user_agent = '', client_hash = '', client_prefix = '', user_id = NULL,
			       updated_at = ?
			 WHERE author_email_index = ?`, AnonymousName, now.UTC(), index)
		if res.Error != nil {
			return translate(res.Error)
		}
		n = int(res.RowsAffected)
		return tx.RecordPrivacyAction(ctx, staffID, PrivacyAnonymise, n, now)
	})
	if err != nil {
		return 0, err
	}
	return n, s.Checkpoint(ctx)
}

// DeleteRepliesByEmail deletes for good every reply sent with email, in any status;
// the replies that answer them, from other people, move up a level. What the
// subscriptions and the outbox hold of the email goes too (see forgetAddress). It
// records the action in the audit log, in the same transaction, and returns how many it deleted.
func (s *Store) DeleteRepliesByEmail(ctx context.Context, email string, staffID int64, now time.Time) (int, error) {
	index, err := s.EmailIndex(email)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.forgetAddress(ctx, index, now); err != nil {
			return err
		}
		var ids []int64
		if err := tx.db.Raw(`SELECT id FROM comments WHERE author_email_index = ? ORDER BY id`, index).Scan(&ids).Error; err != nil {
			return translate(err)
		}
		var err error
		if n, err = tx.deleteKeepingThreads(ids); err != nil {
			return err
		}
		return tx.RecordPrivacyAction(ctx, staffID, PrivacyDelete, n, now)
	})
	if err != nil {
		return 0, err
	}
	return n, s.Checkpoint(ctx)
}

// RetentionResult says what ApplyRetention removed.
type RetentionResult struct {
	Spam    int // replies deleted from spam and trash
	Pending int // pending replies deleted because nobody handled them
	Client  int // replies whose user agent, address hash and network were cleared
}

// ApplyRetention removes what the policy says is kept no longer at now, in batches:
//   - replies in spam or trash that have not changed for RetainSpamDays;
//   - pending replies that have not changed for RetainPendingDays;
//   - the user agent, address hash and network of replies older than RetainClientDays.
//
// A period of 0 keeps that data until it is deleted. Deleted replies' answers move
// up a level, so threads survive.
func (s *Store) ApplyRetention(ctx context.Context, p model.Policy, now time.Time) (RetentionResult, error) {
	var res RetentionResult
	cutoff := func(days int) time.Time { return now.UTC().Add(-time.Duration(days) * 24 * time.Hour) }
	// Work in batches, each its own short transaction: a site with years of spam must
	// neither hold the write lock for a minute nor load every ID into memory.
	deleteWhere := func(days int, statuses []model.CommentStatus) (int, error) {
		if days <= 0 {
			return 0, nil
		}
		total := 0
		for {
			n := 0
			err := s.Tx(ctx, func(tx *Store) error {
				var ids []int64
				if err := tx.db.Raw(`SELECT id FROM comments WHERE status IN ? AND updated_at < ? ORDER BY id LIMIT ?`,
					statuses, cutoff(days), retentionBatch).Scan(&ids).Error; err != nil {
					return translate(err)
				}
				var err error
				n, err = tx.deleteKeepingThreads(ids)
				return err
			})
			if err != nil {
				return total, err
			}
			total += n
			if n < retentionBatch {
				return total, nil
			}
		}
	}
	var err error
	if res.Spam, err = deleteWhere(p.RetainSpamDays, []model.CommentStatus{model.CommentSpam, model.CommentTrash}); err != nil {
		return res, fmt.Errorf("delete old spam and trash: %w", err)
	}
	if res.Pending, err = deleteWhere(p.RetainPendingDays, []model.CommentStatus{model.CommentPending}); err != nil {
		return res, fmt.Errorf("delete old pending replies: %w", err)
	}
	for p.RetainClientDays > 0 {
		// updated_at stays: clearing this data is not a change to the reply.
		r := s.db.WithContext(ctx).Exec(clearClientDataQuery, cutoff(p.RetainClientDays), retentionBatch)
		if r.Error != nil {
			return res, fmt.Errorf("clear old client data: %w", translate(r.Error))
		}
		res.Client += int(r.RowsAffected)
		if r.RowsAffected < retentionBatch {
			break
		}
	}
	if p.RetainClientDays > 0 {
		// Reports keep nothing of a reader but this hash, forgotten like a reply's.
		if err := s.db.WithContext(ctx).Exec(clearReportClientsQuery, cutoff(p.RetainClientDays)).Error; err != nil {
			return res, fmt.Errorf("clear old report clients: %w", translate(err))
		}
	}
	if res == (RetentionResult{}) {
		return res, nil
	}
	return res, s.Checkpoint(ctx)
}

// clearClientDataQuery clears the user agent, address hash and network of up to a
// batch of replies written before a time. It finds them on the partial index
// comments_client_data_created (migration 0007), which holds only the replies that
// still have such data, so a daily run does not read every reply of the site.
const clearClientDataQuery = `
	UPDATE comments SET user_agent = '', client_hash = '', client_prefix = ''
	 WHERE id IN (SELECT id FROM comments
	               WHERE created_at < ? AND (user_agent != '' OR client_hash != '' OR client_prefix != '')
	               LIMIT ?)`

// retentionBatch is how many replies one retention transaction handles.
const retentionBatch = 2000
