package app_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// startApp runs the real program on a free loopback port with a new database in a
// temporary folder, and stops it when the test ends. It returns the running app and
// its base URL.
func startApp(t *testing.T) (*app.App, string) {
	t.Helper()
	return startAppWith(t, testConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// testKey is the email key of the tests' sites on PostgreSQL, which keeps no key file.
const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// testConfig is the default configuration with a free loopback port and a new database
// of the test's own on the engine of the run (see storetest): a SQLite file, or a
// PostgreSQL database with the key in FASCICLE_SECRET_KEY and uploads in a temporary
// folder.
func testConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DBPath = storetest.Path(t)
	if storetest.OnPostgres() {
		cfg.SecretKey, cfg.MediaDir = testKey, filepath.Join(t.TempDir(), "media")
	}
	return cfg
}

// startAppWith is startApp with the given settings and logger.
func startAppWith(t *testing.T, cfg config.Config, logger *slog.Logger) (*app.App, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(app.ShutdownTimeout + time.Second):
			t.Error("server did not stop")
		}
		a.Close()
	})
	return a, "http://" + a.Addr()
}

// relaxPolicy turns off the checks that need a person's pace (the flood interval and
// the minimum time to fill the form), for tests that post many replies at once.
func relaxPolicy(t *testing.T, a *app.App) {
	t.Helper()
	p, err := a.Store.Policy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.FloodSeconds, p.MinFormSeconds = 0, 0
	if err := a.Store.SavePolicy(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// latestReplyStatus returns the status of the newest reply in the app's database.
func latestReplyStatus(t *testing.T, a *app.App) string {
	t.Helper()
	db := storetest.Open(t, a.Config.DBPath)
	var status string
	if err := db.QueryRow(`SELECT status FROM comments ORDER BY id DESC LIMIT 1`).Scan(&status); err != nil {
		t.Fatal(err)
	}
	return status
}

// waitForLog waits up to 10 s for logs to contain text.
func waitForLog(t *testing.T, logs *lockedBuffer, text string) {
	t.Helper()
	waitForLogWithin(t, logs, text, 10*time.Second)
}

// waitForLogWithin is waitForLog with a bound of its own, for work that grows with
// the data, such as the first retention run over a generated history.
func waitForLogWithin(t *testing.T, logs *lockedBuffer, text string, d time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(d); !strings.Contains(string(logs.Bytes()), text); {
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q within %v:\n%s", text, d, logs.Bytes())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMain runs up to four tests at once unless -parallel says otherwise, and stops
// the Chromium that the browser tests share. The browser tests spend most of their
// time waiting for Chromium and for the page's scripts (the editor's preview waits
// 400 ms after typing), not on this process's CPUs, which is what the default of
// -parallel counts.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(max(4, runtime.GOMAXPROCS(0))))
	}
	code := storetest.Main(m)
	stopChromium()
	os.Exit(code)
}
