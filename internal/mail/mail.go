// Package mail tells people what happened: it turns the events services record (a
// reply held, an article sent for review…) into messages and webhook deliveries in a
// durable outbox, and sends them with retries. Mail goes through the SMTP server of
// the configuration; without one, mail is off and webhooks still work.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/store"
)

// Options is what the mail service needs.
type Options struct {
	Store *store.Store
	// SMTP is the mail server; nil turns mail off. From and FromName are the sender.
	SMTP           *config.SMTP
	From, FromName string
	// PublicURL is the site's address, for links in messages, without a final slash.
	PublicURL string
	SiteName  string
	Logger    *slog.Logger
	Now       func() time.Time // time.Now when nil
	// PollInterval is how often the sender looks for new events and due messages
	// (DefaultPollInterval when 0).
	PollInterval time.Duration
	// HTTPClient delivers webhooks (one with WebhookTimeout when nil).
	HTTPClient *http.Client
	// TLSInsecure accepts any certificate from the SMTP server: for tests only.
	TLSInsecure bool
}

// DefaultPollInterval is how often the sender looks for work.
const DefaultPollInterval = time.Second

// WebhookTimeout is how long a webhook's server may take to answer.
const WebhookTimeout = 10 * time.Second

// Service dispatches events and sends the outbox.
type Service struct {
	store     *store.Store
	smtp      *config.SMTP
	from      string
	fromName  string
	publicURL string
	siteName  string
	log       *slog.Logger
	now       func() time.Time
	poll      time.Duration
	http      *http.Client
	insecure  bool
	templates *messageTemplates
}

// New builds the service. It fails if a mail template is broken.
func New(opt Options) (*Service, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.PollInterval == 0 {
		opt.PollInterval = DefaultPollInterval
	}
	if opt.SiteName == "" {
		opt.SiteName = "Fascicle"
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: WebhookTimeout, CheckRedirect: noRedirects}
	}
	t, err := loadTemplates()
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	return &Service{
		store: opt.Store, smtp: opt.SMTP, from: opt.From, fromName: opt.FromName,
		publicURL: opt.PublicURL, siteName: opt.SiteName, log: opt.Logger, now: opt.Now,
		poll: opt.PollInterval, http: opt.HTTPClient, insecure: opt.TLSInsecure, templates: t,
	}, nil
}

// noRedirects keeps a webhook delivery at the address the administrator gave.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// On reports whether the site sends mail.
func (s *Service) On() bool { return s.smtp != nil }

// Server names the SMTP server, without its password, for the staff pages.
func (s *Service) Server() string {
	if s.smtp == nil {
		return ""
	}
	return s.smtp.String()
}

// digestCheckInterval is how often the sender looks for daily digests due.
const digestCheckInterval = time.Minute

// Run dispatches events, queues the daily digests due and sends what is due until ctx
// is done. Because all of it lives in the database, a restart loses nothing: what was
// queued is sent after it.
func (s *Service) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var digestsChecked time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if _, err := s.Dispatch(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("dispatch events", "error", err.Error())
		}
		if now := s.now(); now.Sub(digestsChecked) >= digestCheckInterval {
			digestsChecked = now
			if _, err := s.SendDigests(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("queue daily digests", "error", err.Error())
			}
		}
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("send the outbox", "error", err.Error())
		}
		timer.Reset(s.poll)
	}
}
