package mail_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/model"
)

// hookServer is a webhook receiver on a loopback port that checks each delivery's
// signature and answers with the statuses it is given, then 204.
type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	got      []mail.WebhookPayload
	bad      []string // deliveries whose signature did not match
	statuses []int
}

func startHookServer(t *testing.T, secret string, statuses ...int) *hookServer {
	h := &hookServer{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if r.Header.Get(mail.SignatureHeader) != mail.Sign(secret, body) {
			h.bad = append(h.bad, string(body))
		}
		if len(h.statuses) > 0 {
			status := h.statuses[0]
			h.statuses = h.statuses[1:]
			w.WriteHeader(status)
			return
		}
		var p mail.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			h.bad = append(h.bad, string(body))
		}
		h.got = append(h.got, p)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) deliveries() ([]mail.WebhookPayload, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]mail.WebhookPayload(nil), h.got...), append([]string(nil), h.bad...)
}

func (f *fixture) addWebhook(t *testing.T, url, secret string, events ...model.EventKind) *model.Webhook {
	t.Helper()
	w := &model.Webhook{URL: url, Secret: secret, Events: events, CreatedAt: f.clock()}
	if err := f.st.CreateWebhook(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWebhooks_SignedDeliveriesOfTheEventsAskedFor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hook := startHookServer(t, "s3cret-for-the-test")
	f.addWebhook(t, hook.URL, "s3cret-for-the-test", model.EventReplyPending)
	other := startHookServer(t, "another")
	f.addWebhook(t, other.URL, "another", model.EventReplyApproved)

	held := f.submit(t, "Ada Reader", "ada.canary@example.net", 0, nil)
	f.run(t)

	got, bad := hook.deliveries()
	if len(bad) > 0 {
		t.Errorf("deliveries with a wrong signature: %q", bad)
	}
	if len(got) != 1 {
		t.Fatalf("deliveries = %+v, want one reply.pending", got)
	}
	p := got[0]
	if p.Event != model.EventReplyPending || p.Reply == nil || p.Reply.ID != held.ID || p.Reply.Name != "Ada Reader" ||
		p.Article == nil || p.Article.Title != f.article.Title || p.Article.URL != siteURL+"/articles/"+f.article.Slug {
		t.Errorf("delivery = %+v / reply %+v / article %+v", p, p.Reply, p.Article)
	}
	if !strings.Contains(p.Reply.Excerpt, "A reply from Ada Reader") {
		t.Errorf("excerpt = %q", p.Reply.Excerpt)
	}
	if others, _ := other.deliveries(); len(others) != 0 {
		t.Errorf("a webhook that asked for approvals alone got %+v", others)
	}
	// No email travels in a delivery, nor stays in the outbox.
	for _, m := range f.outbox(t) {
		if m.Status != model.OutboxSent || m.Recipient != "" || len(m.Body) != 0 {
			t.Errorf("outbox row after delivery = %+v", m)
		}
	}
}

func TestWebhooks_RetriedUntilTheServerTakesIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hook := startHookServer(t, "k", http.StatusServiceUnavailable, http.StatusBadGateway)
	f.addWebhook(t, hook.URL, "k", model.EventReplyPending)
	f.submit(t, "Ada Reader", "ada@example.net", 0, nil)

	f.run(t) // 503
	if m := f.outbox(t)[0]; m.Status != model.OutboxQueued || m.Attempts != 1 || !strings.Contains(m.LastAnswer, "503") {
		t.Fatalf("after a 503: %+v", m)
	}
	f.run(t) // not due yet: nothing sent
	if m := f.outbox(t)[0]; m.Attempts != 1 {
		t.Fatalf("tried again before its time: %+v", m)
	}
	if m := f.outbox(t)[0]; m.NextAttemptAt.Sub(f.clock()) > 30*time.Second {
		t.Errorf("first retry at %v, more than 30 s after %v", m.NextAttemptAt, f.clock())
	}
	f.advance(30 * time.Second)
	f.run(t) // 502
	f.advance(2 * time.Minute)
	f.run(t) // taken
	got, _ := hook.deliveries()
	if m := f.outbox(t)[0]; len(got) != 1 || m.Status != model.OutboxSent || m.Attempts != 3 {
		t.Errorf("after a 503, a 502 and a 204: %d deliveries, outbox %+v", len(got), m)
	}
}

func TestWebhooks_RefusedForGoodIsFailedAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hook := startHookServer(t, "k", http.StatusGone)
	f.addWebhook(t, hook.URL, "k", model.EventReplyPending)
	f.submit(t, "Ada Reader", "ada@example.net", 0, nil)
	f.run(t)
	if m := f.outbox(t)[0]; m.Status != model.OutboxFailed || !strings.Contains(m.LastAnswer, "410") {
		t.Errorf("after a 410: %+v", m)
	}
}

func TestWebhooks_NothingForAReplyMarkedAsSpamBeforeItWent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hook := startHookServer(t, "k")
	f.addWebhook(t, hook.URL, "k", model.EventReplyPending)
	c := f.submit(t, "Spammer", "spam@example.net", 0, nil)
	if _, err := f.svc.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.moderation.Moderate(context.Background(), f.moderator, "spam", c.ID); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	if got, _ := hook.deliveries(); len(got) != 0 {
		t.Errorf("deliveries about a reply marked as spam: %+v", got)
	}
	if m := f.outbox(t)[0]; m.Status != model.OutboxCancelled {
		t.Errorf("outbox = %+v, want cancelled", m)
	}
}

func TestTidy_RemovesOldFinishedMessagesAndEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hook := startHookServer(t, "k")
	f.addWebhook(t, hook.URL, "k", model.EventReplyPending)
	f.submit(t, "Ada Reader", "ada@example.net", 0, nil)
	f.run(t)
	f.submit(t, "Bo Reader", "bo@example.net", 0, nil) // its event waits: not dispatched
	ctx := context.Background()
	if r, err := f.svc.Tidy(ctx, f.clock().Add(mail.KeepDispatched-time.Hour)); err != nil || r != (mail.TidyResult{}) {
		t.Errorf("tidy too early: %+v, %v", r, err)
	}
	sent := len(f.outbox(t)) // the delivery, and the moderator's message about the reply
	r, err := f.svc.Tidy(ctx, f.clock().Add(mail.KeepFinished+time.Hour))
	if err != nil || r.Messages != sent || r.Events != 1 || len(f.outbox(t)) != 0 {
		t.Errorf("tidy: %+v, %v; want the %d messages sent and their event", r, err, sent)
	}
	if n, _ := f.svc.Dispatch(ctx); n != 1 {
		t.Errorf("the waiting event was lost: dispatched %d", n)
	}
}
