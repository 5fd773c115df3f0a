package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// FileMode is the mode of the database file, its write-ahead log and shared-memory
// files, and backups: they hold personal data, so only their owner may read them.
const FileMode fs.FileMode = 0o600

// ownerOnly makes sure the database at path is created with FileMode, whatever the
// process's umask: SQLite would create it with 0644 less the umask, and gives the
// -wal and -shm files it makes later the database file's own mode. So the file is
// created here, empty (which SQLite takes for a new database), before SQLite opens
// it. A database, -wal or -shm file that exists already with more open permissions
// (made by an earlier version) is narrowed to FileMode; one owned by another user is
// left as it is.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, FileMode)
	switch {
	case err == nil:
		return f.Close()
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		if !info.Mode().IsRegular() || info.Mode().Perm()&^FileMode == 0 {
			continue
		}
		if err := os.Chmod(name, FileMode); err != nil && !errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("make %s readable by its owner only: %w", name, err)
		}
	}
	return nil
}
