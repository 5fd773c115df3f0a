package main_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Ensure 64 readers and 16 posters at once on one SQLite file get no 5xx and no
// "database is locked", and that exactly the replies answered 303 are stored.
//
// Not parallel: the load keeps every CPU busy on purpose, and the other fault tests,
// which run together once it is done, time how fast the server reacts.
func TestServe_ConcurrentReadersAndPosters(t *testing.T) {
	duration := pick(longRun(t), 2*time.Second, 10*time.Second)
	const readers, posters = 64, 16
	db := filepath.Join(t.TempDir(), "site.db")
	prepareDB(t, db)
	s := startServer(t, db)

	paths := []string{articlePath, "/", articlePath + "/comments.xml", "/feed.xml", "/search?q=twitch", "/sitemap.xml", "/privacy", "/healthz"}
	type readTally struct {
		reads    int
		statuses map[int]int
		problems []string
	}
	tallies := make([]readTally, readers)
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	transport := &http.Transport{MaxIdleConnsPerHost: readers, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	stream := streamReplies(s.base, "concurrency", posters)
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tally := &tallies[i]
			tally.statuses = map[int]int{}
			for n := i; ctx.Err() == nil; n++ {
				path := paths[n%len(paths)]
				// A request under way is finished even when the time is up.
				status, body, err := get(context.WithoutCancel(ctx), client, s.base+path)
				if err != nil {
					tally.problems = append(tally.problems, fmt.Sprintf("GET %s: %v", path, err))
					continue
				}
				tally.reads++
				tally.statuses[status]++
				if status != http.StatusOK || bytes.Contains(body, []byte("database is locked")) {
					tally.problems = append(tally.problems, fmt.Sprintf("GET %s: %d %.200q", path, status, gist(string(body))))
				}
			}
		}()
	}
	wg.Wait()
	stream.stop()

	reads, statuses := 0, map[int]int{}
	var problems []string
	for _, tally := range tallies {
		reads += tally.reads
		for k, v := range tally.statuses {
			statuses[k] += v
		}
		problems = append(problems, tally.problems...)
	}
	t.Logf("%d readers: %d pages in %s (%.0f/s), statuses %v; %d posters: %d replies acknowledged (%.0f/s), statuses %v",
		readers, reads, duration, float64(reads)/duration.Seconds(), statuses,
		posters, len(stream.acked), float64(len(stream.acked))/duration.Seconds(), stream.statuses)
	if len(problems) > 0 {
		t.Errorf("%d reads failed, for example %q", len(problems), first(problems, 5))
	}
	if len(stream.unexpected) > 0 || len(stream.errs) > 0 {
		t.Errorf("%d replies answered other than 303, for example %q; %d got no answer, for example %v",
			len(stream.unexpected), first(stream.unexpected, 5), len(stream.errs), firstErrors(stream.errs, 5))
	}
	if reads == 0 || len(stream.acked) == 0 {
		t.Fatalf("the load did not run: %d pages read, %d replies acknowledged", reads, len(stream.acked))
	}

	s.stopCleanly(t)
	if n := strings.Count(s.logText(), "status=5"); n > 0 {
		t.Errorf("the server logged %d answers with a 5xx status:\n%s", n, linesWith(s.logText(), "status=5", 10))
	}
	stored := storedReplies(t, db, "concurrency")
	if lost, n := missing(stream.acked, stored, 5); n > 0 {
		t.Errorf("%d replies answered 303 are not in the database, for example %q", n, lost)
	}
	if extra, n := missing(stored, stream.acked, 5); n > 0 {
		t.Errorf("%d replies are in the database without a 303, for example %q", n, extra)
	}
	if len(stored) != len(stream.acked) {
		t.Errorf("%d replies stored, %d answered 303", len(stored), len(stream.acked))
	}
	checkIntegrity(t, db)
}

