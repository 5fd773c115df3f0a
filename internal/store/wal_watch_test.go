//go:build linux

package store_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/fascicle/fascicle/internal/store/storetest"
)

// shmDeadManSwitch is the byte of the -shm file on which every process using a SQLite
// database in WAL mode holds a read lock; a process that can lock it for writing takes
// itself for the only one and clears the index (SQLite's os_unix.c, UNIX_SHM_DMS).
const shmDeadManSwitch = 128

// Ensure that watching the write-ahead log's index leaves SQLite's own lock on it in
// place: another process must still see this one using the database, or it would clear
// the index under it (which crashed the server with SIGBUS during a backup).
func TestContentVersion_WatchKeepsSQLiteLocks(t *testing.T) {
	if path := os.Getenv("FASCICLE_TEST_SHM_LOCK_OF"); path != "" {
		reportShmLock(t, path) // the other process
		return
	}
	t.Parallel()
	if storetest.OnPostgres() {
		return // no -shm file: nothing is watched
	}
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	for range 3 { // the first reads open the watch
		if _, err := st.ContentVersion(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestContentVersion_WatchKeepsSQLiteLocks$", "-test.v")
	cmd.Env = append(os.Environ(), "FASCICLE_TEST_SHM_LOCK_OF="+path+"-shm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the other process: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "shm lock: held") {
		t.Errorf("another process finds no lock on the -shm file while this one has the database open: it would clear the index under it\n%s", out)
	}
}

// reportShmLock prints whether another process holds a lock on the -shm file's
// dead-man switch.
func reportShmLock(t *testing.T, shm string) {
	f, err := os.OpenFile(shm, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lock := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: shmDeadManSwitch, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lock); err != nil {
		t.Fatal(err)
	}
	if lock.Type == syscall.F_UNLCK {
		t.Log("shm lock: free")
	} else {
		t.Logf("shm lock: held by process %d", lock.Pid)
	}
}
