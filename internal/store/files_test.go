package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(path), got, want)
	}
}

// Ensure a new database, its write-ahead log and shared-memory files, and a backup are
// readable by their owner only, whatever the umask lets through.
func TestOpen_NewFilesOwnerOnly(t *testing.T) {
	storetest.SQLiteOnly(t, "its database files")
	t.Parallel()
	path := storetest.Path(t)
	st := openStore(t, path)
	if err := st.SetMeta(context.Background(), "a-write", "so that there is a log"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, p, store.FileMode)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	wantMode(t, backup, store.FileMode)
	if _, err := os.Stat(backup + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the partial backup is still there: %v", err)
	}
}

// Ensure a database whose files an earlier version left readable by everyone is
// narrowed to its owner at the next start, write-ahead log and shared memory included.
func TestOpen_NarrowsExistingFiles(t *testing.T) {
	storetest.SQLiteOnly(t, "its database files")
	t.Parallel()
	path := storetest.Path(t)
	openStore(t, path).Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		// Closing the database removed the log and shared memory; empty ones are
		// what SQLite finds after a crash, and reads as such.
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openStore(t, path)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, p, store.FileMode)
	}
}
