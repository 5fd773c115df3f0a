package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure a reader's address that the site mails (asked to confirm a subscription, then
// told of an answer) is in clear nowhere: not in the database file, its write-ahead
// log or a backup, nor in a log line, also with the outbox having held it; only the
// SMTP server sees it.
func TestMail_CanaryAddressNowhereInClear(t *testing.T) {
	storetest.SQLiteOnly(t, "it reads the database file, write-ahead log and backup")
	t.Parallel()
	smtp := mailtest.Start(t)
	logs := &lockedBuffer{}
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DBPath = filepath.Join(t.TempDir(), "fascicle.db")
	cfg.SMTPURL, cfg.MailFrom = smtp.URL(), "Health News <news@example.org>"
	cfg.MailPollInterval = 20 * time.Millisecond
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, base := startAppWith(t, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	relaxPolicy(t, a)
	ctx := context.Background()
	p, err := a.Store.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.HoldAll = false
	if err := a.Store.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	const canary = "mail.canary.q8w3@example.org"
	reply := func(text, email, parent string, subscribe bool) {
		t.Helper()
		form := url.Values{"comment": {text}, "author": {"Reader " + email[:4]}, "email": {email}, "comment_parent": {parent}}
		if subscribe {
			form.Set("subscribe", "yes")
		}
		res, err := noRedirect.PostForm(base+"/articles/"+demo.ArticleSlug+"/comments", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply %q: status %d", text, res.StatusCode)
		}
	}
	reply("A question about twitches, please tell me.", canary, "0", true)
	confirm := smtp.Wait(t, 1, 10*time.Second)[0]
	link := regexp.MustCompile(`http://[^\s]+/subscriptions/confirm\?token=[A-Za-z0-9_-]+`).FindString(confirm.Text())
	if link == "" || len(confirm.To) != 1 || confirm.To[0] != canary {
		t.Fatalf("confirmation to %v:\n%s", confirm.To, confirm.Text())
	}
	// The link names the configured address (port 0 here): the path goes to the server.
	res, err := noRedirect.Post(base+link[strings.Index(link, "/subscriptions/"):], "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK {
		t.Fatalf("confirming: status %d", res.StatusCode)
	}
	mine, err := a.Store.CommentsByEmail(ctx, canary)
	if err != nil || len(mine) != 1 {
		t.Fatalf("the canary's reply: %d, %v", len(mine), err)
	}
	reply("An answer to the question.", "answerer@example.net", strconv.FormatInt(mine[0].ID, 10), false)
	deadline := time.Now().Add(10 * time.Second)
	for len(smtp.To(canary)) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := smtp.To(canary); len(got) != 2 || !strings.Contains(got[1].Text(), "An answer to the question.") {
		t.Fatalf("messages to the canary: %d", len(got))
	}
	// The outbox held the address while the messages waited; they are sent now (the
	// sender records a message as sent just after the mail server has taken it).
	for {
		n, err := a.Store.OutboxCounts(ctx)
		if err == nil && n["sent"] >= 2 && n["queued"] == 0 {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("outbox: %v, %v", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := app.Backup(ctx, a.Config, backup, io.Discard); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"log": logs.Bytes()}
	for _, path := range []string{cfg.DBPath, cfg.DBPath + "-wal", backup} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		files[filepath.Base(path)] = data
	}
	if !bytes.Contains(files["log"], []byte(`"msg":"message sent"`)) {
		t.Fatalf("the log has no line about the messages sent, so the check proves nothing:\n%s", files["log"])
	}
	for name, data := range files {
		for _, trace := range emailTraces(canary) {
			if bytes.Contains(data, trace) {
				t.Errorf("%s contains %q", name, trace)
			}
		}
	}
	if !bytes.Contains(files["backup.db"], []byte("An answer to the question.")) {
		t.Error("the backup lacks the reply text, so the scan would prove nothing")
	}
}
