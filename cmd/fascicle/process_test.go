package main_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// slowTests reports whether the long versions of the load and fault tests run
// (FASCICLE_SLOW_TESTS=1, as in CI); without it each runs a short version.
func slowTests() bool {
	return os.Getenv("FASCICLE_SLOW_TESTS") == "1"
}

// longRun reports whether the test runs its long version, and logs which one runs.
func longRun(t *testing.T) bool {
	t.Helper()
	if slowTests() {
		return true
	}
	t.Logf("short version; FASCICLE_SLOW_TESTS=1 runs the long one")
	return false
}

// pick returns ifLong in the long version of a test and ifShort otherwise.
func pick[T any](long bool, ifShort, ifLong T) T {
	if long {
		return ifLong
	}
	return ifShort
}

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// TestMain removes the server binary the tests built.
func TestMain(m *testing.M) {
	// The two-server test needs PostgreSQL: the one set, or one started for the run.
	stop, err := storetest.EnsurePostgres()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// raceEnabled reports whether this test binary was built with -race; the server is
// then built the same way, so that a data race in it under load fails the test.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// fascicleBinary builds this command once per test binary and returns its path.
func fascicleBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "fascicle-faults-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "fascicle")
		args := []string{"build", "-o", binPath}
		if raceEnabled() {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// childEnv is this process's environment without Fascicle's settings, plus extra.
// A server built with -race would sleep a second before exiting, to let other
// threads report: that is turned off, so that the time it takes to stop is its own.
func childEnv(extra ...string) []string {
	var env []string
	goRace := "atexit_sleep_ms=0"
	for _, kv := range os.Environ() {
		if v, ok := strings.CutPrefix(kv, "GORACE="); ok {
			goRace = v + " " + goRace
		} else if !strings.HasPrefix(kv, "FASCICLE_") {
			env = append(env, kv)
		}
	}
	return append(append(env, "GORACE="+goRace), extra...)
}

// prepareDB creates a migrated database at path whose moderation policy lets many
// replies in quickly: no flood interval and no minimum form time, as for the
// benchmark. Every other rule runs, and replies are held for moderation.
func prepareDB(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := st.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.FloodSeconds, p.MinFormSeconds = 0, 0
	if err := st.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// logWriter keeps a process's output in a file and reports the address from the
// line "Fascicle is serving http://ADDR".
type logWriter struct {
	mu    sync.Mutex
	file  *os.File
	line  []byte
	addrc chan string
}

var servingLine = regexp.MustCompile(`Fascicle is serving http://(\S+)`)

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range p {
		if b != '\n' {
			w.line = append(w.line, b)
			continue
		}
		if m := servingLine.FindSubmatch(w.line); m != nil {
			select {
			case w.addrc <- string(m[1]):
			default:
			}
		}
		w.line = w.line[:0]
	}
	return w.file.Write(p)
}

// server is a running "fascicle serve" process.
type server struct {
	cmd     *exec.Cmd
	addr    string // 127.0.0.1:PORT
	base    string // http://127.0.0.1:PORT
	logPath string
	done    chan struct{} // closed once it has exited
	waitErr error         // how it exited, once done is closed
}

// startServer starts "fascicle serve" on db at a free loopback port, believing
// X-Forwarded-For from 127.0.0.1, and returns once /healthz answers 200. The server
// is stopped when the test ends, and its log is then checked for "database is
// locked" and data races.
func startServer(t *testing.T, db string, env ...string) *server {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	w := &logWriter{file: logFile, addrc: make(chan string, 1)}
	cmd := exec.Command(fascicleBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = childEnv(append([]string{"FASCICLE_TRUSTED_PROXIES=127.0.0.1"}, env...)...)
	cmd.Stdout, cmd.Stderr = w, w
	// Pdeathsig stops the server should the test binary itself be killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop(15 * time.Second)
		s.checkLog(t)
	})
	select {
	case s.addr = <-w.addrc:
	case <-s.done:
		t.Fatalf("the server exited at start (%v):\n%s", s.waitErr, s.logTail(20))
	case <-time.After(time.Minute):
		t.Fatalf("the server did not start listening within a minute:\n%s", s.logTail(20))
	}
	s.base = "http://" + s.addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get(s.base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("the server exited (%v):\n%s", s.waitErr, s.logTail(20))
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer 200 within 30 s:\n%s", s.logTail(20))
		}
	}
}

// terminate sends SIGTERM, as a service manager does to stop the server.
func (s *server) terminate() {
	s.cmd.Process.Signal(syscall.SIGTERM)
}

