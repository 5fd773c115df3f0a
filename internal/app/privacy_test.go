package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// lockedBuffer collects log lines written from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}

// emailTraces returns the forms in which an email could leak: as typed, in other
// cases, and URL-encoded.
func emailTraces(email string) [][]byte {
	return [][]byte{[]byte(email), []byte(strings.ToUpper(email)), []byte(url.QueryEscape(email)),
		[]byte(strings.Split(email, "@")[0] + "@")}
}

// Ensure no byte sequence of a commenter's email exists in the database file, its
// write-ahead log, a backup or the logs after replies with it were posted, approved,
// shown and searched for — the email is only ever stored encrypted.
func TestPrivacy_CanaryEmailNowhereInClear(t *testing.T) {
	storetest.SQLiteOnly(t, "it reads the database file, write-ahead log and backup")
	t.Parallel()
	logs := &lockedBuffer{}
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DBPath = filepath.Join(t.TempDir(), "fascicle.db")
	a, base := startAppWith(t, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	relaxPolicy(t, a)
	const canary = "canary.k7q2zx@example.org"
	for i := range 5 {
		res, err := postReply(base, fmt.Sprintf("Canary reply %d about twitches.", i), canary)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply %d: status %d", i, res.StatusCode)
		}
	}
	ctx := context.Background()
	replies, err := a.Store.CommentsByEmail(ctx, canary)
	if err != nil || len(replies) != 5 {
		t.Fatalf("the canary's replies: %d, %v", len(replies), err)
	}
	var ids []int64
	for _, r := range replies {
		if r.AuthorEmail != canary {
			t.Fatalf("decrypted email = %q", r.AuthorEmail)
		}
		ids = append(ids, r.ID)
	}
	if _, err := a.Store.SetCommentStatus(ctx, ids, model.CommentApproved, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/articles/" + demo.ArticleSlug, "/feed.xml", "/articles/" + demo.ArticleSlug + "/comments.xml", "/search?q=canary"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if bytes.Contains(body, []byte(canary)) {
			t.Errorf("%s shows the email", path)
		}
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
	if len(files["fascicle.db-wal"]) == 0 {
		t.Log("the write-ahead log is empty at this moment")
	}
	if !bytes.Contains(files["log"], []byte(`"route":"/articles/:slug/comments"`)) {
		t.Fatalf("the log holds no request lines, so the check proves nothing:\n%s", files["log"])
	}
	for name, data := range files {
		for _, trace := range emailTraces(canary) {
			if bytes.Contains(data, trace) {
				t.Errorf("%s contains %q", name, trace)
			}
		}
	}
	// The check can see: the reply texts are there in clear.
	if !bytes.Contains(files["backup.db"], []byte("Canary reply 3 about twitches.")) {
		t.Error("the backup lacks the reply text, so the scan would prove nothing")
	}
}

func newConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DBPath = filepath.Join(t.TempDir(), "fascicle.db")
	return cfg
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// Ensure a new database gets a key file readable by its owner only, which later
// starts use.
func TestKeys_NewDatabaseGetsKeyFile(t *testing.T) {
	storetest.SQLiteOnly(t, "the key file beside the database")
	t.Parallel()
	ctx := context.Background()
	cfg := newConfig(t)
	a, err := app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	info, err := os.Stat(app.KeyFile(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	a, err = app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	replies, err := a.Store.CommentsByEmail(ctx, "priya.n@example.com")
	a.Close()
	if err != nil || len(replies) != 1 || replies[0].AuthorEmail != "priya.n@example.com" {
		t.Errorf("demo reply by email after a restart: %d, %v", len(replies), err)
	}
}

// Ensure a wrong or missing key makes start-up fail with a message that says what to
// do, instead of showing garbage or making a new key.
func TestKeys_WrongOrMissingKeyRefused(t *testing.T) {
	storetest.SQLiteOnly(t, "the key file beside the database")
	t.Parallel()
	ctx := context.Background()
	cfg := newConfig(t)
	a, err := app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	t.Run("ErrWrongEnvironmentKey", func(t *testing.T) {
		wrong := cfg
		wrong.SecretKey = secret.Encode(secret.Generate())
		_, err := app.New(ctx, wrong, quietLogger)
		if err == nil || !strings.Contains(err.Error(), "FASCICLE_SECRET_KEY is not the key this database was encrypted with") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrMalformedKey", func(t *testing.T) {
		bad := cfg
		bad.SecretKey = "not a key"
		if _, err := app.New(ctx, bad, quietLogger); err == nil || !strings.Contains(err.Error(), "base64") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrWrongKeyFile", func(t *testing.T) {
		original, _ := os.ReadFile(app.KeyFile(cfg))
		defer os.WriteFile(app.KeyFile(cfg), original, 0o600)
		os.WriteFile(app.KeyFile(cfg), []byte(secret.Encode(secret.Generate())), 0o600)
		if _, err := app.New(ctx, cfg, quietLogger); err == nil || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrMissingKeyFile", func(t *testing.T) {
		original, _ := os.ReadFile(app.KeyFile(cfg))
		defer os.WriteFile(app.KeyFile(cfg), original, 0o600)
		os.Remove(app.KeyFile(cfg))
		_, err := app.New(ctx, cfg, quietLogger)
		if err == nil || !strings.Contains(err.Error(), "is missing") {
			t.Errorf("err = %v", err)
		}
		if _, statErr := os.Stat(app.KeyFile(cfg)); statErr == nil {
			t.Error("a new key file was made for a database encrypted with another")
		}
	})
	t.Run("RightEnvironmentKey", func(t *testing.T) {
		text, _ := os.ReadFile(app.KeyFile(cfg))
		env := cfg
		env.SecretKey = string(text)
		a, err := app.New(ctx, env, quietLogger)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
	})
}

// Ensure rotate-key re-encrypts every email under a new key that staff can still read
// with, the old key stops working, and an interrupted rotation recovers.
func TestRotateKey(t *testing.T) {
	storetest.SQLiteOnly(t, "the key file beside the database; PostgreSQL: TestMigrateAndRotateKey_OnPostgres")
	t.Parallel()
	ctx := context.Background()
	cfg := newConfig(t)
	a, err := app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	// What the outbox keeps sealed: a webhook's secret, an event's link token, a queued
	// message's address and text.
	now := time.Now()
	if err := a.Store.CreateWebhook(ctx, &model.Webhook{URL: "https://hooks.example.org/x", Secret: "webhook secret kept",
		Events: model.WebhookEvents, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.RecordEvent(ctx, model.Event{Kind: model.EventPasswordReset, UserID: 1, Secret: "link token kept", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.QueueMessage(ctx, model.OutboxMessage{Kind: "test", DedupeKey: "rotation", Recipient: "priya.n@example.com",
		RecipientIndex: "old", Body: []byte("message kept"), NextAttemptAt: now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	oldKey, _ := os.ReadFile(app.KeyFile(cfg))
	sealedBefore := sealedEmails(t, cfg.DBPath)

	var out bytes.Buffer
	if err := app.RotateKey(ctx, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "re-encrypted 3 emails") {
		t.Errorf("rotate-key printed %q", out.String())
	}
	newKey, _ := os.ReadFile(app.KeyFile(cfg))
	if bytes.Equal(oldKey, newKey) {
		t.Fatal("the key file did not change")
	}
	for id, before := range sealedBefore {
		if bytes.Equal(before, sealedEmails(t, cfg.DBPath)[id]) {
			t.Errorf("reply %d's email was not re-encrypted", id)
		}
	}
	a, err = app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatalf("start with the new key: %v", err)
	}
	for _, email := range []string{"priya.n@example.com", "tom.whitaker@example.net", "marguerite@example.org"} {
		replies, err := a.Store.CommentsByEmail(ctx, email)
		if err != nil || len(replies) != 1 || replies[0].AuthorEmail != email {
			t.Errorf("%s after rotation: %d replies, %v", email, len(replies), err)
		}
	}
	if hooks, err := a.Store.Webhooks(ctx); err != nil || len(hooks) != 1 || hooks[0].Secret != "webhook secret kept" {
		t.Errorf("webhooks after rotation: %+v, %v", hooks, err)
	}
	if events, err := a.Store.WaitingEvents(ctx, 10); err != nil || len(events) != 1 || events[0].Secret != "link token kept" {
		t.Errorf("events after rotation: %+v, %v", events, err)
	}
	if due, err := a.Store.DueMessages(ctx, now.Add(time.Hour), 10); err != nil || len(due) != 1 ||
		due[0].Recipient != "priya.n@example.com" || string(due[0].Body) != "message kept" {
		t.Errorf("queued mail after rotation: %+v, %v", due, err)
	}
	a.Close()

	old := cfg
	old.SecretKey = string(oldKey)
	if _, err := app.New(ctx, old, quietLogger); err == nil {
		t.Error("the old key still opens the database")
	}

	t.Run("InterruptedBeforeRename", func(t *testing.T) {
		// The database took the new key but the process stopped before the new key
		// file replaced the old one.
		current, _ := os.ReadFile(app.KeyFile(cfg))
		os.WriteFile(app.KeyFile(cfg)+".new", current, 0o600)
		os.WriteFile(app.KeyFile(cfg), oldKey, 0o600)
		a, err := app.New(ctx, cfg, quietLogger)
		if err != nil {
			t.Fatalf("start after an interrupted rotation: %v", err)
		}
		a.Close()
		if got, _ := os.ReadFile(app.KeyFile(cfg)); !bytes.Equal(got, current) {
			t.Error("the key file was not recovered from FILE.key.new")
		}
	})
}

func sealedEmails(t *testing.T, path string) map[int64][]byte {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, author_email_enc FROM comments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var sealed []byte
		rows.Scan(&id, &sealed)
		out[id] = sealed
	}
	if len(out) == 0 {
		t.Fatal("no replies")
	}
	return out
}
