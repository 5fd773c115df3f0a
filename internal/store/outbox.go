package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

type outboxRow struct {
	ID             int64
	EventID        sql.NullInt64
	Kind           string
	DedupeKey      string
	WebhookID      sql.NullInt64
	Recipient      []byte
	RecipientIndex string
	CommentID      sql.NullInt64
	WantsStatus    string
	Subject        string
	Body           []byte
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastAnswer     string
	CreatedAt      time.Time
	FinishedAt     *time.Time
}

func (outboxRow) TableName() string { return "outbox" }

func (s *Store) outboxModel(r outboxRow, open bool) (model.OutboxMessage, error) {
	m := model.OutboxMessage{
		ID: r.ID, EventID: r.EventID.Int64, Kind: r.Kind, DedupeKey: r.DedupeKey, WebhookID: r.WebhookID.Int64,
		RecipientIndex: r.RecipientIndex, CommentID: r.CommentID.Int64, WantsStatus: model.CommentStatus(r.WantsStatus),
		Subject: r.Subject, Status: model.OutboxStatus(r.Status), Attempts: r.Attempts,
		NextAttemptAt: r.NextAttemptAt.UTC(), LastAnswer: r.LastAnswer, CreatedAt: r.CreatedAt.UTC(), FinishedAt: r.FinishedAt,
	}
	if !open {
		return m, nil
	}
	keys, err := s.emailKeys()
	if err != nil {
		return m, err
	}
	if len(r.Recipient) > 0 {
		if m.Recipient, err = keys.Open(r.Recipient); err != nil {
			return m, err
		}
	}
	if len(r.Body) > 0 {
		body, err := keys.Open(r.Body)
		if err != nil {
			return m, err
		}
		m.Body = []byte(body)
	}
	return m, nil
}

// QueueMessage puts m in the outbox with its recipient and body sealed, due at
// m.NextAttemptAt, and reports whether it is new: a message whose DedupeKey is there
// already is not queued again. A caller queues in the transaction that marks the
// message's event dispatched.
func (s *Store) QueueMessage(ctx context.Context, m model.OutboxMessage) (bool, error) {
	keys, err := s.emailKeys()
	if err != nil {
		return false, err
	}
	var recipient []byte
	if m.Recipient != "" {
		recipient = keys.Seal(m.Recipient)
	}
	res := s.db.WithContext(ctx).Exec(`INSERT INTO outbox (event_id, kind, dedupe_key, webhook_id, recipient, recipient_index,
			comment_id, wants_status, subject, body, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		nullID(m.EventID), m.Kind, m.DedupeKey, nullID(m.WebhookID), recipient, m.RecipientIndex,
		nullID(m.CommentID), string(m.WantsStatus), m.Subject, keys.Seal(string(m.Body)),
		m.NextAttemptAt.UTC(), m.CreatedAt.UTC())
	return res.RowsAffected == 1, translate(res.Error)
}

// DueMessage is a queued message whose time has come, with the status its reply has
// now (for a message about a reply; "" when the reply is gone).
type DueMessage struct {
	model.OutboxMessage
	ReplyStatus model.CommentStatus
}

// DueMessages returns up to limit queued messages due at now, oldest due first, with
// recipient and body opened.
func (s *Store) DueMessages(ctx context.Context, now time.Time, limit int) ([]DueMessage, error) {
	var rows []outboxRow
	err := s.db.WithContext(ctx).Where("status = 'queued' AND next_attempt_at <= ?", now.UTC()).
		Order("next_attempt_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	var replies []int64
	for _, r := range rows {
		if r.CommentID.Valid {
			replies = append(replies, r.CommentID.Int64)
		}
	}
	states, err := s.CommentStates(ctx, replies)
	if err != nil {
		return nil, err
	}
	statusOf := make(map[int64]model.CommentStatus, len(states))
	for _, st := range states {
		statusOf[st.ID] = st.Status
	}
	list := make([]DueMessage, len(rows))
	for i, r := range rows {
		m, err := s.outboxModel(r, true)
		if err != nil {
			return nil, err
		}
		list[i] = DueMessage{OutboxMessage: m, ReplyStatus: statusOf[m.CommentID]}
	}
	return list, nil
}

// NextDue returns when the next queued message falls due, or the zero time if none is
// queued.
func (s *Store) NextDue(ctx context.Context) (time.Time, error) {
	var rows []outboxRow
	err := s.db.WithContext(ctx).Select("next_attempt_at").Where("status = 'queued'").Order("next_attempt_at").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return time.Time{}, translate(err)
	}
	return rows[0].NextAttemptAt.UTC(), nil
}

// ClaimMessage takes queued message m for one attempt: it counts the attempt and moves
// the message's next attempt to leaseUntil, so that a sender that stops mid-way
// leaves it to be tried again then, and no other sender takes it meanwhile. It
// reports false if another sender took it first.
func (s *Store) ClaimMessage(ctx context.Context, m *model.OutboxMessage, leaseUntil time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
		WHERE id = ? AND status = 'queued' AND attempts = ?`, leaseUntil.UTC(), m.ID, m.Attempts)
	if res.RowsAffected == 1 {
		m.Attempts++
	}
	return res.RowsAffected == 1, translate(res.Error)
}

// RetryMessage records a failed attempt's answer and when to try message id again.
func (s *Store) RetryMessage(ctx context.Context, id int64, answer string, next time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`UPDATE outbox SET last_answer = ?, next_attempt_at = ? WHERE id = ? AND status = 'queued'`,
		answer, next.UTC(), id).Error)
}

