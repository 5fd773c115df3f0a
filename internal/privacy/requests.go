package privacy

import (
	"context"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// The fields of a request that a *model.ValidationError names.
const (
	FieldEmail   = "email"
	FieldMode    = "mode"
	FieldConfirm = "confirm"
)

// The ways Erase may erase a person's replies.
const (
	// EraseAnonymise keeps each reply's text and place in its thread, and removes all
	// that identifies its author (see store.AnonymiseRepliesByEmail).
	EraseAnonymise = "anonymise"
	// EraseDelete deletes the replies for good; other people's answers to them move
	// up a level (see store.DeleteRepliesByEmail).
	EraseDelete = "delete"
)

// Find returns every reply sent with email, in any status, oldest first: what a
// request for a copy or an erasure is about. Spaces around the email are ignored, and
// so is its case. Returns *model.ValidationError (FieldEmail) if email is not an
// email address.
func (s *Service) Find(ctx context.Context, email string) ([]store.QueueComment, error) {
	email = strings.TrimSpace(email)
	if err := checkEmail(email); err != nil {
		return nil, err
	}
	return s.store.CommentsByEmail(ctx, email)
}

// Export is the copy of everything stored about the replies sent with one email, as
// the person who asked for it receives it (in JSON).
type Export struct {
	RequestedAt time.Time     `json:"requested_at"`
	Site        string        `json:"site"`
	Email       string        `json:"email"`
	Count       int           `json:"count"`
	Replies     []ExportReply `json:"replies"`
	// Subscriptions are the replies whose answers the email asked to be sent.
	Subscriptions ExportSubscriptions `json:"subscriptions"`
}

// ExportSubscriptions is what an Export says of an email's subscriptions: which
// replies' answers it asked for ("Email me when someone replies to my comment"), when
// it was last asked to confirm, and whether it did.
type ExportSubscriptions struct {
	Replies            []int64    `json:"replies"`
	Confirmed          bool       `json:"confirmed"`
	ConfirmationSentAt *time.Time `json:"confirmation_sent_at"`
	ConfirmedAt        *time.Time `json:"confirmed_at"`
}

// ExportReply is one reply of an Export.
type ExportReply struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Website      string    `json:"website"`
	Text         string    `json:"text"`
	ArticleTitle string    `json:"article_title"`
	ArticleURL   string    `json:"article_url"`
	ParentID     *int64    `json:"parent_id"` // the reply it answers; null for a reply to the article
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	UserAgent    string    `json:"user_agent"` // until cleared by the retention policy
	Network      string    `json:"network"`    // the /24 or /48 the reply came from, likewise
}

