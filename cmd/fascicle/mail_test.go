package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/mail/mailtest"
)

// Ensure "fascicle mail test" sends one message through the SMTP server and prints
// the server's answer, and says why when the server cannot be reached.
func TestRun_MailTest(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	var out, errOut bytes.Buffer
	args := []string{"mail", "test", "--to", "editor@example.org", "--smtp-url", smtp.URL(),
		"--mail-from", "Health News <news@example.org>", "--base-url", "https://health.example.org"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("mail test: %v\n%s", err, errOut.String())
	}
	got := smtp.Wait(t, 1, 5*time.Second)
	m := got[0]
	h := m.Header()
	if len(m.To) != 1 || m.To[0] != "editor@example.org" || m.From != "news@example.org" {
		t.Errorf("envelope from %q to %q", m.From, m.To)
	}
	for _, name := range []string{"Message-Id", "Date"} {
		if h.Get(name) == "" {
			t.Errorf("no %s header", name)
		}
	}
	if h.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(h.Get("From"), "Health News") {
		t.Errorf("headers: %v", h)
	}
	if !strings.Contains(m.Text(), "https://health.example.org") || !strings.Contains(m.Part("text/html"), "https://health.example.org") {
		t.Errorf("text %q / html %q", m.Text(), m.Part("text/html"))
	}
	if !strings.Contains(out.String(), "The server answered: 2") {
		t.Errorf("output = %q, want the server's answer", out.String())
	}

	smtp.Stop()
	out.Reset()
	err := run(context.Background(), args, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "did not take the message") {
		t.Errorf("with the server stopped: %v", err)
	}
	if err := run(context.Background(), []string{"mail", "test", "--to", "nobody"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Errorf("a bad address: %v", err)
	}
}
