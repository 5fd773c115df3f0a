package mail

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Moderators choose what they hear about replies waiting (model.ModerationMail): a
// message for each reply held, a daily digest, or nothing. A message names the
// article, quotes the reply and says why it was held, and links to the queue; it
// never carries the commenter's email, which the queue shows to those who may see it.
// Nobody is told about their own reply.

// DigestInterval is the least time between two digests to one moderator.
const DigestInterval = 24 * time.Hour

// DigestReplies is how many replies a digest lists at most; it counts the rest.
const DigestReplies = 20

// queuePath is the moderation queue of replies waiting.
const queuePath = "/admin/comments?status=pending"

// moderatorReply is what the message about one reply waiting says.
type moderatorReply struct {
	Name         string // the moderator's
	ArticleTitle string
	ArticleURL   string
	ReplyName    string // who wrote the reply, as they typed it
	Excerpt      string
	Reason       string // why it was held
	QueueURL     string
	EditURL      string
}

// planModerators mails the staff who moderate, and chose each reply, about a reply
// held for moderation. The message is sent only while the reply still waits.
func (s *Service) planModerators(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	if e.Kind != model.EventReplyPending || !s.On() {
		return nil, nil
	}
	c, err := tx.Comment(ctx, e.CommentID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.Status != model.CommentPending {
		return nil, nil // moderated already
	}
	a, err := tx.Article(ctx, c.ArticleID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	staff, err := tx.ActiveStaff(ctx)
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(c.ID, 10)
	var out []outgoing
	for _, u := range staff {
		if !u.Role.Can(model.PermModerateComments) || u.ModerationMail != model.ModerationMailEach ||
			u.ID == e.ActorID || (c.UserID != nil && *c.UserID == u.ID) {
			continue
		}
		o, err := s.mailTo("moderator_reply", u.EmailAddress(), "reply-pending:"+id+":user:"+strconv.FormatInt(u.ID, 10), moderatorReply{
			Name: u.Name, ArticleTitle: a.Title, ArticleURL: s.publicURL + a.Path(),
			ReplyName: c.AuthorName, Excerpt: model.Excerpt(c.Body, excerptBytes), Reason: c.HeldReason,
			QueueURL: s.publicURL + queuePath, EditURL: s.publicURL + "/admin/comments/" + id + "/edit",
		})
		if err != nil {
			return nil, err
		}
		o.commentID, o.wants = c.ID, model.CommentPending
		out = append(out, o)
	}
	return out, nil
}

// moderatorDigest is what a daily digest says.
type moderatorDigest struct {
	Name     string
	Count    int // replies waiting in all
	Replies  []digestReply
	More     int // waiting but not listed
	QueueURL string
}

type digestReply struct {
	ArticleTitle string
	ReplyName    string
	Excerpt      string
	Reason       string
	EditURL      string
}

// SendDigests queues the daily digest of every moderator who chose one, whose last
// digest went DigestInterval ago or more, and to whom a reply came to wait since: one
// message that counts the replies waiting and lists the newest DigestReplies. It
// returns how many digests it queued. Nothing is queued while mail is off. The
// sender's loop calls it; two processes at once queue one digest between them.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	if !s.On() {
		return 0, nil
	}
	now := s.now().UTC()
	staff, err := s.store.ActiveStaff(ctx)
	if err != nil {
		return 0, err
	}
	var queue []store.QueueComment
	var total int
	loaded := false
	n := 0
	for _, u := range staff {
		if !u.Role.Can(model.PermModerateComments) || u.ModerationMail != model.ModerationMailDaily ||
			(u.DigestSentAt != nil && now.Sub(*u.DigestSentAt) < DigestInterval) {
			continue
		}
		if !loaded {
			if queue, total, err = s.store.CommentQueue(ctx, store.CommentFilter{Status: model.CommentPending, Limit: DigestReplies}); err != nil {
				return n, err
			}
			loaded = true
		}
		d := moderatorDigest{Name: u.Name, Count: total, QueueURL: s.publicURL + queuePath}
		news := false
		for _, c := range queue {
			if c.UserID != nil && *c.UserID == u.ID {
				d.Count-- // their own reply is no news to them
				continue
			}
			if u.DigestSentAt == nil || c.CreatedAt.After(*u.DigestSentAt) {
				news = true
			}
			d.Replies = append(d.Replies, digestReply{
				ArticleTitle: c.ArticleTitle, ReplyName: c.AuthorName, Excerpt: model.Excerpt(c.Body, excerptBytes),
				Reason: c.HeldReason, EditURL: s.publicURL + "/admin/comments/" + strconv.FormatInt(c.ID, 10) + "/edit",
			})
		}
		if !news {
			continue
		}
		d.More = d.Count - len(d.Replies)
		o, err := s.mailTo("moderator_digest", u.EmailAddress(), "moderator-digest:"+strconv.FormatInt(u.ID, 10)+":"+now.Format(time.RFC3339), d)
		if err != nil {
			return n, err
		}
		queued := false
		err = s.store.Tx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimDigest(ctx, u.ID, u.DigestSentAt, now)
			if err != nil || !claimed {
				return err
			}
			queued, err = tx.QueueMessage(ctx, model.OutboxMessage{
				Kind: o.name, DedupeKey: o.dedupe, Recipient: o.to, Subject: o.subject, Body: o.body,
				NextAttemptAt: now, CreatedAt: now,
			})
			return err
		})
		if err != nil {
			return n, err
		}
		if queued {
			n++
		}
	}
	return n, nil
}
