package mail

import (
	"context"
	"errors"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// What the links in readers' messages do. Each acts on the token it carries alone,
// without an account: a confirmation link confirms the address it was sent to, once;
// an unsubscribe link ends all that address's subscriptions. Opening a link changes
// nothing (mail scanners open links): the page it shows has the button that acts.

// ErrConfirmLinkInvalid means a confirmation link is unknown, was used, or expired.
var ErrConfirmLinkInvalid = errors.New("the confirmation link is unknown, used or expired")

// ErrUnsubscribeLinkInvalid means an unsubscribe link is unknown or expired, or its
// address unsubscribed already (which forgets every link sent to it).
var ErrUnsubscribeLinkInvalid = errors.New("the unsubscribe link is unknown, used or expired")

// CheckConfirmLink returns ErrConfirmLinkInvalid unless token is a confirmation link
// that works now. It changes nothing.
func (s *Service) CheckConfirmLink(ctx context.Context, token string) error {
	return s.checkLink(ctx, token, store.LinkConfirm, ErrConfirmLinkInvalid)
}

// CheckUnsubscribeLink returns ErrUnsubscribeLinkInvalid unless token is an
// unsubscribe link that works now. It changes nothing.
func (s *Service) CheckUnsubscribeLink(ctx context.Context, token string) error {
	return s.checkLink(ctx, token, store.LinkUnsubscribe, ErrUnsubscribeLinkInvalid)
}

func (s *Service) checkLink(ctx context.Context, token string, purpose store.LinkPurpose, invalid error) error {
	if token == "" {
		return invalid
	}
	_, err := s.store.ValidLinkToken(ctx, auth.TokenHash(token), purpose, s.now().UTC())
	if errors.Is(err, model.ErrNotFound) {
		return invalid
	}
	return err
}

// ConfirmSubscription confirms the address that the confirmation link with token was
// sent to, and uses the link up: approved answers to the address's subscribed replies
// are mailed to it from now on. Returns ErrConfirmLinkInvalid.
func (s *Service) ConfirmSubscription(ctx context.Context, token string) error {
	if token == "" {
		return ErrConfirmLinkInvalid
	}
	now := s.now().UTC()
	return s.store.Tx(ctx, func(tx *store.Store) error {
		link, err := tx.UseLinkToken(ctx, auth.TokenHash(token), store.LinkConfirm, now)
		if errors.Is(err, model.ErrNotFound) {
			return ErrConfirmLinkInvalid
		}
		if err != nil {
			return err
		}
		return tx.ConfirmSubscriber(ctx, link.EmailIndex, now)
	})
}

// Unsubscribe ends every subscription of the address that the unsubscribe link with
// token was sent to: it removes them, the address's confirmation and every link sent
// to it (this one too), and cancels its queued mail. Returns
// ErrUnsubscribeLinkInvalid.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	if token == "" {
		return ErrUnsubscribeLinkInvalid
	}
	now := s.now().UTC()
	return s.store.Tx(ctx, func(tx *store.Store) error {
		link, err := tx.ValidLinkToken(ctx, auth.TokenHash(token), store.LinkUnsubscribe, now)
		if errors.Is(err, model.ErrNotFound) {
			return ErrUnsubscribeLinkInvalid
		}
		if err != nil {
			return err
		}
		if _, err := tx.ForgetSubscriber(ctx, link.EmailIndex); err != nil {
			return err
		}
		_, err = tx.CancelReaderMail(ctx, link.EmailIndex, now)
		return err
	})
}
