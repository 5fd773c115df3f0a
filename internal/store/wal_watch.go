//go:build unix

package store

import (
	"os"
	"runtime/debug"
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
//
// The file stays open as long as the mapping: closing a file releases every POSIX lock
// the process holds on it, SQLite's included (SQLite keeps its own descriptors open
// for that reason). A watch that closed its descriptor at once left the server
// without its lock on the index, so that the next process to open the database took
// itself for the first, truncated the index and crashed the server with SIGBUS.
type walWatch struct {
	file *os.File
	mem  []byte
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
	mem, err := syscall.Mmap(int(f.Fd()), 0, os.Getpagesize(), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		f.Close() // nothing of SQLite's uses this database yet here: see walWatch
		return nil
	}
	return &walWatch{file: f, mem: mem}
}

// close unmaps and closes the file, once the store's connections are closed (see
// walWatch); the watch must not be used after it.
func (w *walWatch) close() {
	syscall.Munmap(w.mem)
	w.file.Close()
}

// stamp reads the header's fields atomically, as SQLite's writers change them under
// the readers' feet: a torn read differs from the last stamp and costs one more read
// of the version, never a stale one.
func (w *walWatch) stamp() (s walStamp) {
	// A request still running when the store closes may read a watch being unmapped:
	// the fault becomes a zero stamp (then a read of the version, which fails with the
	// closed database) instead of a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			s = walStamp{}
		}
	}()
	at := func(offset int) uint32 {
		return atomic.LoadUint32((*uint32)(unsafe.Add(unsafe.Pointer(&w.mem[0]), offset)))
	}
	return walStamp{version: at(0), change: at(8), maxFrame: at(16), salt1: at(32), salt2: at(36)}
}
