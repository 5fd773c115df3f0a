//go:build unix

package store

import (
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// walWatch maps the start of a SQLite database's -shm file (the index of its
// write-ahead log), read-only, to see whether any process has committed a transaction
// since it last looked. The file's first 48 bytes are the index header that SQLite
// rewrites at every commit (https://www.sqlite.org/walformat.html): among them the
// change counter, the number of the last valid frame and the log's salts, which a
// commit advances and a restart of the log renews.
type walWatch struct {
	mem []byte
}

// walStamp is the part of the index header that a commit changes, and the format
// version, which is 0 until SQLite has written the header.
type walStamp struct {
	version, change, maxFrame, salt1, salt2 uint32
}

func (s walStamp) initialized() bool { return s.version != 0 }

// openWALWatch maps the -shm file at path, or returns nil if it cannot (no such
// file: the database is not in WAL mode), in which case the version is read each time.
func openWALWatch(path string) *walWatch {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	mem, err := syscall.Mmap(int(f.Fd()), 0, os.Getpagesize(), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return &walWatch{mem: mem}
}

// close unmaps the file; the watch must not be used after it.
func (w *walWatch) close() {
	syscall.Munmap(w.mem)
}

// stamp reads the header's fields atomically, as SQLite's writers change them under
// the readers' feet: a torn read differs from the last stamp and costs one more read
// of the version, never a stale one.
func (w *walWatch) stamp() walStamp {
	at := func(offset int) uint32 {
		return atomic.LoadUint32((*uint32)(unsafe.Add(unsafe.Pointer(&w.mem[0]), offset)))
	}
	return walStamp{version: at(0), change: at(8), maxFrame: at(16), salt1: at(32), salt2: at(36)}
}
