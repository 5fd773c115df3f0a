package mail

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// What readers are mailed, and only once a reply is approved (a held reply, or one
// marked as spam, causes nothing): a reader who subscribed to the answers to their reply
// is asked to confirm their address (double opt-in), at most once a day; a confirmed
// address is told of each approved answer from someone else. Every message carries a
// link that ends all the address's subscriptions, and neither shows anyone's address
// but the recipient's.

// The readers' messages (templates/mail/NAME.txt and .html).
const (
	confirmMessage = "subscription_confirm"
	answerMessage  = "reply_answered"
)

// Link lifetimes: a confirmation link is for now; an unsubscribe link must work as
// long as someone may keep the message it came in.
const (
	ConfirmLinkLifetime     = 7 * 24 * time.Hour
	UnsubscribeLinkLifetime = 365 * 24 * time.Hour
)

// ConfirmEvery is how long an unconfirmed address waits between two requests to
// confirm, however many replies it subscribes.
const ConfirmEvery = 24 * time.Hour

// The pages the links in readers' messages open.
const (
	ConfirmPath     = "/subscriptions/confirm"
	UnsubscribePath = "/subscriptions/unsubscribe"
)

// readerData is what the readers' templates see as .Data.
type readerData struct {
	ArticleTitle string
	// Answer is the answer's link, name and excerpt, for answerMessage.
	AnswerURL, AnswerName, AnswerExcerpt string
	// Yours is an excerpt of the recipient's own reply.
	Yours string
	// ConfirmURL asks to confirm the address, for confirmMessage.
	ConfirmURL string
	// ConfirmDays is how long ConfirmURL works.
	ConfirmDays int
	// UnsubscribeURL ends the address's subscriptions.
	UnsubscribeURL string
}

