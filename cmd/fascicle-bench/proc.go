package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a program the benchmark started and must stop.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // why it exited, once done is closed
	log  *os.File
}

// childEnv is the environment of the programs the benchmark starts: its own, without
// Fascicle's settings (the command line and extra decide those), with extra added.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FASCICLE_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// start runs name with args in a process group of its own, so that a Ctrl-C in the
// terminal reaches the benchmark, which stops it cleanly, and not the program itself.
// Its output goes to logPath; stdout, if given, also receives its standard output.
func start(name, logPath string, stdout io.Writer, env []string, program string, args ...string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(program, args...)
	cmd.Env = env
	cmd.Stderr = logFile
	cmd.Stdout = logFile
	if stdout != nil {
		cmd.Stdout = io.MultiWriter(logFile, stdout)
	}
	// Setpgid keeps the terminal's Ctrl-C away from it; Pdeathsig stops it should the
	// benchmark itself be killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), log: logFile}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// pid returns the process's ID.
func (p *process) pid() int {
	return p.cmd.Process.Pid
}

// stop asks the process to finish (SIGTERM), and kills its process group if it has
// not within grace.
func (p *process) stop(grace time.Duration) {
	if p == nil {
		return
	}
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			syscall.Kill(-p.pid(), syscall.SIGKILL)
			<-p.done
		}
	}
	p.log.Close()
}

// server is a running "fascicle serve".
type server struct {
	*process
	addr    string        // host:port it listens on
	started time.Duration // from starting the process to its first 200 on /healthz
}

var servingLine = regexp.MustCompile(`Fascicle is serving http://(\S+)`)

// startServer starts bin serving db on a free loopback port, and returns once
// /healthz answers 200, having measured how long that took.
func startServer(ctx context.Context, name, bin, db, logPath string, env ...string) (*server, error) {
	pr, pw := io.Pipe()
	began := time.Now()
	p, err := start(name, logPath, pw, childEnv(append([]string{"FASCICLE_TRUSTED_PROXIES=127.0.0.1"}, env...)...),
		bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	if err != nil {
		return nil, err
	}
	go func() { // close the pipe when the server exits, so the reader below ends
		<-p.done
		pw.Close()
	}()
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addrc <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	s := &server{process: p}
	fail := func(err error) (*server, error) {
		p.stop(5 * time.Second)
		tail, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%s: %w\n%s", name, err, lastLines(tail, 15))
	}
	select {
	case s.addr = <-addrc:
	case <-p.done:
		return fail(fmt.Errorf("exited at start: %v", p.err))
	case <-time.After(2 * time.Minute):
		return fail(errors.New("did not start listening within 2 minutes"))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := client.Get("http://" + s.addr + "/healthz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.started = time.Since(began)
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			return fail(errors.New("/healthz did not answer 200 within a minute"))
		}
		select {
		case <-p.done:
			return fail(fmt.Errorf("exited: %v", p.err))
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// countInFile counts the lines of path that contain text.
func countInFile(path, text string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(text)) {
			n++
		}
	}
	return n
}

// vmRSS returns the resident memory of a process in KiB, from /proc/PID/status.
func vmRSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// withChildren returns pid and the IDs of its children (nginx's workers).
func withChildren(pid int) []int {
	pids := []int{pid}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) state ppid …"; comm may hold spaces and parentheses.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			pids = append(pids, child)
		}
	}
	return pids
}

// rssSampler records the largest resident memory of some processes while it runs.
type rssSampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  int64
}

// sampleRSS samples the summed resident memory of pids() every 20 ms until stop.
func sampleRSS(pids func() []int) *rssSampler {
	s := &rssSampler{stopc: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			var sum int64
			for _, pid := range pids() {
				sum += vmRSS(pid)
			}
			s.peak = max(s.peak, sum)
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the peak in KiB.
func (s *rssSampler) stop() int64 {
	close(s.stopc)
	s.wg.Wait()
	return s.peak
}
