package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

// The key that hashes client addresses, and the one-time re-keying of the hashes made
// before it existed. The rule they keep: a database file or a backup alone reveals no
// address (see moderation.ClientHasher for why the key must not be in the database).

// clientKeyName is the site_keys row holding the client-address key sealed with the
// database's secret key (AES-GCM, as emails are): useless without that key.
const clientKeyName = "client-address-sealed"

// clientHashesMeta records when the client hashes of earlier versions were re-keyed.
const clientHashesMeta = "client_hashes_rekeyed_at"

// ClientKey returns the key that hashes client addresses. The first call on a database
// records the secret key's ClientKey, sealed with the secret key; later calls open
// that record. Sealed, it survives "fascicle rotate-key": RotateKeys seals it again
// under the new secret key, so that hashes, bans by address and the flood check carry
// on (a hash cannot be made again without its address, which is not kept). Rotation
// therefore protects the client key anew but does not change it: whoever held the old
// secret key and a copy of the database sealed with it can still test addresses
// against later hashes. Returns ErrNoKeys before UseKeys.
func (s *Store) ClientKey(ctx context.Context) ([]byte, error) {
	keys, err := s.emailKeys()
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	// Processes starting together on a new database may each offer a key; the first
	// one recorded wins, and every process reads that one.
	if err := db.Exec(`INSERT INTO site_keys (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, clientKeyName, sealKey(keys, keys.ClientKey()), time.Now().UTC()).Error; err != nil {
		return nil, translate(err)
	}
	var sealed []byte
	if err := db.Raw(`SELECT value FROM site_keys WHERE name = ?`, clientKeyName).Row().Scan(&sealed); err != nil {
		return nil, translate(err)
	}
	key, err := keys.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("the client-address key in the database: %w", err)
	}
	return []byte(key), nil
}

// resealClientKey seals the client key again under next, in RotateKeys' transaction.
// A database that has none recorded yet gets current's, so that hashes made before
// the rotation stay comparable after it.
func (s *Store) resealClientKey(ctx context.Context, current, next *secret.Keys) error {
	var rows [][]byte
	if err := s.db.WithContext(ctx).Raw(`SELECT value FROM site_keys WHERE name = ?`, clientKeyName).Scan(&rows).Error; err != nil {
		return translate(err)
	}
	key := current.ClientKey()
	if len(rows) > 0 {
		opened, err := current.Open(rows[0])
		if err != nil {
			return fmt.Errorf("the client-address key in the database: %w", err)
		}
		key = []byte(opened)
	}
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO site_keys (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, clientKeyName, sealKey(next, key), time.Now().UTC()).Error)
}

func sealKey(keys *secret.Keys, key []byte) []byte {
	return keys.Seal(string(key))
}

// RekeyClientHashes replaces every client hash an earlier version stored — the
// replies', the bans by address' and the sign-in lock-out's ("client:" subjects) —
// with rekey(hash), all in one transaction, and records that it did, so that it
// happens once per database: later calls change nothing and return 0. Returns how
// many values it replaced. Run it before any hash is made with the new rule.
func (s *Store) RekeyClientHashes(ctx context.Context, rekey func(string) string) (int, error) {
	n := 0
	err := s.Tx(ctx, func(tx *Store) error {
		n = 0 // a retried transaction starts again
		if _, err := tx.Meta(ctx, clientHashesMeta); err == nil {
			return nil
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		type idValue struct {
			ID    int64
			Value string
		}
		steps := []struct{ query, update, prefix string }{
			{`SELECT id, client_hash AS value FROM comments WHERE client_hash != ''`, `UPDATE comments SET client_hash = ? WHERE id = ?`, ""},
			{`SELECT id, value FROM bans WHERE kind = 'client' AND value != ''`, `UPDATE bans SET value = ? WHERE id = ?`, ""},
			{`SELECT id, subject AS value FROM sign_in_failures WHERE subject LIKE 'client:%'`, `UPDATE sign_in_failures SET subject = ? WHERE id = ?`, "client:"},
		}
		for _, step := range steps {
			var rows []idValue
			if err := tx.db.Raw(step.query).Scan(&rows).Error; err != nil {
				return translate(err)
			}
			for _, r := range rows {
				old := strings.TrimPrefix(r.Value, step.prefix)
				if old == "" {
					continue
				}
				if err := tx.db.Exec(step.update, step.prefix+rekey(old), r.ID).Error; err != nil {
					return translate(err)
				}
				n++
			}
		}
		return tx.SetMeta(ctx, clientHashesMeta, time.Now().UTC().Format(time.RFC3339))
	})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	// The old hashes leave the write-ahead log too (secure_delete has zeroed them in
	// the database's pages).
	return n, s.Checkpoint(ctx)
}
