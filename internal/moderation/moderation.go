// Package moderation is everything that happens to replies. A new one (Submit) is
// checked against the rules, each in a file named for it (flood.go, duplicate.go,
// spam.go, bans.go), recorded without its sender's address (client.go says what is
// kept instead), and given a status. What moderators do afterwards is here too:
// actions.go (approve, spam, trash, restore, delete, one reply or many), edit.go,
// staff_reply.go, bans.go and replies_open.go.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrRepliesClosed means the article no longer accepts replies.
var ErrRepliesClosed = errors.New("replies are closed on this article")

// MaxUserAgent is how much of a browser's User-Agent is kept for moderators.
const MaxUserAgent = 512

// Service receives replies and carries out what moderators do to them.
type Service struct {
	store  *store.Store
	client ClientHasher
	now    func() time.Time
	bursts burstLimiter
	stamps recent[int] // uses of each form stamp by each client (form_time.go)
}

// New returns a Service that stores replies in st and hashes client addresses with
// clientKey and no pepper (see ClientHasher).
func New(st *store.Store, clientKey []byte) *Service {
	return NewWithHasher(st, NewClientHasher(clientKey, nil))
}

// NewWithHasher returns a Service that stores replies in st and hashes client
// addresses with h.
func NewWithHasher(st *store.Store, h ClientHasher) *Service {
	return &Service{store: st, client: h, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) {
	s.now = now
}

// Submission is a reply as a reader sent it.
type Submission struct {
	Body, Name, Email, Website string
	ParentID                   int64 // 0 for a reply to the article itself
	UserAgent                  string
	ClientAddr                 netip.Addr
	// Honeypot is the value of a form field that people cannot see; only robots fill it.
	Honeypot string
	// ShownAt is when the form was shown, from its signed timestamp; zero if the
	// timestamp was missing or forged. FormStamp is that timestamp as sent, whose
	// uses are counted (form_time.go).
	ShownAt   time.Time
	FormStamp string
	// Staff is the signed-in staff member sending it, if any: the reply is then the
	// account's, whatever Name, Email and Website say (see sender.go).
	Staff *model.User
	// ShownTo is the staff account the form was shown to, as the form says; 0 for the
	// reader's form. It must name Staff (see checkSender).
	ShownTo int64
	// EarlierReplies are replies sent before from the same browser, as a signed cookie
	// proves (see known.go).
	EarlierReplies []int64
	// Subscribe asks for answers to the reply by mail ("Email me when someone replies
	// to my comment"); the caller sets it only when the site sends mail. See
	// subscriptions.go.
	Subscribe bool
}

// Submit checks a reply to article, from a reader or from signed-in staff, and saves
// it with the status the policy gives it: approved, pending (with the reason it was
// held) or spam. Returns *model.ValidationError if a field is wrong or the parent
// cannot be replied to, ErrRepliesClosed, ErrStaffSignedOut or ErrConfirmStaff (the
// sender is not the one the form was shown to), ErrFormExpired (the form was shown
// more than a day ago), ErrFlood or ErrDuplicate.
func (s *Service) Submit(ctx context.Context, article *model.Article, sub Submission) (*model.Comment, error) {
	now := s.now().UTC()
	policy, err := s.store.Policy(ctx)
	if err != nil {
		return nil, err
	}
	if !policy.RepliesOpen(article, now) {
		return nil, ErrRepliesClosed
	}
	if formExpired(&policy, sub, now) {
		return nil, ErrFormExpired
	}
	if err := checkSender(sub); err != nil {
		return nil, err
	}
	clientHash := s.ClientHash(sub.ClientAddr)
	if floodApplies(&policy, sub) && !s.bursts.allow(clientHash, now) {
		return nil, ErrFlood
	}
	c := &model.Comment{
		ArticleID:    article.ID,
		AuthorName:   sub.Name,
		AuthorEmail:  sub.Email,
		AuthorURL:    sub.Website,
		Body:         strings.ReplaceAll(sub.Body, "\r\n", "\n"), // browsers send CRLF
		UserAgent:    model.Truncate(strings.ToValidUTF8(sub.UserAgent, ""), MaxUserAgent),
		ClientHash:   clientHash,
		ClientPrefix: AnonymisedPrefix(sub.ClientAddr),
		CreatedAt:    now,
	}
	verr := &model.ValidationError{}
	if sub.Staff != nil {
		signAsStaff(c, sub.Staff)
		if err := validateStaff(c, verr); err != nil {
			return nil, err
		}
	} else if err := verr.Merge(c.Validate()); err != nil {
		return nil, err
	}
	if sub.ParentID != 0 {
		parent, err := s.store.Comment(ctx, sub.ParentID)
		switch {
		case errors.Is(err, model.ErrNotFound) || (err == nil && (parent.ArticleID != article.ID || parent.Status != model.CommentApproved)):
			verr.Add(model.FieldParent, "The reply you are answering no longer exists or has not been approved. Your comment can still be posted to the article.")
		case err != nil:
			return nil, fmt.Errorf("read parent reply: %w", err)
		default:
			c.ParentID = &parent.ID
		}
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	// The statements must not be interrupted by one reader leaving (and the driver
	// watches a cancellable context with a goroutine per statement).
	dbctx := context.WithoutCancel(ctx)
	// The status is decided before the writer's turn, which replies wait for one at a
	// time: only what must see every reply saved before it waits with them.
	ruling, err := s.classify(dbctx, &policy, c, sub, now)
	if err != nil {
		return nil, err
	}
	// The checks and the insert share one transaction, which takes the write lock at
	// its start: two replies sent at once cannot both pass the flood check. Replies
	// sent at the same moment share one commit (see store.Batched).
	err = s.store.Batched(ctx, func(tx *store.Store) error {
		if floodApplies(&policy, sub) {
			if err := checkFlood(dbctx, tx, &policy, c, now); err != nil {
				return err
			}
		}
		if err := checkDuplicate(dbctx, tx, c); err != nil {
			return err
		}
		c.Status, c.HeldReason = ruling.status, ruling.reason
		if ruling.stampFirst {
			if reason := s.stampReuseReason(&policy, sub, c.ClientHash); reason != "" {
				c.Status, c.HeldReason = model.CommentSpam, reason
			}
		}
		if err := tx.CreateComment(dbctx, c); err != nil {
			return err
		}
		if sub.Subscribe {
			if err := subscribe(dbctx, tx, c, now); err != nil {
				return err
			}
		}
		return recordArrival(dbctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ruling is a reply's status under the policy, and why.
type ruling struct {
	status model.CommentStatus
	reason string
	// stampFirst says that the rule on reused form stamps comes before this ruling: it
	// counts the replies saved with each stamp, so it is asked only once the reply has
	// passed the checks that may refuse it (stampReuseReason).
	stampFirst bool
}

// classify decides a new reply's status under the policy, and why: the rules in the
// order they apply, the first that holds or refuses the reply winning, but for the
// reused form stamp, which comes after the ban and robot rules (see ruling). It reads
// bans and earlier replies outside the transaction that saves the reply: a ban made
// while a reply is on its way applies from the next.
//
// Staff who moderate publish at once (PublishesAtOnce). Other staff go through the
// rules about what a reply says (words, links, hold every reply) like readers; the
// rules about who sends it are answered by their signed-in account instead: it is
// never banned, never a robot, and a known commenter.
func (s *Service) classify(ctx context.Context, p *model.Policy, c *model.Comment, sub Submission, now time.Time) (ruling, error) {
	if PublishesAtOnce(sub.Staff) {
		return ruling{status: model.CommentApproved}, nil
	}
	if sub.Staff == nil {
		// A banned commenter's reply goes to spam before any other rule, and silently:
		// the sender is shown it as held, like any other.
		reason, err := banReason(ctx, s.store, c, now)
		if err != nil {
			return ruling{}, err
		}
		if reason != "" {
			return ruling{status: model.CommentSpam, reason: reason}, nil
		}
		if reason := robotReason(p, sub, now); reason != "" {
			return ruling{status: model.CommentSpam, reason: reason}, nil
		}
	}
	status, reason, err := contentRuling(ctx, s.store, p, c, sub)
	return ruling{status: status, reason: reason, stampFirst: sub.Staff == nil}, err
}

// contentRuling applies the rules after who sends a reply: what it says, and whether
// its sender is known.
func contentRuling(ctx context.Context, st *store.Store, p *model.Policy, c *model.Comment, sub Submission) (model.CommentStatus, string, error) {
	if status, reason := wordRule(p, c); reason != "" {
		return status, reason, nil
	}
	if reason := linkReason(p, c); reason != "" {
		return model.CommentPending, reason, nil
	}
	if reason := linkDomainReason(p, c); reason != "" {
		return model.CommentPending, reason, nil
	}
	if reason := medicalReason(p, c); reason != "" {
		return model.CommentPending, reason, nil
	}
	if p.HoldAll {
		return model.CommentPending, "every reply is held (manual moderation)", nil
	}
	if p.AutoApproveKnown && sub.Staff == nil {
		known, err := knownCommenter(ctx, st, c, sub)
		if err != nil {
			return "", "", err
		}
		if !known {
			return model.CommentPending, "first-time commenter", nil
		}
	}
	return model.CommentApproved, "", nil
}

// AnonymisedPrefix returns the network a client address belongs to, /24 for IPv4 and
// /48 for IPv6: enough for a moderator to see that replies come from one place, not
// enough to identify a household.
func AnonymisedPrefix(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap()
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.WithZone("").Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}
