package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// SiteKey returns the secret key with the given name, creating a random one of size
// bytes the first time. Every process that shares the database gets the same key.
func (s *Store) SiteKey(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	rand.Read(fresh)
	db := s.db.WithContext(ctx)
	if err := db.Exec(`INSERT INTO site_keys (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, fresh, time.Now().UTC()).Error; err != nil {
		return nil, translate(err)
	}
	var key []byte
	if err := db.Raw(`SELECT value FROM site_keys WHERE name = ?`, name).Row().Scan(&key); err != nil {
		return nil, translate(err)
	}
	if len(key) < size {
		return nil, fmt.Errorf("site key %q is %d bytes, want %d", name, len(key), size)
	}
	return key, nil
}

// Meta returns a fact about the installation, or model.ErrNotFound.
func (s *Store) Meta(ctx context.Context, name string) (string, error) {
	var values []string
	if err := s.db.WithContext(ctx).Raw(`SELECT value FROM site_meta WHERE name = ?`, name).Scan(&values).Error; err != nil {
		return "", translate(err)
	}
	if len(values) == 0 {
		return "", model.ErrNotFound
	}
	return values[0], nil
}

// SetMeta records a fact about the installation.
func (s *Store) SetMeta(ctx context.Context, name, value string) error {
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO site_meta (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value).Error)
}

// Backup writes a consistent copy of the live database to path, which must not exist,
// readable by its owner only (FileMode). The copy is written beside path and renamed
// into place once it is safely on disk, so a crash never leaves a half-written backup
// under the requested name.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.engine == Postgres {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tmp := path + ".partial"
	os.Remove(tmp)
	// The copy holds the same personal data as the database: it is made in an empty
	// file that only its owner can read (VACUUM INTO accepts an empty file), so that it
	// is never readable by others, not even while it is being written.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Chmod(tmp, FileMode); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
