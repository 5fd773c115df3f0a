package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
)

// KeyFile returns where the email key is kept when FASCICLE_SECRET_KEY is not set:
// --key-file, or beside a SQLite database as FILE.key. Back it up with the database:
// without it the commenters' emails cannot be read.
func KeyFile(cfg config.Config) string {
	if cfg.KeyFile != "" {
		return cfg.KeyFile
	}
	return cfg.DBPath + ".key"
}

// loadKeys finds the email encryption key and checks it against the database. A new
// database gets a new key file (mode 0600). It refuses to go on, with a message that
// says what to do, when the key is wrong or missing: showing garbage or making a new
// key would lose every email.
func loadKeys(ctx context.Context, cfg config.Config, st *store.Store) (*secret.Keys, error) {
	if cfg.SecretKey != "" {
		keys, err := keysFromText(cfg.SecretKey)
		if err != nil {
			return nil, fmt.Errorf("FASCICLE_SECRET_KEY: %w", err)
		}
		if err := st.UseKeys(ctx, keys); err != nil {
			if errors.Is(err, store.ErrWrongKey) {
				if cfg.Postgres() && cfg.KeyFile == "" {
					return nil, errors.New("FASCICLE_SECRET_KEY is not the key this database was encrypted with; set the right key")
				}
				return nil, fmt.Errorf("FASCICLE_SECRET_KEY is not the key this database was encrypted with; set the right key (or unset it to use %s)", KeyFile(cfg))
			}
			return nil, err
		}
		return keys, nil
	}
	path := KeyFile(cfg)
	text, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		recorded, err := st.KeyRecorded(ctx)
		if err != nil {
			return nil, err
		}
		if recorded {
			return nil, fmt.Errorf("the commenters' emails in %s are encrypted, but the key file %s is missing: restore it from your backup, or set FASCICLE_SECRET_KEY", store.RedactURL(cfg.DBPath), path)
		}
		keys, err := secret.New(secret.Generate())
		if err != nil {
			return nil, err
		}
		if err := writeKeyFile(path, keys); err != nil {
			return nil, err
		}
		return keys, st.UseKeys(ctx, keys)
	case err != nil:
		return nil, fmt.Errorf("read the key file: %w", err)
	}
	keys, err := keysFromText(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := st.UseKeys(ctx, keys); errors.Is(err, store.ErrWrongKey) {
		// A rotation that stopped after the database changed but before the new key
		// file took the old one's place leaves the right key in FILE.key.new.
		if next, nerr := readKeyFile(path + ".new"); nerr == nil {
			if ok, _ := st.KeyMatches(ctx, next); ok {
				if err := os.Rename(path+".new", path); err != nil {
					return nil, err
				}
				return next, st.UseKeys(ctx, next)
			}
		}
		return nil, fmt.Errorf("the key file %s does not match the key this database's emails were encrypted with; restore the key file that belongs to this database", path)
	} else if err != nil {
		return nil, err
	}
	return keys, nil
}

func keysFromText(text string) (*secret.Keys, error) {
	master, err := secret.Decode(text)
	if err != nil {
		return nil, err
	}
	return secret.New(master)
}

func readKeyFile(path string) (*secret.Keys, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return keysFromText(string(text))
}

// encodeKey returns keys as a key file holds them.
func encodeKey(keys *secret.Keys) string {
	return secret.Encode(keys.Master())
}

// writeKeyFile writes a key readable by its owner only, refusing to replace a file.
func writeKeyFile(path string, keys *secret.Keys) error {
	return writeKeyText(path, encodeKey(keys))
}

// writeKeyText writes an encoded key readable by its owner only, refusing to replace
// a file (an error matching os.ErrExist).
func writeKeyText(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create the key file: %w", err)
	}
	if _, err := io.WriteString(f, text+"\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// RotateKey is the "fascicle rotate-key" command: it re-encrypts every email under a
// new key, and seals the key of client-address hashes under it too, keeping that key
// itself (see store.ClientKey): hashes of addresses cannot be made again, and bans by
// address must keep working. Stop the server first. With a key file, the new key
// replaces it (the old database and key stay consistent if it stops half-way); with
// FASCICLE_SECRET_KEY, the new key is printed and must replace the variable's value.
func RotateKey(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	if _, err := os.Stat(cfg.DBPath); err != nil && !cfg.Postgres() {
		return fmt.Errorf("no database: %w", err)
	}
	st, err := openWithKeys(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	next, err := secret.New(secret.Generate())
	if err != nil {
		return err
	}
	path := KeyFile(cfg)
	if cfg.SecretKey == "" {
		os.Remove(path + ".new")
		if err := writeKeyFile(path+".new", next); err != nil {
			return err
		}
	}
	n, err := st.RotateKeys(ctx, next)
	if err != nil {
		os.Remove(path + ".new")
		return fmt.Errorf("nothing changed: %w", err)
	}
	if cfg.SecretKey != "" {
		fmt.Fprintf(stdout, "re-encrypted %d emails. Set FASCICLE_SECRET_KEY to the new key before starting fascicle:\n%s\n",
			n, secret.Encode(next.Master()))
		return nil
	}
	if err := os.Rename(path+".new", path); err != nil {
		return fmt.Errorf("the database uses the key in %s.new; rename it to %s: %w", path, path, err)
	}
	fmt.Fprintf(stdout, "re-encrypted %d emails; the new key is in %s (back it up with the database)\n", n, path)
	return nil
}

// openWithKeys opens the database of cfg for a command, migrated, with its email key
// loaded; the caller closes it.
func openWithKeys(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if _, err := loadKeys(ctx, cfg, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