// planReaders mails readers who subscribed to answers to their replies, when a reply
// is approved: the request to confirm of its own subscription, and the notice of an
// answer to the reply it answers.
func (s *Service) planReaders(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	if e.Kind != model.EventReplyApproved || e.CommentID == 0 || !s.On() {
		return nil, nil
	}
	c, err := tx.Comment(ctx, e.CommentID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.Status != model.CommentApproved {
		return nil, nil // moderated again since: a later approval is an event of its own
	}
	article, err := tx.Article(ctx, c.ArticleID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []outgoing
	for _, plan := range []func(context.Context, *store.Store, *model.Comment, *model.Article, time.Time) (*outgoing, error){
		s.planConfirm, s.planAnswer,
	} {
		o, err := plan(ctx, tx, c, article, now)
		if err != nil {
			return nil, err
		}
		if o != nil {
			out = append(out, *o)
		}
	}
	return out, nil
}

// planConfirm asks the sender of approved reply c to confirm their address, if c is
// subscribed, the address is not confirmed and was not asked in the last ConfirmEvery.
func (s *Service) planConfirm(ctx context.Context, tx *store.Store, c *model.Comment, article *model.Article, now time.Time) (*outgoing, error) {
	sub, err := tx.Subscription(ctx, c.ID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && c.AuthorEmail == "") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	who, err := tx.Subscriber(ctx, sub.EmailIndex)
	if err != nil || who.Confirmed() || (who.ConfirmSentAt != nil && now.Sub(*who.ConfirmSentAt) < ConfirmEvery) {
		return nil, err
	}
	// Once per reply, however often it is approved.
	dedupe, ok, err := readerDedupe(ctx, tx, "reader-confirm:reply:"+strconv.FormatInt(c.ID, 10))
	if err != nil || !ok {
		return nil, err
	}
	token, err := newLink(ctx, tx, store.LinkConfirm, sub.EmailIndex, now, ConfirmLinkLifetime)
	if err != nil {
		return nil, err
	}
	if err := tx.MarkConfirmSent(ctx, sub.EmailIndex, now); err != nil {
		return nil, err
	}
	data := readerData{
		ArticleTitle: article.Title, Yours: model.Excerpt(c.Body, excerptBytes),
		ConfirmURL:  s.publicURL + ConfirmPath + "?token=" + token,
		ConfirmDays: int(ConfirmLinkLifetime / (24 * time.Hour)),
	}
	return s.readerMail(ctx, tx, confirmMessage, c, sub.EmailIndex, c.AuthorEmail, dedupe, data, now)
}

// planAnswer tells the sender of the reply that approved reply c answers of it, if
// that reply is subscribed, its address confirmed, and c is not from the same person.
func (s *Service) planAnswer(ctx context.Context, tx *store.Store, c *model.Comment, article *model.Article, now time.Time) (*outgoing, error) {
	if c.ParentID == nil {
		return nil, nil
	}
	sub, err := tx.Subscription(ctx, *c.ParentID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	parent, err := tx.Comment(ctx, *c.ParentID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if parent.Status != model.CommentApproved || parent.AuthorEmail == "" {
		return nil, nil // moderated since: its sender is no longer told of answers
	}
	who, err := tx.Subscriber(ctx, sub.EmailIndex)
	if err != nil || !who.Confirmed() {
		return nil, err
	}
	self, err := sameSender(ctx, tx, c, parent, sub.EmailIndex)
	if err != nil || self {
		return nil, err
	}
	data := readerData{
		ArticleTitle:  article.Title,
		AnswerURL:     s.publicURL + article.Path() + "#comment-" + strconv.FormatInt(c.ID, 10),
		AnswerName:    c.AuthorName,
		AnswerExcerpt: model.Excerpt(c.Body, excerptBytes),
		Yours:         model.Excerpt(parent.Body, excerptBytes),
	}
	// Once per answer and subscription: approving an answer again sends nothing more.
	dedupe, ok, err := readerDedupe(ctx, tx, "reader-answer:"+strconv.FormatInt(c.ID, 10)+":reply:"+strconv.FormatInt(parent.ID, 10))
	if err != nil || !ok {
		return nil, err
	}
	return s.readerMail(ctx, tx, answerMessage, c, sub.EmailIndex, parent.AuthorEmail, dedupe, data, now)
}

// readerDedupe returns the dedupe key under which to queue a reader's message about
// cause, and false if one was queued or sent already. A message cancelled because its
// reply was moderated before it went does not count: once the reply is approved again,
// the message is queued again, under a key of its own.
func readerDedupe(ctx context.Context, tx *store.Store, cause string) (string, bool, error) {
	all, notCancelled, err := tx.CountMessages(ctx, cause)
	switch {
	case err != nil || notCancelled > 0:
		return "", false, err
	case all == 0:
		return cause, true, nil
	}
	return cause + ":" + strconv.Itoa(all), true, nil
}

// sameSender reports whether answer c comes from the person who subscribed parent
// with the address of blind index subscribed: the same address, or the same staff
// account, or a staff account whose own address it is. Nobody is told of their own
// answers.
func sameSender(ctx context.Context, tx *store.Store, c, parent *model.Comment, subscribed string) (bool, error) {
	if c.EmailIndex != "" && (c.EmailIndex == subscribed || c.EmailIndex == parent.EmailIndex) {
		return true, nil
	}
	if c.UserID == nil {
		return false, nil
	}
	if parent.UserID != nil && *parent.UserID == *c.UserID {
		return true, nil
	}
	u, err := tx.User(ctx, *c.UserID)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	if err != nil || u.Email == nil {
		return false, err
	}
	index, err := tx.EmailIndex(*u.Email)
	return index == subscribed, err
}

// readerMail renders message name about reply about for the reader at address to
// (blind index toIndex), with a link of its own that ends their subscriptions. The
// message is sent only while about stays approved.
func (s *Service) readerMail(ctx context.Context, tx *store.Store, name string, about *model.Comment, toIndex, to, dedupe string, data readerData, now time.Time) (*outgoing, error) {
	token, err := newLink(ctx, tx, store.LinkUnsubscribe, toIndex, now, UnsubscribeLinkLifetime)
	if err != nil {
		return nil, err
	}
	data.UnsubscribeURL = s.publicURL + UnsubscribePath + "?token=" + token
	m, err := s.render(name, data)
	if err != nil {
		return nil, err
	}
	m.Unsubscribe = data.UnsubscribeURL
	return &outgoing{
		name: name, dedupe: dedupe, to: to, toIndex: toIndex, commentID: about.ID, wants: model.CommentApproved,
		subject: m.Subject, body: m.encode(),
	}, nil
}

// newLink stores a new token for a link of purpose for the address of blind index
// emailIndex, working for lifetime from now, and returns the token.
func newLink(ctx context.Context, tx *store.Store, purpose store.LinkPurpose, emailIndex string, now time.Time, lifetime time.Duration) (string, error) {
	token, hash := auth.NewToken()
	err := tx.CreateLinkToken(ctx, store.LinkToken{
		Hash: hash, Purpose: purpose, EmailIndex: emailIndex, CreatedAt: now, ExpiresAt: now.Add(lifetime),
	})
	return token, err
}
