package store

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Subscription is a reader's wish to be mailed the answers to one of their replies.
// The address is the reply's own; EmailIndex is its blind index.
type Subscription struct {
	CommentID  int64
	EmailIndex string
	CreatedAt  time.Time
}

// Subscriber is what is known of an address that subscribed: when it was last asked
// to confirm, and whether it did. Both are nil for an address never asked.
type Subscriber struct {
	EmailIndex    string
	ConfirmSentAt *time.Time
	ConfirmedAt   *time.Time
}

// Confirmed reports whether the address confirmed its subscriptions.
func (s *Subscriber) Confirmed() bool { return s.ConfirmedAt != nil }

// AddSubscription records that the sender of reply commentID, whose address has blind
// index emailIndex, wants its answers by mail. A reply subscribed already stays as it is.
func (s *Store) AddSubscription(ctx context.Context, commentID int64, emailIndex string, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO subscriptions (comment_id, email_index, created_at) VALUES (?, ?, ?)
		ON CONFLICT (comment_id) DO NOTHING`, commentID, emailIndex, now.UTC()).Error)
}

// CountSubscriptionsSince returns how many subscriptions the address with blind index
// emailIndex made at or after since.
func (s *Store) CountSubscriptionsSince(ctx context.Context, emailIndex string, since time.Time) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM subscriptions WHERE email_index = ? AND created_at >= ?`,
		emailIndex, since.UTC()).Row().Scan(&n)
	return n, translate(err)
}

// Subscription returns the subscription of reply commentID, or model.ErrNotFound.
func (s *Store) Subscription(ctx context.Context, commentID int64) (*Subscription, error) {
	var rows []Subscription
	err := s.db.WithContext(ctx).Raw(`SELECT comment_id, email_index, created_at FROM subscriptions WHERE comment_id = ?`, commentID).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, model.ErrNotFound
	}
	rows[0].CreatedAt = rows[0].CreatedAt.UTC()
	return &rows[0], nil
}

// SubscriptionsOf returns the subscriptions of the address with blind index
// emailIndex, oldest first.
func (s *Store) SubscriptionsOf(ctx context.Context, emailIndex string) ([]Subscription, error) {
	var rows []Subscription
	err := s.db.WithContext(ctx).Raw(`SELECT comment_id, email_index, created_at FROM subscriptions WHERE email_index = ?
		ORDER BY created_at, comment_id`, emailIndex).Scan(&rows).Error
	for i := range rows {
		rows[i].CreatedAt = rows[i].CreatedAt.UTC()
	}
	return rows, translate(err)
}

// Subscriber returns what is known of the address with blind index emailIndex: a
// Subscriber with neither time for an address never asked to confirm.
func (s *Store) Subscriber(ctx context.Context, emailIndex string) (Subscriber, error) {
	var rows []Subscriber
	err := s.db.WithContext(ctx).Raw(`SELECT email_index, confirm_sent_at, confirmed_at FROM subscribers WHERE email_index = ?`, emailIndex).
		Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return Subscriber{EmailIndex: emailIndex}, translate(err)
	}
	sub := rows[0]
	for _, t := range []*time.Time{sub.ConfirmSentAt, sub.ConfirmedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return sub, nil
}

// MarkConfirmSent records that the address with blind index emailIndex was asked to
// confirm its subscriptions at now.
func (s *Store) MarkConfirmSent(ctx context.Context, emailIndex string, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO subscribers (email_index, confirm_sent_at) VALUES (?, ?)
		ON CONFLICT (email_index) DO UPDATE SET confirm_sent_at = excluded.confirm_sent_at`, emailIndex, now.UTC()).Error)
}

// ConfirmSubscriber records that the address with blind index emailIndex confirmed its
// subscriptions at now; an address confirmed already keeps its first confirmation.
func (s *Store) ConfirmSubscriber(ctx context.Context, emailIndex string, now time.Time) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO subscribers (email_index, confirmed_at) VALUES (?, ?)
		ON CONFLICT (email_index) DO UPDATE SET confirmed_at = coalesce(subscribers.confirmed_at, excluded.confirmed_at)`,
		emailIndex, now.UTC()).Error)
}

// ForgetSubscriber removes every subscription of the address with blind index
// emailIndex, its confirmation and the tokens of the links sent to it (which would
// otherwise keep the blind index), and returns how many subscriptions it removed.
// Its queued mail is the caller's to cancel (CancelMailTo, CancelReaderMail).
func (s *Store) ForgetSubscriber(ctx context.Context, emailIndex string) (int, error) {
	if emailIndex == "" {
		return 0, nil
	}
	db := s.db.WithContext(ctx)
	res := db.Exec(`DELETE FROM subscriptions WHERE email_index = ?`, emailIndex)
	if res.Error != nil {
		return 0, translate(res.Error)
	}
	if err := db.Exec(`DELETE FROM subscribers WHERE email_index = ?`, emailIndex).Error; err != nil {
		return 0, translate(err)
	}
	if err := db.Exec(`DELETE FROM link_tokens WHERE email_index = ?`, emailIndex).Error; err != nil {
		return 0, translate(err)
	}
	return int(res.RowsAffected), nil
}

// CancelReaderMail cancels the queued mail to the address with blind index emailIndex
// (its owner unsubscribed) and returns how many messages it cancelled.
func (s *Store) CancelReaderMail(ctx context.Context, emailIndex string, now time.Time) (int, error) {
	return s.cancelMailTo(ctx, emailIndex, "Not sent: the reader unsubscribed.", now)
}

// forgetAddress removes what the subscriptions and the outbox hold of the address with
// blind index emailIndex, whose owner's data is being erased: its subscriptions,
// confirmation and links (ForgetSubscriber), its queued mail (CancelMailTo), and the
// queued messages and webhook deliveries about its replies, which quote the name and
// text being erased. Call it before the replies lose their index.
func (s *Store) forgetAddress(ctx context.Context, emailIndex string, now time.Time) error {
	if _, err := s.ForgetSubscriber(ctx, emailIndex); err != nil {
		return err
	}
	if _, err := s.CancelMailTo(ctx, emailIndex, now); err != nil {
		return err
	}
	return translate(s.db.WithContext(ctx).Exec(`UPDATE outbox SET status = 'cancelled',
			last_answer = 'Not sent: the data of the reply''s author was erased.', finished_at = ?,
			recipient = NULL, recipient_index = '', body = NULL
		WHERE status = 'queued' AND comment_id IN (SELECT id FROM comments WHERE author_email_index = ?)`,
		now.UTC(), emailIndex).Error)
}

// reindexSubscribers moves the blind indexes of subscriptions, subscribers and link
// tokens to new keys through oldToNew (see RotateKeys). An index that maps to nothing
// belongs to an address none of whose replies is left: its rows are deleted.
func (s *Store) reindexSubscribers(oldToNew map[string]string) error {
	for _, table := range []string{"subscriptions", "subscribers", "link_tokens"} {
		var indexes []string
		if err := s.db.Raw(`SELECT DISTINCT email_index FROM ` + table + ` WHERE email_index != ''`).Scan(&indexes).Error; err != nil {
			return translate(err)
		}
		for _, old := range indexes {
			var err error
			if next, ok := oldToNew[old]; ok {
				err = s.db.Exec(`UPDATE `+table+` SET email_index = ? WHERE email_index = ?`, next, old).Error
			} else {
				err = s.db.Exec(`DELETE FROM `+table+` WHERE email_index = ?`, old).Error
			}
			if err != nil {
				return translate(err)
			}
		}
	}
	return nil
}
