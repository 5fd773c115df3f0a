package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure "fascicle copy" moves a whole site into a new database, keeping its replies
// readable under the same key and the emails sealed, and refuses a target with data.
func TestCopy_WholeSiteBothWays(t *testing.T) {
	storetest.SQLiteOnly(t, "runs once: it copies SQLite to PostgreSQL and back itself")
	t.Parallel()
	ctx := context.Background()
	a, base := startApp(t)
	const canary = "copy.canary.x9t4@example.org"
	res, err := postReply(base, "A reply that moves house.", canary)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: status %d", res.StatusCode)
	}
	from := a.Config
	hops := []string{filepath.Join(t.TempDir(), "copy.db")}
	if storetest.Available() {
		hops = []string{storetest.NewPostgres(t), filepath.Join(t.TempDir(), "back.db")}
	}
	key, err := os.ReadFile(app.KeyFile(from))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range hops {
		to := from
		to.DBPath, to.KeyFile = target, ""
		var out bytes.Buffer
		if err := app.Copy(ctx, from, to, &out); err != nil {
			t.Fatalf("copy %s to %s: %v\n%s", store.RedactURL(from.DBPath), store.RedactURL(target), err, out.String())
		}
		if !strings.Contains(out.String(), "comments") || !strings.Contains(out.String(), "copied ") {
			t.Errorf("copy printed %q", out.String())
		}
		if store.IsPostgres(target) {
			to.SecretKey = strings.TrimSpace(string(key))
		}
		// The copy serves the same site, and its replies' emails open under the key.
		b, err := app.New(ctx, withAddr(to), quietLogger)
		if err != nil {
			t.Fatalf("open the copy: %v", err)
		}
		replies, err := b.Store.CommentsByEmail(ctx, canary)
		if err != nil || len(replies) != 1 || replies[0].AuthorEmail != canary || replies[0].Body != "A reply that moves house." {
			t.Errorf("the canary's replies in the copy: %+v, %v", replies, err)
		}
		if _, err := b.Store.PublishedArticle(ctx, demo.ArticleSlug); err != nil {
			t.Errorf("the demo article in the copy: %v", err)
		}
		hits, _, err := b.Store.SearchArticles(ctx, []string{"twitches"}, 10, 0)
		if err != nil || len(hits) == 0 {
			t.Errorf("search in the copy: %d hits, %v", len(hits), err)
		}
		b.Close()
		// A second copy into the same database is refused.
		if err := app.Copy(ctx, from, to, io.Discard); err == nil {
			t.Errorf("a second copy into %s was accepted", store.RedactURL(target))
		}
		from = to
	}
	// The last copy is a SQLite file: the email is in it only sealed.
	last := hops[len(hops)-1]
	data, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	for _, trace := range emailTraces(canary) {
		if bytes.Contains(data, trace) {
			t.Errorf("the copy contains %q in clear", trace)
		}
	}
}

// withAddr gives cfg a free port and no demo content of its own.
func withAddr(cfg config.Config) config.Config {
	cfg.Addr = "127.0.0.1:0"
	return cfg
}

// Ensure "fascicle migrate" and "fascicle rotate-key" work on PostgreSQL, where the key
// comes from FASCICLE_SECRET_KEY: the new key is printed and opens the emails, the old
// one no longer does.
func TestMigrateAndRotateKey_OnPostgres(t *testing.T) {
	storetest.SQLiteOnly(t, "runs once: it makes its own PostgreSQL database")
	storetest.RequirePostgres(t)
	t.Parallel()
	ctx := context.Background()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DBPath, cfg.SecretKey = storetest.NewPostgres(t), "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	var out bytes.Buffer
	if err := app.Migrate(ctx, cfg, &out); err != nil || !strings.Contains(out.String(), "is at schema version") ||
		strings.Contains(out.String(), "password") {
		t.Fatalf("migrate: %v, %q", err, out.String())
	}
	a, err := app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	out.Reset()
	if err := app.RotateKey(ctx, cfg, &out); err != nil {
		t.Fatalf("rotate-key: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "re-encrypted 3 emails") {
		t.Fatalf("rotate-key printed %q", out.String())
	}
	old := cfg
	cfg.SecretKey = lines[1]
	b, err := app.New(ctx, cfg, quietLogger)
	if err != nil {
		t.Fatalf("start with the new key: %v", err)
	}
	replies, err := b.Store.CommentsByEmail(ctx, "priya.n@example.com")
	b.Close()
	if err != nil || len(replies) != 1 {
		t.Errorf("after rotation: %d replies, %v", len(replies), err)
	}
	if _, err := app.New(ctx, old, quietLogger); err == nil {
		t.Error("the old key still opens the database")
	}
	// fascicle backup is SQLite's: on PostgreSQL it names pg_dump.
	if err := app.Backup(ctx, cfg, filepath.Join(t.TempDir(), "x.db"), io.Discard); err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom") {
		t.Errorf("backup on PostgreSQL: %v", err)
	}
}
