//go:build unix

package store

import (
	"os"
	"path/filepath"
	"testing"
)

// Ensure a watch read after it was closed (a request still running while the store
// closes) gives a zero stamp, which sends the caller to the database, instead of
// crashing the program.
func TestWALWatch_ReadAfterCloseIsNoCrash(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "db-shm")
	header := make([]byte, 4096)
	header[0] = 3 // an initialised index's version
	if err := os.WriteFile(path, header, 0o644); err != nil {
		t.Fatal(err)
	}
	w := openWALWatch(path)
	if w == nil {
		t.Fatal("no watch")
	}
	if !w.stamp().initialized() {
		t.Fatal("an open watch reads no version")
	}
	w.close()
	if s := w.stamp(); s.initialized() {
		t.Errorf("a closed watch read %+v", s)
	}
}