// Ensure a server killed with SIGKILL in the middle of a stream of replies comes
// back with every reply it had answered 303, a sound database, and takes replies
// again.
func TestServe_KilledMidStreamKeepsAcknowledgedReplies(t *testing.T) {
	t.Parallel()
	kills := pick(longRun(t), 1, 5)
	db := filepath.Join(t.TempDir(), "site.db")
	prepareDB(t, db)
	acked, attempted := map[string]bool{}, map[string]bool{}
	for round := range kills {
		s := startServer(t, db)
		stream := streamReplies(s.base, fmt.Sprintf("crash round %d", round), 8)
		// Different depths into the stream, so the kill lands at different points.
		stream.waitAcks(t, int64(20+15*round), 30*time.Second)
		s.kill()
		stream.stop()
		if len(stream.unexpected) > 0 {
			t.Errorf("round %d: replies answered other than 303 before the kill: %q", round, first(stream.unexpected, 5))
		}
		for k := range stream.acked {
			acked[k] = true
		}
		for k := range stream.attempted {
			attempted[k] = true
		}
		t.Logf("round %d: killed after %d replies acknowledged; %d requests cut off", round, len(stream.acked), len(stream.errs))
	}

	s := startServer(t, db)
	mustGet(t, s.base+articlePath, "Understanding Involuntary Muscle Twitches")
	after := reply{Comment: "crash after: the server takes replies again.", Author: "Ada After", Email: "ada.after@faults.example.org", ForwardedFor: "10.66.9.9"}
	if a, err := post(context.Background(), newPoster(), s.base, after); err != nil || a.Status != http.StatusSeeOther {
		t.Fatalf("reply after the restart: %v, %d %.300q", err, a.Status, gist(a.Body))
	}
	s.stopCleanly(t)

	checkIntegrity(t, db)
	stored := storedReplies(t, db, "crash ")
	if lost, n := missing(acked, stored, 5); n > 0 {
		t.Errorf("%d of %d replies answered 303 were lost in the crash, for example %q", n, len(acked), lost)
	}
	delete(stored, after.Comment)
	if extra, n := missing(stored, attempted, 5); n > 0 {
		t.Errorf("%d stored replies were never sent, for example %q", n, extra)
	}
	if len(stored) < len(acked) {
		t.Errorf("%d replies stored, %d answered 303", len(stored), len(acked))
	}
}

// Ensure "fascicle backup FILE", run while replies are being posted, writes a sound
// copy with its key beside it, holding every reply acknowledged before it began,
// and that "fascicle serve" serves the copy.
func TestBackup_UnderLoadIsServable(t *testing.T) {
	t.Parallel()
	backups := pick(longRun(t), 1, 3)
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	prepareDB(t, db)
	s := startServer(t, db)
	stream := streamReplies(s.base, "backup", 8)
	defer stream.stop()

	type taken struct {
		file   string
		before map[string]bool // acknowledged before the backup started
	}
	var copies []taken
	for i := range backups {
		stream.waitAcks(t, stream.acks.Load()+30, 30*time.Second) // each backup a little further into the stream
		file := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		before := stream.snapshot()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, fascicleBinary(t), "backup", "--db", db, file)
		cmd.Env = childEnv()
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil || !strings.Contains(string(out), "backed up") {
			t.Fatalf("fascicle backup: %v\n%s", err, out)
		}
		t.Logf("backup %d taken with %d replies acknowledged before it and %d by its end", i, len(before), stream.acks.Load())
		copies = append(copies, taken{file: file, before: before})
	}
	stream.waitAcks(t, stream.acks.Load()+10, 30*time.Second) // the site went on taking replies
	stream.stop()
	if len(stream.unexpected) > 0 || len(stream.errs) > 0 {
		t.Errorf("while backing up, replies answered other than 303: %q; with no answer: %v",
			first(stream.unexpected, 5), firstErrors(stream.errs, 5))
	}
	s.stopCleanly(t)

	for _, c := range copies {
		checkIntegrity(t, c.file)
		if fi, err := os.Stat(c.file + ".key"); err != nil {
			t.Errorf("no key beside the backup: %v", err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("the backup's key file has mode %v, want 0600", fi.Mode().Perm())
		}
		inCopy := storedReplies(t, c.file, "backup")
		if lost, n := missing(c.before, inCopy, 5); n > 0 {
			t.Errorf("%s lacks %d replies acknowledged before it began, for example %q", filepath.Base(c.file), n, lost)
		}
		if extra, n := missing(inCopy, stream.acked, 5); n > 0 {
			t.Errorf("%s holds %d replies never acknowledged, for example %q", filepath.Base(c.file), n, extra)
		}
		restored := startServer(t, c.file)
		mustGet(t, restored.base+"/healthz", "ok")
		mustGet(t, restored.base+articlePath, "Understanding Involuntary Muscle Twitches")
		restored.stopCleanly(t)
	}
}

