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

// Staff receive the links that act on their account by mail: a password reset's.
// The link's token comes sealed in the event (model.Event.Secret), which forgets it
// once the message is written; the message, sealed in the outbox, forgets it once
// sent. Only the token's hash stays, in link_tokens.

// accountLink is what a message with an account's link says.
type accountLink struct {
	Name    string // the recipient's
	Email   string // the address the account signs in with
	Link    string
	Expires string // how long the link works, in words
}

// PasswordResetPath is the page a password reset link opens, with ?token=.
const PasswordResetPath = "/admin/password-reset/confirm"

// planAccountLinks mails staff their password reset and invitation links.
func (s *Service) planAccountLinks(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	if e.Kind != model.EventPasswordReset || e.Secret == "" || !s.On() {
		return nil, nil
	}
	u, err := tx.User(ctx, e.UserID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" || u.Disabled() || u.EmailAddress() == "" {
		return nil, nil // it can no longer sign in: the link would not work
	}
	o, err := s.mailTo("password_reset", u.EmailAddress(), "account-link:"+strconv.FormatInt(e.ID, 10), accountLink{
		Name: u.Name, Email: u.EmailAddress(), Expires: "an hour",
		Link: s.publicURL + PasswordResetPath + "?token=" + url.QueryEscape(e.Secret),
	})
	if err != nil {
		return nil, err
	}
	return []outgoing{o}, nil
}
