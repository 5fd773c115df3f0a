package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrWebhookNotFound means there is no webhook with the ID given. It matches
// model.ErrNotFound.
var ErrWebhookNotFound = fmt.Errorf("webhook %w", model.ErrNotFound)

// Fields of the webhook form, as validation errors name them.
const (
	FieldWebhookURL    = "url"
	FieldWebhookSecret = "secret"
	FieldWebhookEvents = "events"
)

// MinWebhookSecret is the shortest secret a webhook takes, in characters.
const MinWebhookSecret = 16

// MaxWebhookURL is the longest address a webhook takes, in bytes.
const MaxWebhookURL = 2000

// NewWebhook is a webhook as an administrator asks for it.
type NewWebhook struct {
	URL    string
	Secret string
	Events []model.EventKind
}

// NewWebhookSecret returns a random secret, which the form offers.
func NewWebhookSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// AddWebhook saves a webhook for the events asked for, made by administrator by.
// Returns *model.ValidationError when the address is not an http(s) URL, the secret
// is shorter than MinWebhookSecret, or no known event is chosen.
func (s *Service) AddWebhook(ctx context.Context, by *model.User, nw NewWebhook) (*model.Webhook, error) {
	verr := &model.ValidationError{}
	nw.URL, nw.Secret = strings.TrimSpace(nw.URL), strings.TrimSpace(nw.Secret)
	u, err := url.Parse(nw.URL)
	switch {
	case nw.URL == "":
		verr.Add(FieldWebhookURL, "Enter the address that receives the events.")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(nw.URL) > MaxWebhookURL:
		verr.Add(FieldWebhookURL, "Enter a web address that starts with https:// (or http://).")
	}
	if utf8.RuneCountInString(nw.Secret) < MinWebhookSecret {
		verr.Add(FieldWebhookSecret, fmt.Sprintf("Use a secret of at least %d characters, such as the one offered.", MinWebhookSecret))
	}
	var events []model.EventKind
	for _, k := range model.WebhookEvents {
		for _, asked := range nw.Events {
			if asked == k {
				events = append(events, k)
				break
			}
		}
	}
	if len(events) == 0 {
		verr.Add(FieldWebhookEvents, "Choose at least one event.")
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	w := &model.Webhook{URL: nw.URL, Secret: nw.Secret, Events: events, CreatedAt: s.now().UTC()}
	if by != nil {
		w.CreatedBy = by.ID
	}
	if err := s.store.CreateWebhook(ctx, w); err != nil {
		return nil, err
	}
	return w, nil
}

// DeleteWebhook removes webhook id with its deliveries, sent or not. Returns
// ErrWebhookNotFound.
func (s *Service) DeleteWebhook(ctx context.Context, id int64) error {
	if err := s.store.DeleteWebhook(ctx, id); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return ErrWebhookNotFound
		}
		return err
	}
	return nil
}

// Webhooks returns every webhook.
func (s *Service) Webhooks(ctx context.Context) ([]model.Webhook, error) {
	return s.store.Webhooks(ctx)
}

// Webhook returns webhook id and its latest deliveries, newest first. Returns
// ErrWebhookNotFound.
func (s *Service) Webhook(ctx context.Context, id int64, deliveries int) (*model.Webhook, []model.OutboxMessage, error) {
	w, err := s.store.Webhook(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, ErrWebhookNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	list, _, err := s.store.Outbox(ctx, store.OutboxFilter{WebhookID: id, Limit: deliveries})
	return w, list, err
}