// slowUpload is a reply sent over a connection of its own, its body a little at a
// time, so that it is still arriving when the server is told to stop.
type slowUpload struct {
	name string
	conn net.Conn
	br   *bufio.Reader
	text string
	body []byte // what is left to send
}

// beginSlowUpload sends the headers of a reply with "Expect: 100-continue" and
// returns once the server answers "100 Continue", which Go's server does when the
// handler starts reading the body: the request is then being handled.
func beginSlowUpload(t *testing.T, addr, name string, r reply) *slowUpload {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	body := []byte(r.form().Encode())
	fmt.Fprintf(conn, "POST %s/comments HTTP/1.1\r\nHost: %s\r\nUser-Agent: fascicle-faults-test\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nExpect: 100-continue\r\n"+
		"X-Forwarded-For: %s\r\n\r\n", articlePath, addr, len(body), r.ForwardedFor)
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("%s: want 100 Continue, got %q, %v", name, line, err)
	}
	if blank, err := br.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("%s: after 100 Continue got %q, %v", name, blank, err)
	}
	return &slowUpload{name: name, conn: conn, br: br, text: r.Comment, body: body}
}

// send writes the next n bytes of the body.
func (u *slowUpload) send(n int) error {
	n = min(n, len(u.body))
	_, err := u.conn.Write(u.body[:n])
	u.body = u.body[n:]
	return err
}

// Ensure SIGTERM lets the requests in flight finish: slow uploads already being read
// and concurrent posts get their answers, no connection is dropped, new connections
// are refused, the process exits 0 within 10 s, and nothing acknowledged is lost.
func TestServe_SIGTERMFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	long := longRun(t)
	uploads := pick(long, 4, 16)
	trickle := pick(long, time.Second, 3*time.Second)
	db := filepath.Join(t.TempDir(), "site.db")
	prepareDB(t, db)
	s := startServer(t, db)
	stream := streamReplies(s.base, "sigterm post", 8)
	defer stream.stop()
	stream.waitAcks(t, 20, 30*time.Second)

	var slow []*slowUpload
	for i := range uploads {
		text := fmt.Sprintf("sigterm upload %d: %s", i, strings.Repeat("Magnesium at night stopped my calf twitches. ", 400))
		slow = append(slow, beginSlowUpload(t, s.addr, fmt.Sprintf("slow upload %d", i), reply{
			Comment: text, Author: fmt.Sprintf("Uploader %d", i), Email: fmt.Sprintf("uploader%d@faults.example.org", i),
			ForwardedFor: fmt.Sprintf("10.68.0.%d", i+1),
		}))
	}
	for _, u := range slow {
		if err := u.send(len(u.body) / 10); err != nil {
			t.Fatal(err)
		}
	}

	s.terminate()
	stopped := time.Now()
	// The listener closes at once; the uploads are still arriving.
	for {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err != nil {
			// Reset: the connection was still being set up when the listener closed.
			if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("after SIGTERM a new connection failed with %v, want connection refused", err)
			}
			break
		}
		c.Close()
		if time.Since(stopped) > 5*time.Second {
			t.Fatal("the server still accepts connections 5 s after SIGTERM")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The rest of each body comes at a client's pace, not a test's: the wait is what
	// is being tested.
	const steps = 20
	for step := range steps {
		for _, u := range slow {
			n := len(u.body) / (steps - step)
			if err := u.send(n); err != nil {
				t.Fatalf("%s: the server dropped the connection while the body was arriving: %v", u.name, err)
			}
		}
		time.Sleep(trickle / steps)
	}
	for _, u := range slow {
		res, err := http.ReadResponse(u.br, nil)
		if err != nil {
			t.Errorf("%s: no answer after SIGTERM: %v", u.name, err)
			continue
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "#comment-") {
			t.Errorf("%s: %d Location %q, want 303 to the reply", u.name, res.StatusCode, res.Header.Get("Location"))
		}
	}
	code := s.waitExit(10*time.Second - time.Since(stopped))
	if code != 0 {
		t.Errorf("the server exited with %d after SIGTERM (-1: still running 10 s after it):\n%s", code, s.logTail(20))
	}
	t.Logf("exited %s after SIGTERM", time.Since(stopped).Round(time.Millisecond))
	stream.stop()
	if !strings.Contains(s.logText(), "stopping: finishing requests in flight") {
		t.Errorf("the server did not log that it was stopping:\n%s", s.logTail(10))
	}
	if len(stream.unexpected) > 0 {
		t.Errorf("posts answered other than 303: %q", first(stream.unexpected, 5))
	}
	for _, err := range stream.errs {
		// Posts sent after the listener closed are refused; none may be cut off.
		if !notYetHandled(err) {
			t.Errorf("a post failed in an unexpected way: %v", err)
		}
	}

	checkIntegrity(t, db)
	stored := storedReplies(t, db, "sigterm ")
	for _, u := range slow {
		if !stored[u.text] {
			t.Errorf("%s, answered during the stop, is not stored", u.name)
		}
	}
	if lost, n := missing(stream.acked, stored, 5); n > 0 {
		t.Errorf("%d posts answered 303 are not stored, for example %q", n, lost)
	}
	for text := range stream.unanswered {
		if stored[text] {
			t.Errorf("the post %q got no answer, yet it is stored: the server cut off a request it had handled", text)
		}
	}
}