// kill stops the server at once with SIGKILL, as a crash or the OOM killer would,
// and waits until it is gone.
func (s *server) kill() {
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}

// stop asks the server to finish and kills it if it has not within grace.
func (s *server) stop(grace time.Duration) {
	select {
	case <-s.done:
		return
	default:
	}
	s.terminate()
	select {
	case <-s.done:
	case <-time.After(grace):
		s.kill()
	}
}

// waitExit waits up to d for the server to exit and returns its exit code, or -1
// if it is still running.
func (s *server) waitExit(d time.Duration) int {
	select {
	case <-s.done:
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		return -1
	}
}

// stopCleanly sends SIGTERM and fails the test unless the server exits with status
// 0 within 10 s.
func (s *server) stopCleanly(t *testing.T) {
	t.Helper()
	s.terminate()
	if code := s.waitExit(10 * time.Second); code != 0 {
		t.Errorf("after SIGTERM the server exited with %d (-1: still running after 10 s):\n%s", code, s.logTail(20))
	}
}

func (s *server) logText() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

func (s *server) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(s.logText(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// checkLog fails the test for what must never be in a server's log.
func (s *server) checkLog(t *testing.T) {
	t.Helper()
	log := s.logText()
	if n := strings.Count(log, "database is locked"); n > 0 {
		t.Errorf("the server's log has \"database is locked\" %d times:\n%s", n, linesWith(log, "database is locked", 10))
	}
	if i := strings.Index(log, "WARNING: DATA RACE"); i >= 0 {
		report := log[i:]
		if end := strings.Index(report, "\n=================="); end >= 0 {
			report = report[:end]
		}
		t.Errorf("the server has a data race:\n%s", report)
	}
}

// linesWith returns up to n lines of text that contain sub, indented.
func linesWith(text, sub string, n int) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, sub) && len(out) < n {
			out = append(out, "    "+line)
		}
	}
	return strings.Join(out, "\n")
}

// articlePath is the demo article every new database starts with.
const articlePath = "/articles/" + demo.ArticleSlug

// newPoster returns an HTTP client for one poster: a connection of its own, and
// redirects not followed, so that the 303 that acknowledges a reply is seen.
func newPoster() *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// reply is one reader's submission of the reply form.
type reply struct {
	Comment, Author, Email, URL string
	ForwardedFor                string // the reader's address, as a proxy reports it
}

func (r reply) form() url.Values {
	return url.Values{
		"comment":                {r.Comment},
		"author":                 {r.Author},
		"email":                  {r.Email},
		"url":                    {r.URL},
		"comment_parent":         {"0"},
		"contact_me_by_fax_only": {""},
	}
}

// answer is a response read in full.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

// post sends the reply form to the demo article and returns the answer.
func post(ctx context.Context, client *http.Client, base string, r reply) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+articlePath+"/comments", strings.NewReader(r.form().Encode()))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "fascicle-faults-test")
	if r.ForwardedFor != "" {
		req.Header.Set("X-Forwarded-For", r.ForwardedFor)
	}
	res, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return answer{Status: res.StatusCode, Header: res.Header, Body: string(body)}, err
}

// replyStream is a number of posters, each sending new replies one after another
// until stopped or until its request fails.
type replyStream struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	acks   atomic.Int64

	mu         sync.Mutex
	acked      map[string]bool // texts answered 303
	attempted  map[string]bool // texts sent, answered or not
	unanswered map[string]bool // texts whose request got no answer
	statuses   map[int]int     // every status seen
	unexpected []string        // status and start of each answer other than 303
	errs       []error         // requests that got no answer
}

