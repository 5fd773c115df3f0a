package media

import (
	"fmt"
	"os"
	"path/filepath"
)

// ensureFile writes the file of an image already recorded if it has gone missing.
func (s *Service) ensureFile(name string, data []byte) error {
	info, err := os.Stat(filepath.Join(s.dir, name))
	if err == nil && info.Mode().IsRegular() && info.Size() == int64(len(data)) {
		return nil
	}
	return writeFileAtomic(s.dir, name, data)
}

// writeFileAtomic writes data to dir/name so that the file is either absent or whole,
// even after a crash: it writes a temporary file in the same folder, flushes it to
// disk, renames it over name, and flushes the folder. It creates dir if needed.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("media folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("media file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	// Uploaded images are published to every reader, so anyone may read the file
	// (CreateTemp made it 0600); only the database and its backups are owner-only.
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("media file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync media file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close media file: %w", err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("rename media file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; not every filesystem can, so errors are ignored
		d.Close()
	}
	return nil
}
