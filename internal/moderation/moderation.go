// Package moderation decides what happens to a new reply: it checks the fields and the
// thread, records who sent it without keeping their address, and sets its status.
package moderation

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Errors of Submit besides *model.ValidationError.
var (
	// ErrRepliesClosed means the article no longer accepts replies.
	ErrRepliesClosed = errors.New("replies are closed on this article")
	// ErrFlood means the same address or email sent a reply moments ago.
	ErrFlood = errors.New("replies sent too quickly")
	// ErrDuplicate means the same person already left the same reply in the same place.
	ErrDuplicate = errors.New("duplicate reply")
)

// MaxUserAgent is how much of a browser's User-Agent is kept for moderators.
const MaxUserAgent = 512

// Service receives replies.
type Service struct {
	store     *store.Store
	clientKey []byte
	now       func() time.Time
	bursts    burstLimiter
}

// New returns a Service that stores replies in st and hashes client addresses with
// clientKey.
func New(st *store.Store, clientKey []byte) *Service {
	return &Service{store: st, clientKey: clientKey, now: time.Now}
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
	// timestamp was missing or forged.
	ShownAt time.Time
	// Staff is the signed-in staff member sending it, if any: exempt from flood checks.
	Staff *model.User
}

// Submit checks a reader's reply to article and saves it with the status the policy
// gives it: approved, pending (with the reason it was held) or spam. Returns
// *model.ValidationError if a field is wrong or the parent cannot be replied to,
// ErrRepliesClosed, ErrFlood or ErrDuplicate.
func (s *Service) Submit(ctx context.Context, article *model.Article, sub Submission) (*model.Comment, error) {
	now := s.now().UTC()
	policy, err := s.store.Policy(ctx)
	if err != nil {
		return nil, err
	}
	if !policy.RepliesOpen(article, now) {
		return nil, ErrRepliesClosed
	}
	clientHash := s.ClientHash(sub.ClientAddr)
	if policy.FloodSeconds > 0 && sub.Staff == nil && !s.bursts.allow(clientHash, now) {
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
	if err := c.Validate(); err != nil {
		verr = err.(*model.ValidationError)
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
	if sub.Staff != nil {
		c.UserID = &sub.Staff.ID
	}
	// The checks and the insert share one transaction, which takes the write lock at
	// its start: two replies sent at once cannot both pass the flood check. Replies
	// sent at the same moment share one commit (see store.Batched).
	// The group's statements must not be interrupted by one reader leaving.
	dbctx := context.WithoutCancel(ctx)
	err = s.store.Batched(ctx, func(tx *store.Store) error {
		if policy.FloodSeconds > 0 && sub.Staff == nil {
			since := now.Add(-time.Duration(policy.FloodSeconds) * time.Second)
			if recent, err := tx.RecentReplyFrom(dbctx, c.ClientHash, c.AuthorEmail, since); err != nil || recent {
				return cmp.Or(err, ErrFlood)
			}
		}
		if dup, err := tx.DuplicateReply(dbctx, c); err != nil || dup {
			return cmp.Or(err, ErrDuplicate)
		}
		status, reason, err := s.classify(dbctx, tx, &policy, c, sub, now)
		if err != nil {
			return err
		}
		c.Status, c.HeldReason = status, reason
		return tx.CreateComment(dbctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// classify decides a new reply's status under the policy, and why.
func (s *Service) classify(ctx context.Context, tx *store.Store, p *model.Policy, c *model.Comment, sub Submission, now time.Time) (model.CommentStatus, string, error) {
	if sub.Staff != nil && sub.Staff.Role.Can(model.PermModerateComments) {
		return model.CommentApproved, "", nil
	}
	// A banned commenter's reply goes to spam before any other rule, and silently: the
	// sender is shown it as held, like any other.
	if sub.Staff == nil {
		index, err := tx.EmailIndex(c.AuthorEmail)
		if err != nil {
			return "", "", err
		}
		ban, err := tx.ActiveBan(ctx, index, c.ClientHash, now)
		if err != nil {
			return "", "", err
		}
		if ban != nil {
			return model.CommentSpam, ban.HeldReason(), nil
		}
	}
	if sub.Honeypot != "" {
		return model.CommentSpam, "filled in the hidden field that only robots see", nil
	}
	if p.MinFormSeconds > 0 {
		if sub.ShownAt.IsZero() {
			return model.CommentSpam, "sent without the form's timestamp", nil
		}
		if took := now.Sub(sub.ShownAt); took < time.Duration(p.MinFormSeconds)*time.Second {
			return model.CommentSpam, fmt.Sprintf("sent %.1f s after the form was shown", took.Seconds()), nil
		}
	}
	haystack := strings.ToLower(strings.Join([]string{c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.UserAgent}, "\n"))
	for _, w := range p.SpamWords {
		if strings.Contains(haystack, w) {
			return model.CommentSpam, fmt.Sprintf("contains the spam word “%s”", w), nil
		}
	}
	for _, w := range p.HoldWords {
		if strings.Contains(haystack, w) {
			return model.CommentPending, fmt.Sprintf("contains the hold word “%s”", w), nil
		}
	}
	if n := CountLinks(c.Body); p.HoldLinks > 0 && n >= p.HoldLinks {
		return model.CommentPending, fmt.Sprintf("has %d %s", n, map[bool]string{true: "link", false: "links"}[n == 1]), nil
	}
	if p.HoldAll {
		return model.CommentPending, "every reply is held (manual moderation)", nil
	}
	if p.AutoApproveKnown {
		known, err := tx.HasApprovedReply(ctx, c.AuthorName, c.AuthorEmail)
		if err != nil {
			return "", "", err
		}
		if !known {
			return model.CommentPending, "first-time commenter", nil
		}
	}
	return model.CommentApproved, "", nil
}

var linkPattern = regexp.MustCompile(`(?i)https?://|www\.`)

// CountLinks counts the web addresses in a reply's text.
func CountLinks(text string) int {
	return len(linkPattern.FindAllStringIndex(text, -1))
}

// StaffReply saves a staff member's answer to a reply, approved at once. Answering a
// held reply approves it too, as a moderator answering it has read it.
func (s *Service) StaffReply(ctx context.Context, staff *model.User, parentID int64, body string) (*model.Comment, error) {
	now := s.now().UTC()
	c := &model.Comment{
		ParentID:    &parentID,
		AuthorName:  staff.Name,
		AuthorEmail: staff.EmailAddress(),
		Body:        strings.ReplaceAll(body, "\r\n", "\n"),
		Status:      model.CommentApproved,
		UserID:      &staff.ID,
		CreatedAt:   now,
	}
	var v model.ValidationError
	if err := c.Validate(); err != nil {
		v = *err.(*model.ValidationError)
		for field := range v.Fields {
			if field != model.FieldBody {
				delete(v.Fields, field) // the account's name and email are not the form's
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		parent, err := tx.Comment(ctx, parentID)
		if err != nil {
			return err
		}
		if parent.Status == model.CommentPending {
			if _, err := tx.MoveComments(ctx, []int64{parent.ID}, model.CommentApproved, now); err != nil {
				return err
			}
		} else if parent.Status != model.CommentApproved {
			v.Add(model.FieldParent, "Only pending or approved replies can be answered.")
			return v.Err()
		}
		c.ArticleID = parent.ArticleID
		return tx.CreateComment(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ClientHash returns a keyed hash of a client address: stable for one address, so
// repeat visits can be matched, and meaningless without the site's key.
func (s *Service) ClientHash(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	mac := hmac.New(sha256.New, s.clientKey)
	mac.Write([]byte(addr.Unmap().String()))
	return hex.EncodeToString(mac.Sum(nil))
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