// Export returns a copy of every reply sent with email, for the person who sent them,
// and records in the audit log that staff made it. Returns model.ErrForbidden if staff
// may not handle personal data, and *model.ValidationError (FieldEmail) if email is
// not an email address.
func (s *Service) Export(ctx context.Context, staff *model.User, email string) (*Export, error) {
	if err := mayHandle(staff); err != nil {
		return nil, err
	}
	email = strings.TrimSpace(email)
	if err := checkEmail(email); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var doc *Export
	// No copy leaves without its line in the audit log: the replies are read and the
	// line written in one transaction, so a copy is returned only once its line is
	// committed, and the line counts exactly the replies in the copy.
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		found, err := tx.CommentsByEmail(ctx, email)
		if err != nil {
			return err
		}
		subs, who, err := subscriptionsOf(ctx, tx, email)
		if err != nil {
			return err
		}
		if err := tx.RecordPrivacyAction(ctx, staff.ID, string(ActionExport), len(found), now); err != nil {
			return err
		}
		doc = s.document(email, found, now)
		for _, sub := range subs {
			doc.Subscriptions.Replies = append(doc.Subscriptions.Replies, sub.CommentID)
		}
		doc.Subscriptions.Confirmed, doc.Subscriptions.ConfirmedAt = who.Confirmed(), who.ConfirmedAt
		doc.Subscriptions.ConfirmationSentAt = who.ConfirmSentAt
		return nil
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// document builds the Export of the replies found for email at now.
func (s *Service) document(email string, found []store.QueueComment, now time.Time) *Export {
	doc := &Export{RequestedAt: now, Site: s.publicURL, Email: email, Count: len(found), Replies: make([]ExportReply, len(found)),
		Subscriptions: ExportSubscriptions{Replies: []int64{}}}
	for i, qc := range found {
		doc.Replies[i] = ExportReply{
			ID: qc.ID, Name: qc.AuthorName, Email: qc.AuthorEmail, Website: qc.AuthorURL, Text: qc.Body,
			ArticleTitle: qc.ArticleTitle, ArticleURL: s.publicURL + "/articles/" + qc.ArticleSlug,
			ParentID: qc.ParentID, Status: string(qc.Status), CreatedAt: qc.CreatedAt, UpdatedAt: qc.UpdatedAt,
			UserAgent: qc.UserAgent, Network: qc.ClientPrefix,
		}
	}
	return doc
}

// subscriptionsOf returns the subscriptions of email and what is known of it as a
// subscriber.
func subscriptionsOf(ctx context.Context, tx *store.Store, email string) ([]store.Subscription, store.Subscriber, error) {
	index, err := tx.EmailIndex(email)
	if err != nil {
		return nil, store.Subscriber{}, err
	}
	subs, err := tx.SubscriptionsOf(ctx, index)
	if err != nil {
		return nil, store.Subscriber{}, err
	}
	who, err := tx.Subscriber(ctx, index)
	return subs, who, err
}

// Erase anonymises (EraseAnonymise) or deletes (EraseDelete) every reply sent with
// email, in any status, once confirmed says staff means it: it cannot be undone. It
// also ends the email's subscriptions (with its confirmation and the links sent to it)
// and cancels the mail queued to it and the messages and webhook deliveries queued
// about its replies, which quote what is erased. The erasure and its line in the audit
// log are one transaction. It returns how many
// replies it erased. Returns model.ErrForbidden if staff may not handle personal data,
// and *model.ValidationError (FieldEmail, FieldMode, FieldConfirm) for an email that
// is not one, another mode, or no confirmation; then nothing changes.
func (s *Service) Erase(ctx context.Context, staff *model.User, email, mode string, confirmed bool) (int, error) {
	if err := mayHandle(staff); err != nil {
		return 0, err
	}
	email = strings.TrimSpace(email)
	v := &model.ValidationError{}
	if err := v.Merge(checkEmail(email)); err != nil {
		return 0, err
	}
	if mode != EraseAnonymise && mode != EraseDelete {
		v.Add(FieldMode, "Choose whether to anonymise the replies or to delete them.")
	}
	if !confirmed {
		v.Add(FieldConfirm, "Tick the box to confirm: this cannot be undone.")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	// Both store methods write the audit line in the transaction that erases.
	if mode == EraseDelete {
		return s.store.DeleteRepliesByEmail(ctx, email, staff.ID, s.now())
	}
	return s.store.AnonymiseRepliesByEmail(ctx, email, staff.ID, s.now())
}

// checkEmail returns a *model.ValidationError (FieldEmail) if email, typed for a
// request, cannot be an address replies were sent with, and nil otherwise.
func checkEmail(email string) error {
	v := &model.ValidationError{}
	switch {
	case email == "":
		v.Add(FieldEmail, "Enter the email address the person used for their replies.")
	case len(email) > model.MaxCommentEmail || !model.ValidEmail(email):
		v.Add(FieldEmail, "Enter an email address like name@example.com.")
	}
	return v.Err()
}

// mayHandle returns model.ErrForbidden unless staff may handle personal data.
func mayHandle(staff *model.User) error {
	if staff == nil || !staff.Role.Can(model.PermPersonalData) {
		return model.ErrForbidden
	}
	return nil
}
