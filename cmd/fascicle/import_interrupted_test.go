package main_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ensure an import stopped half-way, with Ctrl-C or by a crash, leaves the database as
// it was, and that running it again brings everything in once: the import is one
// transaction, so starting over is picking up where it stopped.
func TestImportWordPress_InterruptedThenRunAgain(t *testing.T) {
	t.Parallel()
	bin := plainFascicleBinary(t)
	dir := t.TempDir()
	export := filepath.Join(dir, "export.xml")
	f, err := os.Create(export)
	if err != nil {
		t.Fatal(err)
	}
	g, err := writeLargeExport(f, 800, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "site.db")
	count := func(table string) int {
		t.Helper()
		conn := openDB(t, db)
		defer conn.Close()
		var n int
		if err := conn.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	importing := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, "import", "wordpress", "--keep-published", "--db", db, export)
		cmd.Env = childEnv()
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	// stopMidway sends sig once the import has written a few megabytes of its
	// transaction (the migrations write far less), and waits for the process.
	stopMidway := func(sig os.Signal) (string, error) {
		t.Helper()
		cmd, out := importing()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
			select {
			case err := <-done:
				t.Fatalf("the import ended (%v) before it could be stopped half-way: make the export larger\n%s", err, out)
			default:
			}
			if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 4<<20 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the import wrote nothing in a minute\n%s", out)
			}
		}
		cmd.Process.Signal(sig)
		err := <-done
		return out.String(), err
	}

	out, err := stopMidway(os.Interrupt)
	if err == nil || !strings.Contains(out, "the import was stopped before the end: nothing was imported (run it again to start over)") {
		t.Errorf("after Ctrl-C: %v\n%s", err, out)
	}
	if n := count("articles"); n != 0 {
		t.Errorf("%d articles after the import was stopped, want 0", n)
	}
	if out, _ := stopMidway(syscall.SIGKILL); count("articles") != 0 || count("comments") != 0 {
		t.Errorf("a killed import left %d articles and %d replies\n%s", count("articles"), count("comments"), out)
	}

	cmd, outBuf := importing()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the import run again: %v\n%s", err, outBuf)
	}
	want := fmt.Sprintf("articles %d, pages %d, new author accounts %d, new tags %d", g.posts, g.pages, g.authors, g.tags)
	if got := importedLine.FindString(outBuf.String()); got != want {
		t.Errorf("the import run again says %q, want %q", got, want)
	}
	if n := count("articles"); n != g.posts+g.pages {
		t.Errorf("%d articles, want %d", n, g.posts+g.pages)
	}
	if n, want := count("comments"), g.approved+g.pending+g.spam+g.trash; n != want {
		t.Errorf("%d replies, want %d", n, want)
	}
}
