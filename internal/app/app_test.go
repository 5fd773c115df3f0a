package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func postReply(base, text, email string) (*http.Response, error) {
	form := url.Values{"comment": {text}, "author": {"Load Tester"}, "email": {email}, "comment_parent": {"0"}}
	return noRedirect.PostForm(base+"/articles/"+demo.ArticleSlug+"/comments", form)
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Ensure the real program serves the demo article over HTTP and takes a reply that is
// then shown to its author as awaiting moderation.
func TestServe_DemoArticleAndReply(t *testing.T) {
	t.Parallel()
	a, base := startApp(t)
	relaxPolicy(t, a)
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "Understanding Involuntary Muscle Twitches") {
		t.Fatalf("home: %d %.300s", res.StatusCode, body)
	}
	res, err = postReply(base, "Over real HTTP.", "canary-e2e@example.com")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: status %d", res.StatusCode)
	}
	res, err = http.Get(base + res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, res)
	if !strings.Contains(body, "Your comment is awaiting moderation.") || !strings.Contains(body, "Over real HTTP.") {
		t.Errorf("the reader does not see their held reply:\n%.3000s", body)
	}
	if strings.Contains(body, "canary-e2e@example.com") {
		t.Error("the page shows the commenter's email")
	}
}

// Ensure a backup taken while replies are being posted is complete and consistent,
// and can itself be served.
func TestBackup_WhileServing(t *testing.T) {
	storetest.SQLiteOnly(t, "fascicle backup copies SQLite files")
	t.Parallel()
	a, base := startApp(t)
	relaxPolicy(t, a)
	ctx := context.Background()
	var acknowledged atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := postReply(base, fmt.Sprintf("reply %d from poster %d", i, w), fmt.Sprintf("poster%d@example.com", w))
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("reply: status %d", res.StatusCode)
					return
				}
				acknowledged.Add(1)
			}
		}()
	}
	for acknowledged.Load() < 20 {
		// let some replies land before the backup starts
		if t.Failed() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := app.Backup(ctx, a.Config, backup, io.Discard); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()

	db, err := sql.Open("sqlite3", backup)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	var replies int64
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM comments WHERE status = 'pending'`).Scan(&replies); err != nil {
		t.Fatal(err)
	}
	if replies < 20 || replies > acknowledged.Load() {
		t.Errorf("backup holds %d posted replies; %d were acknowledged, at least 20 before the backup", replies, acknowledged.Load())
	}

	cfg := config.Default()
	cfg.Addr, cfg.DBPath = "127.0.0.1:0", backup
	restored, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("serving the backup: %v", err)
	}
	restored.Close()
}

// Ensure the program refuses to start on a database migrated by a newer version.
func TestNew_RefusesNewerSchema(t *testing.T) {
	storetest.SQLiteOnly(t, "its goose table as SQLite keeps it")
	t.Parallel()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DBPath = filepath.Join(t.TempDir(), "fascicle.db")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	db, err := sql.Open("sqlite3", cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	_, err = app.New(ctx, cfg, logger)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("New on a newer schema: err = %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "9999") {
		t.Errorf("the message does not say which version: %v", err)
	}
}