// mountTinyDisk mounts a 4 MB tmpfs in a temporary folder, unmounted when the test
// ends, after the servers the test starts have stopped.
func mountTinyDisk(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the disk-full test mounts a 4 MB tmpfs, which needs root (as in CI): run the tests as root, e.g. sudo -E go test ./cmd/fascicle")
	}
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m")
	if errors.Is(err, syscall.EPERM) && os.Getenv("FASCICLE_REQUIRE_MOUNT") != "1" {
		t.Skipf("mount -t tmpfs: %v: root, but not allowed to mount (a container without CAP_SYS_ADMIN); set FASCICLE_REQUIRE_MOUNT=1 to make this a failure", err)
	}
	if err != nil {
		t.Fatalf("mount -t tmpfs -o size=4m tmpfs %s: %v (running as root, but not allowed to mount: a container without CAP_SYS_ADMIN?)", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("umount %s: %v", dir, err)
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// fillDisk writes path until the disk is full, then gives back headroom bytes.
func fillDisk(t *testing.T, path string, headroom int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var size int64
	for {
		n, err := f.Write(chunk)
		size += int64(n)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(max(size-headroom, 0)); err != nil {
		t.Fatal(err)
	}
}

// replyFormValues reads what the reply form in page holds: the text of its comment
// box, and the values of its name, email and website fields.
func replyFormValues(page string) reply {
	var r reply
	// A browser drops one newline right after <textarea>.
	if m := regexp.MustCompile(`(?s)<textarea id="comment"[^>]*>\n?(.*?)</textarea>`).FindStringSubmatch(page); m != nil {
		r.Comment = html.UnescapeString(m[1])
	}
	for _, f := range []struct {
		id    string
		value *string
	}{{"author", &r.Author}, {"email", &r.Email}, {"url", &r.URL}} {
		if m := regexp.MustCompile(`<input id="` + f.id + `"[^>]* value="([^"]*)"`).FindStringSubmatch(page); m != nil {
			*f.value = html.UnescapeString(m[1])
		}
	}
	return r
}

// tryAgainProblems lists what is wrong with a, which should be the article page
// re-shown with 503, "could not be saved, try again" and everything r held.
func tryAgainProblems(r reply, a answer) []string {
	if a.Status != http.StatusServiceUnavailable {
		return []string{fmt.Sprintf("%d %.300q, want 303 or 503", a.Status, gist(a.Body))}
	}
	var problems []string
	if !strings.Contains(a.Body, "Your comment could not be saved just now. Please try again in a moment.") {
		problems = append(problems, fmt.Sprintf("the 503 page does not say it could not be saved: %.300q", gist(a.Body)))
	}
	typed := r
	typed.ForwardedFor = ""
	if shown := replyFormValues(a.Body); shown != typed {
		problems = append(problems, fmt.Sprintf("the 503 page's form holds %+v, want what was typed, %+v", shown, typed))
	}
	if strings.Contains(a.Body, "Internal error") {
		problems = append(problems, "the 503 page says Internal error")
	}
	if a.Header.Get("Retry-After") == "" {
		problems = append(problems, "the 503 answer has no Retry-After")
	}
	return problems
}

// Ensure that when the disk is full, replies sent at once each get either 303 or
// 503 with "could not be saved, try again" and everything typed still in the form,
// never an internal error; that nothing answered 503 is stored, nothing answered
// 303 is lost and the database stays sound; and that replies are taken again once
// there is space.
func TestServe_DiskFullAsksToTryAgain(t *testing.T) {
	t.Parallel()
	const posters, refusalsEach = 4, 3
	dir := mountTinyDisk(t)
	db := filepath.Join(dir, "site.db")
	prepareDB(t, db)
	s := startServer(t, db)
	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler, 256<<10)

	var mu sync.Mutex
	acked, refused := map[string]bool{}, map[string]bool{}
	var problems []string
	// postAll has every poster send replies until done says it has had enough, and
	// records each answer.
	postAll := func(phase string, done func(sent, refusals int) bool) {
		var wg sync.WaitGroup
		for p := range posters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := newPoster()
				defer client.CloseIdleConnections()
				deadline := time.Now().Add(time.Minute)
				for sent, refusals := 0, 0; !done(sent, refusals); sent++ {
					if time.Now().After(deadline) {
						mu.Lock()
						problems = append(problems, fmt.Sprintf("%s: poster %d: not done after a minute (%d sent, %d refused)", phase, p, sent, refusals))
						mu.Unlock()
						return
					}
					r := reply{
						Comment:      fmt.Sprintf("disk full %s poster %d reply %d: <b>magnesium</b> & less coffee\nhelped my eyelid twitch.", phase, p, sent),
						Author:       fmt.Sprintf("Dana O'Disk %d", p),
						Email:        fmt.Sprintf("dana.disk%d@faults.example.org", p),
						URL:          "https://example.org/dana?x=1&y=2",
						ForwardedFor: fmt.Sprintf("10.69.0.%d", p+1),
					}
					a, err := post(context.Background(), client, s.base, r)
					mu.Lock()
					switch {
					case err != nil:
						problems = append(problems, fmt.Sprintf("%s: %q: %v", phase, r.Comment, err))
					case a.Status == http.StatusSeeOther:
						acked[r.Comment] = true
					default:
						refusals++
						refused[r.Comment] = true
						for _, problem := range tryAgainProblems(r, a) {
							problems = append(problems, fmt.Sprintf("%s: %q: %s", phase, r.Comment, problem))
						}
					}
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
		}
		wg.Wait()
	}

	postAll("filling", func(_, refusals int) bool { return refusals >= refusalsEach })
	t.Logf("with the disk full: %d replies acknowledged, %d asked to try again", len(acked), len(refused))
	mustGet(t, s.base+articlePath, "Understanding Involuntary Muscle Twitches") // readers are still served
	mustGet(t, s.base+"/healthz", "ok")

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	refusedWhileFull := len(refused)
	postAll("freed", func(sent, _ int) bool { return sent >= 2 })
	if n := len(refused) - refusedWhileFull; n > 0 {
		t.Errorf("with space again, %d replies were still refused", n)
	}
	for _, problem := range first(problems, 10) {
		t.Error(problem)
	}
	s.stopCleanly(t)
	if strings.Contains(s.logText(), "status=500") {
		t.Errorf("the server answered 500:\n%s", linesWith(s.logText(), "status=500", 5))
	}

	checkIntegrity(t, db)
	stored := storedReplies(t, db, "disk full ")
	if lost, n := missing(acked, stored, 5); n > 0 {
		t.Errorf("%d replies answered 303 are not stored, for example %q", n, lost)
	}
	for text := range refused {
		if stored[text] {
			t.Errorf("the reply %q was answered \"could not be saved\" but is stored", text)
		}
	}
}
