package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure a message caused while the SMTP server is down stays queued with the reason
// as its last answer, survives a restart of the program (a new service on the same
// database file), and arrives exactly once when the server is back.
func TestOutbox_SurvivesAStoppedServerAndARestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.smtp.Stop()
	held := f.submit(t, "Ada Reader", "ada@example.net", 0, twoLinks)
	f.run(t)
	list := f.outbox(t)
	if len(list) != 1 {
		t.Fatalf("outbox = %+v, want the moderator's message", list)
	}
	if m := list[0]; m.Status != model.OutboxQueued || m.Attempts != 1 || m.LastAnswer == "" || m.CommentID != held.ID {
		t.Fatalf("after a failed attempt: %+v", m)
	}
	t.Logf("answer while the server was down: %s", list[0].LastAnswer)

	// The restart: the program stops, and starts again on the same database file.
	reopened, err := store.Open(f.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reopened.Close() })
	if err := reopened.UseKeys(ctx, f.keys); err != nil {
		t.Fatal(err)
	}
	f.svc = f.newService(t, reopened)
	f.smtp.Restart(t)
	f.run(t) // not due yet
	if got := f.smtp.Messages(); len(got) != 0 {
		t.Fatalf("%d messages sent before the retry was due", len(got))
	}
	f.advance(time.Minute)
	f.run(t)
	f.advance(time.Hour)
	f.run(t)
	got := f.smtp.Wait(t, 1, 5*time.Second)
	if len(got) != 1 || len(f.smtp.To(f.moderator.EmailAddress())) != 1 {
		t.Fatalf("%d messages after the restart, want exactly 1", len(got))
	}
	if m := f.outbox(t)[0]; m.Status != model.OutboxSent || m.Attempts != 2 || !strings.HasPrefix(m.LastAnswer, "2") {
		t.Errorf("after sending: %+v", m)
	}
}

// Ensure a temporary refusal (4xx) is tried again and then sent, and a refusal for
// good (5xx) fails the message at once with the server's answer recorded.
func TestOutbox_TemporaryRefusalRetriedPermanentFailed(t *testing.T) {
	t.Parallel()
	t.Run("451", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.smtp.Refuse(451)
		f.submit(t, "Ada Reader", "ada@example.net", 0, twoLinks)
		f.run(t)
		m := f.outbox(t)[0]
		if m.Status != model.OutboxQueued || m.Attempts != 1 || !strings.Contains(m.LastAnswer, "451") || !strings.Contains(m.LastAnswer, "Refused for the test") {
			t.Fatalf("after a 451: %+v", m)
		}
		if wait := m.NextAttemptAt.Sub(f.clock()); wait <= 0 || wait > 30*time.Second {
			t.Errorf("next attempt in %v, want within 30 s", wait)
		}
		f.smtp.Accept()
		f.advance(30 * time.Second)
		f.run(t)
		if got := f.smtp.Messages(); len(got) != 1 {
			t.Fatalf("%d messages after the retry, want 1", len(got))
		}
		if m := f.outbox(t)[0]; m.Status != model.OutboxSent || m.Attempts != 2 {
			t.Errorf("after the retry: %+v", m)
		}
	})
	t.Run("550", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.smtp.Refuse(550)
		f.submit(t, "Ada Reader", "ada@example.net", 0, twoLinks)
		f.run(t)
		m := f.outbox(t)[0]
		if m.Status != model.OutboxFailed || m.Attempts != 1 || !strings.Contains(m.LastAnswer, "550") || !strings.Contains(m.LastAnswer, "Refused for the test") ||
			strings.Contains(m.LastAnswer, f.moderator.EmailAddress()) {
			t.Fatalf("after a 550: %+v", m)
		}
		f.smtp.Accept()
		f.advance(time.Hour)
		f.run(t)
		if got := f.smtp.Messages(); len(got) != 0 {
			t.Errorf("%d messages sent after a refusal for good", len(got))
		}
	})
}
