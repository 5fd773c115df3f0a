package mail

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// sendLease is how long one attempt may take before the message may be tried again
// (by this sender after a crash, or by another process).
const sendLease = 2 * time.Minute

// sendBatch is how many due messages one pass of the sender takes.
const sendBatch = 50

// SMTPTimeout bounds one conversation with the mail server.
const SMTPTimeout = 30 * time.Second

// mailOffWait is how long a message queued before mail was turned off waits before
// it is looked at again.
const mailOffWait = time.Hour

// SendDue sends the messages and webhook deliveries due now and returns how many were
// sent. A failed attempt is tried again later (see retry.go), a refusal for good is
// recorded as failed; a message about a reply that went to spam or trash since (or
// no longer waits, for moderators) is cancelled instead of sent.
func (s *Service) SendDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	due, err := s.store.DueMessages(ctx, now, sendBatch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range due {
		if ctx.Err() != nil {
			break
		}
		ok, err := s.attempt(ctx, &due[i], now)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// stillWanted reports whether a message about a reply should still go out.
func stillWanted(m *store.DueMessage) bool {
	if m.CommentID == 0 {
		return true
	}
	switch {
	case m.ReplyStatus == "":
		return false // deleted
	case m.WantsStatus != "":
		return m.ReplyStatus == m.WantsStatus
	default:
		return m.ReplyStatus != model.CommentSpam && m.ReplyStatus != model.CommentTrash
	}
}

// attempt tries to send m once, and reports whether it was sent.
func (s *Service) attempt(ctx context.Context, m *store.DueMessage, now time.Time) (bool, error) {
	if !stillWanted(m) {
		return false, s.store.FinishMessage(ctx, m.ID, model.OutboxCancelled, "Not sent: the reply was moderated or deleted before it went out.", now)
	}
	if m.WebhookID == 0 && !s.On() {
		if now.Sub(m.CreatedAt) > GiveUpAfter {
			return false, s.store.FinishMessage(ctx, m.ID, model.OutboxFailed, "Mail is off (no FASCICLE_SMTP_URL).", now)
		}
		return false, s.store.RetryMessage(ctx, m.ID, "Waiting: mail is off (no FASCICLE_SMTP_URL).", now.Add(mailOffWait))
	}
	claimed, err := s.store.ClaimMessage(ctx, &m.OutboxMessage, now.Add(sendLease))
	if err != nil || !claimed {
		return false, err
	}
	var answer string
	var temporary bool
	if m.WebhookID != 0 {
		answer, temporary, err = s.deliverWebhook(ctx, &m.OutboxMessage)
	} else {
		answer, temporary, err = s.deliverMail(ctx, &m.OutboxMessage)
	}
	done := s.now().UTC()
	if err == nil {
		s.log.Info("message sent", "id", m.ID, "kind", m.Kind)
		return true, s.store.FinishMessage(ctx, m.ID, model.OutboxSent, answer, done)
	}
	s.log.Warn("message not sent", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "answer", answer)
	if temporary {
		if next, ok := nextAttempt(m.CreatedAt, m.Attempts, done); ok {
			return false, s.store.RetryMessage(ctx, m.ID, answer, next)
		}
	}
	return false, s.store.FinishMessage(ctx, m.ID, model.OutboxFailed, answer, done)
}

// deliverMail sends m to its recipient and returns the server's answer, whether a
// failure is worth trying again, and the failure. No answer names the recipient.
func (s *Service) deliverMail(ctx context.Context, m *model.OutboxMessage) (string, bool, error) {
	msg, err := decodeMessage(m.Body)
	if err != nil {
		return err.Error(), false, err
	}
	answer, err := s.Send(ctx, m.Recipient, msg)
	answer = strings.ReplaceAll(answer, m.Recipient, "(recipient)")
	var sendErr *gomail.SendError
	temporary := !errors.As(err, &sendErr) || sendErr.IsTemp()
	return answer, temporary, err
}

// Send sends message m to address to through the SMTP server, now, and returns the
// server's answer (or what went wrong). The outbox sends through it; so does
// "fascicle mail test".
func (s *Service) Send(ctx context.Context, to string, m *Message) (string, error) {
	if s.smtp == nil {
		return "Mail is off (no FASCICLE_SMTP_URL).", errors.New("mail is off")
	}
	msg, err := s.build(to, m)
	if err != nil {
		return err.Error(), err
	}
	client, err := s.client()
	if err != nil {
		return err.Error(), err
	}
	ctx, cancel := context.WithTimeout(ctx, SMTPTimeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return strings.TrimSpace(err.Error()), err
	}
	return strings.TrimSpace(msg.ServerResponse()), nil
}

func (s *Service) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.smtp.Port), gomail.WithTimeout(SMTPTimeout)}
	switch {
	case s.smtp.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.smtp.RequireTLS():
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.insecure {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{InsecureSkipVerify: true, ServerName: s.smtp.Host}))
	}
	if s.smtp.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.smtp.Username), gomail.WithPassword(s.smtp.Password))
	}
	return gomail.NewClient(s.smtp.Host, opts...)
}

// SignatureHeader carries a webhook delivery's signature: "sha256=" and the HMAC-SHA256
// of the body with the webhook's secret, in hex.
const SignatureHeader = "X-Fascicle-Signature"

// Sign returns the value of SignatureHeader for body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// deliverWebhook posts m to its webhook and returns the answer, whether a failure is
// worth trying again, and the failure.
func (s *Service) deliverWebhook(ctx context.Context, m *model.OutboxMessage) (string, bool, error) {
	hook, err := s.store.Webhook(ctx, m.WebhookID)
	if err != nil {
		return "The webhook was deleted.", false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(m.Body))
	if err != nil {
		return err.Error(), false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Fascicle-Webhook/1")
	req.Header.Set("X-Fascicle-Event", m.Kind)
	req.Header.Set("X-Fascicle-Delivery", strconv.FormatInt(m.ID, 10))
	req.Header.Set(SignatureHeader, Sign(hook.Secret, m.Body))
	res, err := s.http.Do(req)
	if err != nil {
		return err.Error(), true, err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	answer := "HTTP " + res.Status
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return answer, false, nil
	case res.StatusCode == http.StatusRequestTimeout || res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return answer, true, fmt.Errorf("webhook answered %s", res.Status)
	default:
		return answer, false, fmt.Errorf("webhook answered %s", res.Status)
	}
}

// SendTest sends the test message to address to at once and returns the server's answer.
func (s *Service) SendTest(ctx context.Context, to string) (string, error) {
	m, err := s.render("test", nil)
	if err != nil {
		return err.Error(), err
	}
	return s.Send(ctx, to, m)
}
