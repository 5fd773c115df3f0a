// Package moderation decides what happens to a new reply: it checks the fields and the
// thread, records who sent it without keeping their address, and sets its status.
package moderation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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

// Service receives replies.
type Service struct {
	store     *store.Store
	clientKey []byte
	now       func() time.Time
}

// New returns a Service that stores replies in st and hashes client addresses with
// clientKey.
func New(st *store.Store, clientKey []byte) *Service {
	return &Service{store: st, clientKey: clientKey, now: time.Now}
}

// Submission is a reply as a reader sent it.
type Submission struct {
	Body, Name, Email, Website string
	ParentID                   int64 // 0 for a reply to the article itself
	UserAgent                  string
	ClientAddr                 netip.Addr
}

// Submit checks a reader's reply to article and saves it, held for moderation.
// Returns *model.ValidationError if a field is wrong or the parent cannot be replied
// to, and ErrRepliesClosed if the article takes no replies.
func (s *Service) Submit(ctx context.Context, article *model.Article, sub Submission) (*model.Comment, error) {
	if !article.CommentsOpen {
		return nil, ErrRepliesClosed
	}
	c := &model.Comment{
		ArticleID:    article.ID,
		AuthorName:   sub.Name,
		AuthorEmail:  sub.Email,
		AuthorURL:    sub.Website,
		Body:         strings.ReplaceAll(sub.Body, "\r\n", "\n"), // browsers send CRLF
		Status:       model.CommentPending,
		UserAgent:    truncateUTF8(strings.ToValidUTF8(sub.UserAgent, ""), MaxUserAgent),
		ClientHash:   s.ClientHash(sub.ClientAddr),
		ClientPrefix: AnonymisedPrefix(sub.ClientAddr),
		CreatedAt:    s.now().UTC(),
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
	if err := s.store.CreateComment(ctx, c); err != nil {
		return nil, fmt.Errorf("save reply: %w", err)
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

func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && !utf8ValidEnd(s) {
		s = s[:len(s)-1]
	}
	return s
}

func utf8ValidEnd(s string) bool {
	return strings.ToValidUTF8(s, "") == s
}