// FinishMessage records message id as sent, failed or cancelled with the last answer,
// and forgets its recipient and body: the outbox keeps what was sent to no one in
// particular.
func (s *Store) FinishMessage(ctx context.Context, id int64, status model.OutboxStatus, answer string, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`UPDATE outbox SET status = ?, last_answer = ?, finished_at = ?,
			recipient = NULL, recipient_index = '', body = NULL
		WHERE id = ?`, string(status), answer, now.UTC(), id).Error)
}

// CancelMailTo cancels the queued mail to the address with blind index emailIndex (its
// owner asked for their data to be erased) and returns how many messages it cancelled.
func (s *Store) CancelMailTo(ctx context.Context, emailIndex string, now time.Time) (int, error) {
	return s.cancelMailTo(ctx, emailIndex, "The address was erased.", now)
}

// cancelMailTo cancels the queued mail to the address with blind index emailIndex,
// recording answer as the reason, and returns how many messages it cancelled.
func (s *Store) cancelMailTo(ctx context.Context, emailIndex, answer string, now time.Time) (int, error) {
	if emailIndex == "" {
		return 0, nil
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE outbox SET status = 'cancelled', last_answer = ?,
			finished_at = ?, recipient = NULL, recipient_index = '', body = NULL
		WHERE recipient_index = ? AND status = 'queued'`, answer, now.UTC(), emailIndex)
	return int(res.RowsAffected), translate(res.Error)
}

// CountMessages returns how many messages in the outbox have dedupe key key, or key
// followed by ":" and more (the same cause queued again), and how many of them were
// not cancelled.
func (s *Store) CountMessages(ctx context.Context, key string) (all, notCancelled int, err error) {
	// A range of the unique index rather than LIKE, which would read the whole table.
	err = s.db.WithContext(ctx).Raw(`SELECT count(*), count(*) FILTER (WHERE status != 'cancelled') FROM outbox
		WHERE dedupe_key = ? OR (dedupe_key > ? AND dedupe_key < ?)`, key, key+":", key+";").Row().Scan(&all, &notCancelled)
	return all, notCancelled, translate(err)
}

// OutboxFilter chooses messages for the staff's outbox page.
type OutboxFilter struct {
	Status    model.OutboxStatus // "" for every status
	WebhookID int64              // a webhook's deliveries; 0 for mail and deliveries alike
	Limit     int
	Offset    int
}

// Outbox returns the messages f chooses, newest first, without recipients or bodies,
// and how many there are in all.
func (s *Store) Outbox(ctx context.Context, f OutboxFilter) ([]model.OutboxMessage, int, error) {
	q := s.db.WithContext(ctx).Model(&outboxRow{})
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if f.WebhookID != 0 {
		q = q.Where("webhook_id = ?", f.WebhookID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []outboxRow
	err := q.Omit("recipient", "body").Order("created_at DESC, id DESC").Limit(f.Limit).Offset(f.Offset).Find(&rows).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	list := make([]model.OutboxMessage, len(rows))
	for i, r := range rows {
		list[i], _ = s.outboxModel(r, false)
	}
	return list, int(total), nil
}

// OutboxCounts returns how many messages have each status.
func (s *Store) OutboxCounts(ctx context.Context) (map[model.OutboxStatus]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT status, count(*) AS n FROM outbox GROUP BY status`).Scan(&rows).Error
	counts := map[model.OutboxStatus]int{}
	for _, r := range rows {
		counts[model.OutboxStatus(r.Status)] = r.N
	}
	return counts, translate(err)
}

// DeleteFinishedMessages removes messages finished before cutoff and returns how many.
func (s *Store) DeleteFinishedMessages(ctx context.Context, cutoff time.Time) (int, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM outbox WHERE status != 'queued' AND finished_at < ?`, cutoff.UTC())
	return int(res.RowsAffected), translate(res.Error)
}

// resealMail seals under next what the outbox, the events and the webhooks keep
// sealed under current (addresses, messages, link tokens, webhook secrets), and moves
// queued mail to the addresses' new blind indexes (oldToNew), for RotateKeys.
func (s *Store) resealMail(ctx context.Context, current, next *secret.Keys, oldToNew map[string]string) error {
	for _, c := range []struct{ table, column string }{
		{"outbox", "recipient"}, {"outbox", "body"}, {"events", "secret"}, {"webhooks", "secret"},
	} {
		var rows []struct {
			ID    int64
			Value []byte
		}
		err := s.db.WithContext(ctx).Raw(`SELECT id, ` + c.column + ` AS value FROM ` + c.table + ` WHERE ` + c.column + ` IS NOT NULL`).
			Scan(&rows).Error
		if err != nil {
			return translate(err)
		}
		for _, r := range rows {
			plain, err := current.Open(r.Value)
			if err != nil {
				return fmt.Errorf("%s %d: %w", c.table, r.ID, err)
			}
			if err := s.db.WithContext(ctx).Exec(`UPDATE `+c.table+` SET `+c.column+` = ? WHERE id = ?`, next.Seal(plain), r.ID).Error; err != nil {
				return translate(err)
			}
		}
	}
	var indexes []string
	if err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT recipient_index FROM outbox WHERE recipient_index != ''`).Scan(&indexes).Error; err != nil {
		return translate(err)
	}
	for _, old := range indexes {
		if fresh, ok := oldToNew[old]; ok {
			if err := s.db.WithContext(ctx).Exec(`UPDATE outbox SET recipient_index = ? WHERE recipient_index = ?`, fresh, old).Error; err != nil {
				return translate(err)
			}
		}
	}
	return nil
}
