package mail

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Staff receive the links that act on their account by mail: a password reset's, and
// the invitation that lets a new staff member choose their first password.
// The link's token comes sealed in the event (model.Event.Secret), which forgets it
// once the message is written; the message, sealed in the outbox, forgets it once
// sent. Only the token's hash stays, in link_tokens.

// accountLink is what a message with an account's link says.
type accountLink struct {
	Name    string // the recipient's
	Email   string // the address the account signs in with
	Link    string
	Expires string // how long the link works, in words
	// An invitation's: who sent it ("" for the command line) and the role offered.
	Inviter string
	Role    string
}

// The pages the links open, with ?token=.
const (
	PasswordResetPath = "/admin/password-reset/confirm"
	InvitationPath    = "/admin/invitation"
)

// planAccountLinks mails staff their password reset and invitation links.
func (s *Service) planAccountLinks(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	if (e.Kind != model.EventPasswordReset && e.Kind != model.EventInvited) || e.Secret == "" || !s.On() {
		return nil, nil
	}
	u, err := tx.User(ctx, e.UserID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled() || u.EmailAddress() == "" {
		return nil, nil
	}
	link := accountLink{Name: u.Name, Email: u.EmailAddress()}
	name := "password_reset"
	if e.Kind == model.EventPasswordReset {
		if u.PasswordHash == "" {
			return nil, nil // it cannot sign in: the link would not work
		}
		link.Expires, link.Link = "an hour", s.publicURL+PasswordResetPath+"?token="+url.QueryEscape(e.Secret)
	} else {
		if u.PasswordHash != "" {
			return nil, nil // accepted already
		}
		name, link.Role = "invitation", u.Role.Label()
		link.Expires, link.Link = "72 hours", s.publicURL+InvitationPath+"?token="+url.QueryEscape(e.Secret)
		if e.ActorID != 0 {
			inviter, err := tx.User(ctx, e.ActorID)
			switch {
			case err == nil:
				link.Inviter = inviter.Name
			case !errors.Is(err, model.ErrNotFound):
				return nil, err
			}
		}
	}
	o, err := s.mailTo(name, u.EmailAddress(), "account-link:"+strconv.FormatInt(e.ID, 10), link)
	if err != nil {
		return nil, err
	}
	return []outgoing{o}, nil
}