// streamReplies starts posters that reply to the demo article on base, each from an
// address of its own; every text starts with marker and is unique.
func streamReplies(base, marker string, posters int) *replyStream {
	ctx, cancel := context.WithCancel(context.Background())
	rs := &replyStream{cancel: cancel, acked: map[string]bool{}, attempted: map[string]bool{}, unanswered: map[string]bool{},
		statuses: map[int]int{}}
	for p := range posters {
		rs.wg.Add(1)
		go func() {
			defer rs.wg.Done()
			client := newPoster()
			defer client.CloseIdleConnections()
			for n := 0; ctx.Err() == nil; n++ {
				r := reply{
					Comment:      fmt.Sprintf("%s poster %d reply %d: my calves twitch after long runs, and less coffee helped.", marker, p, n),
					Author:       fmt.Sprintf("Poster %d", p),
					Email:        fmt.Sprintf("poster%d@faults.example.org", p),
					ForwardedFor: fmt.Sprintf("10.66.%d.%d", p/250, 1+p%250),
				}
				rs.mu.Lock()
				rs.attempted[r.Comment] = true
				rs.mu.Unlock()
				// An answer under way is awaited even after stop: a reply the
				// server saved must have its 303 counted.
				a, err := post(context.WithoutCancel(ctx), client, base, r)
				rs.mu.Lock()
				switch {
				case err != nil:
					rs.errs = append(rs.errs, fmt.Errorf("poster %d: %w", p, err))
					rs.unanswered[r.Comment] = true
				case a.Status == http.StatusSeeOther:
					rs.acked[r.Comment] = true
					rs.acks.Add(1)
				default:
					rs.unexpected = append(rs.unexpected, fmt.Sprintf("%d %.200q", a.Status, gist(a.Body)))
				}
				if err == nil {
					rs.statuses[a.Status]++
				}
				rs.mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	return rs
}

// waitAcks waits until n replies have been acknowledged, failing the test after d.
func (rs *replyStream) waitAcks(t *testing.T, n int64, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for rs.acks.Load() < n {
		if time.Now().After(deadline) {
			rs.stop()
			t.Fatalf("only %d of %d replies acknowledged within %s; statuses %v, errors %v, other answers %q",
				rs.acks.Load(), n, d, rs.statuses, firstErrors(rs.errs, 3), first(rs.unexpected, 3))
		}
		time.Sleep(time.Millisecond)
	}
}

// stop ends the stream and waits for the answers under way.
func (rs *replyStream) stop() {
	rs.cancel()
	rs.wg.Wait()
}

// snapshot returns a copy of the texts acknowledged so far.
func (rs *replyStream) snapshot() map[string]bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	m := make(map[string]bool, len(rs.acked))
	for k := range rs.acked {
		m[k] = true
	}
	return m
}

// gist is the text of the part of an HTML page that says what happened, for
// messages: the reply form's message, an error page's heading and text, or else the
// page's main content.
func gist(page string) string {
	for _, start := range []string{`id="form-errors"`, `class="error-page"`, "<main"} {
		if i := strings.Index(page, start); i >= 0 {
			page = page[i:]
			break
		}
	}
	return strings.Join(strings.Fields(tags.ReplaceAllString(page, " ")), " ")
}

var tags = regexp.MustCompile(`<[^>]*>|^[^<>]*>`)

func first(list []string, n int) []string {
	return list[:min(n, len(list))]
}

func firstErrors(list []error, n int) []error {
	return list[:min(n, len(list))]
}

// openDB opens the database at path as it is: unlike the server's settings, these
// leave a backup's journal mode alone.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// checkIntegrity fails the test unless SQLite's integrity_check finds the database
// at path sound.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("integrity_check of %s: %v", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		problems = append(problems, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("integrity_check of %s: %v", path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		t.Errorf("integrity_check of %s: %q", path, first(problems, 10))
	}
}

// storedReplies returns the texts of the replies in the database at path that start
// with marker.
func storedReplies(t *testing.T, path, marker string) map[string]bool {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT body FROM comments WHERE substr(body, 1, ?) = ?`, len(marker), marker)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		if got[body] {
			t.Errorf("the reply %q is stored twice", body)
		}
		got[body] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// missing returns the keys of want that are not in got, at most n of them, and how
// many there are.
func missing(want, got map[string]bool, n int) ([]string, int) {
	var list []string
	count := 0
	for k := range want {
		if !got[k] {
			count++
			if len(list) < n {
				list = append(list, k)
			}
		}
	}
	return list, count
}

// get fetches base+path and returns the status and body.
func get(ctx context.Context, client *http.Client, rawURL string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// mustGet fails the test unless rawURL answers 200 with a body containing want.
func mustGet(t *testing.T, rawURL, want string) {
	t.Helper()
	status, body, err := get(context.Background(), &http.Client{Timeout: 10 * time.Second}, rawURL)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	if status != http.StatusOK || !bytes.Contains(body, []byte(want)) {
		t.Fatalf("GET %s: %d, want 200 with %q; page: %.300q", rawURL, status, want, gist(string(body)))
	}
}

// notYetHandled reports whether err is what a client sees when the server is no
// longer listening, or closed a kept-alive connection just as the client sent a new
// request on it: either way the server never started on that request.
func notYetHandled(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "server closed idle connection")
}
