package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// serverBinary is the server, built once for the tests of this package.
var serverBinary = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return "", errors.New("go is not on PATH: the benchmark builds the server with it; install Go (https://go.dev/dl/)")
	}
	root, err := moduleRoot(context.Background())
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "fascicle-bench-test-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "fascicle")
	// The same command as run's, so that its build finds this binary up to date.
	build := exec.Command("go", "build", "-o", bin, "./cmd/fascicle")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build -o %s ./cmd/fascicle: %v\n%s", bin, err, out)
	}
	return bin, nil
})

// binDir is the folder of serverBinary, once it is made.
var binDir string

// TestMain removes the server binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// outDir returns a folder for run's --out that holds a copy of the server binary
// built for the tests: run's "go build" then finds it up to date instead of linking
// the server once more for each test.
func outDir(t *testing.T) string {
	t.Helper()
	bin, err := serverBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fascicle"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Ensure the whole benchmark runs in its quick mode: it builds and seeds, every
// workload gets answers without server errors, and the table has every row. It checks
// that the benchmark works, never how fast anything is.
func TestBench_QuickSmoke(t *testing.T) {
	t.Parallel()
	out := &bytes.Buffer{}
	// A quarter of a second per workload is enough for answers to every one.
	rep, err := run(context.Background(), []string{"--quick", "--duration", "250ms", "--out", outDir(t)}, out, io.Discard)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for name, r := range map[string]*result{"cached page": rep.Cached, "rendered page": rep.Uncached, "replies": rep.Post.result} {
		if r.Requests == 0 || r.ServerErrors() != 0 {
			t.Errorf("%s: %d answers, %d server errors (%v)", name, r.Requests, r.ServerErrors(), r.Statuses)
		}
	}
	if rep.Cached.Failures != 0 || rep.Uncached.Failures != 0 {
		t.Errorf("failed GETs: %d cached (%v, first: %v), %d rendered (%v, first: %v)",
			rep.Cached.Failures, rep.Cached.Statuses, rep.Cached.FirstErr, rep.Uncached.Failures, rep.Uncached.Statuses, rep.Uncached.FirstErr)
	}
	if len(rep.Lists) != 3 {
		t.Fatalf("%d list pages measured, want 3", len(rep.Lists))
	}
	for _, lp := range rep.Lists {
		if lp.Big.Requests == 0 || lp.Demo.Requests == 0 || lp.Big.Failures+lp.Demo.Failures != 0 {
			t.Errorf("%s: %d/%d answers, %d/%d failures", lp.Name, lp.Big.Requests, lp.Demo.Requests, lp.Big.Failures, lp.Demo.Failures)
		}
	}
	if rep.StartBig <= 0 || rep.RSSCachedKB <= 0 || rep.RSSAfterKB <= 0 || rep.PageBytes < 10_000 {
		t.Errorf("start %v, memory %d/%d KB, page %d bytes", rep.StartBig, rep.RSSCachedKB, rep.RSSAfterKB, rep.PageBytes)
	}
	if rep.FiveXXInLogs != 0 || rep.LockedInLogs != 0 {
		t.Errorf("server logs: %d 5xx, %d \"database is locked\"", rep.FiveXXInLogs, rep.LockedInLogs)
	}
	table := out.String()
	for _, row := range []string{"GET article, 50 replies", "GET demo article (small page", "article page rendered", "POST replies, 16 posters", "home page /", "tag page /tags/neurology",
		"search /search?q=caffeine", "resident memory (VmRSS)", "start to first 200 on /healthz"} {
		if !strings.Contains(table, row) {
			t.Errorf("the table has no row %q:\n%s", row, table)
		}
	}
	if rep.Small == nil || rep.Small.Rate() <= 0 || rep.SmallBytes < 10_000 {
		t.Errorf("the small page: %+v, %d bytes", rep.Small, rep.SmallBytes)
	}
	if (rep.Nginx == nil) != (rep.SmallNginx == nil) {
		t.Errorf("nginx measured for one page and not the other")
	}
	if rep.Nginx == nil && !strings.Contains(table, "apt-get install -y nginx") {
		t.Error("without nginx, the output does not say how to install it")
	}
}

// Ensure the flags are read and checked, and --quick shrinks what is not set.
func TestParseOptions(t *testing.T) {
	t.Parallel()
	o, err := parseOptions([]string{"--quick"}, io.Discard)
	if err != nil || o.duration.Seconds() != 2 || o.articles != 2000 || o.replies != 20000 {
		t.Errorf("--quick = %+v, %v", o, err)
	}
	o, err = parseOptions([]string{"--quick", "--duration", "1s", "--replies", "5000"}, io.Discard)
	if err != nil || o.duration.Seconds() != 1 || o.replies != 5000 {
		t.Errorf("--quick with --duration and --replies = %+v, %v", o, err)
	}
	o, err = parseOptions(nil, io.Discard)
	if err != nil || o.duration.Seconds() != 10 || o.articles != 100_000 || o.replies != 1_000_000 {
		t.Errorf("defaults = %+v, %v", o, err)
	}
	for _, args := range [][]string{{"--duration", "1ms"}, {"--replies", "0"}, {"extra"}} {
		if _, err := parseOptions(args, io.Discard); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}

// cancelOn is a writer that cancels a context once the output contains a text.
type cancelOn struct {
	text   string
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}

// Ensure an interrupted benchmark (Ctrl-C) stops at once and leaves none of the
// servers it started running.
func TestBench_InterruptStopsServers(t *testing.T) {
	t.Parallel()
	dir := outDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOn{text: "== GET", cancel: cancel}
	// A small database: the run is interrupted at its first workload.
	_, err := run(ctx, []string{"--quick", "--articles", "100", "--replies", "3000", "--duration", "30s", "--out", dir}, out, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run = %v, want context.Canceled\n%s", err, out.buf.String())
	}
	if !strings.Contains(out.buf.String(), "== GET") {
		t.Fatalf("the benchmark stopped before its first workload:\n%s", out.buf.String())
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(dir)) {
			t.Errorf("process %s still runs: %s", e.Name(), bytes.ReplaceAll(cmdline, []byte{0}, []byte(" ")))
		}
	}
}
