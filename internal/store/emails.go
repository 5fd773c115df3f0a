package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

// ErrNoKeys means the store was used for replies before UseKeys.
var ErrNoKeys = errors.New("the email encryption key is not loaded")

// ErrWrongKey means the key does not match the one the emails were encrypted with.
var ErrWrongKey = errors.New("the secret key does not match the one this database's emails were encrypted with")

const keyCheckMeta = "email_key_check"

// UseKeys checks keys against the database and uses them from now on. A database that
// has never had a key records this one. Returns ErrWrongKey for another key.
func (s *Store) UseKeys(ctx context.Context, keys *secret.Keys) error {
	check, err := s.Meta(ctx, keyCheckMeta)
	switch {
	case errors.Is(err, model.ErrNotFound):
		if err := s.SetMeta(ctx, keyCheckMeta, keys.Check()); err != nil {
			return err
		}
	case err != nil:
		return err
	case check != keys.Check():
		return ErrWrongKey
	}
	s.keys = keys
	return nil
}

// KeyRecorded reports whether the database's emails are bound to a key already.
func (s *Store) KeyRecorded(ctx context.Context) (bool, error) {
	_, err := s.Meta(ctx, keyCheckMeta)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// KeyMatches reports whether keys are the ones the database's emails use.
func (s *Store) KeyMatches(ctx context.Context, keys *secret.Keys) (bool, error) {
	check, err := s.Meta(ctx, keyCheckMeta)
	if err != nil {
		return false, err
	}
	return check == keys.Check(), nil
}

func (s *Store) emailKeys() (*secret.Keys, error) {
	if s.keys == nil {
		return nil, ErrNoKeys
	}
	return s.keys, nil
}

// EmailIndex returns the blind index of an email under the store's keys.
func (s *Store) EmailIndex(email string) (string, error) {
	keys, err := s.emailKeys()
	if err != nil {
		return "", err
	}
	return keys.EmailIndex(email), nil
}

// plainEmailsQuery finds the emails still stored in clear, on the partial index
// comments_plain_email (migration 0007), which holds those replies alone: it runs at
// every start.
const plainEmailsQuery = `SELECT id, author_email FROM comments WHERE author_email != ''`

// EncryptPlainEmails encrypts any email still stored in clear (from before emails
// were encrypted) and blanks the clear copy; secure_delete zeroes the old bytes, and
// a checkpoint clears them from the write-ahead log. Returns how many it encrypted.
func (s *Store) EncryptPlainEmails(ctx context.Context) (int, error) {
	keys, err := s.emailKeys()
	if err != nil {
		return 0, err
	}
	var rows []struct {
		ID          int64
		AuthorEmail string
	}
	if err := s.db.WithContext(ctx).Raw(plainEmailsQuery).Scan(&rows).Error; err != nil {
		return 0, translate(err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	err = s.Tx(ctx, func(tx *Store) error {
		for _, r := range rows {
			if err := tx.db.Exec(`UPDATE comments SET author_email_enc = ?, author_email_index = ?, author_email = '' WHERE id = ?`,
				keys.Seal(r.AuthorEmail), keys.EmailIndex(r.AuthorEmail), r.ID).Error; err != nil {
				return translate(err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), s.Checkpoint(ctx)
}

// Checkpoint copies the write-ahead log into the database and empties it (SQLite; on
// PostgreSQL, whose write-ahead log the server manages, it does nothing).
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.engine == Postgres {
		return nil
	}
	// The pragma answers with a row, which must be read to finish the statement.
	var result struct{ Busy, Log, Checkpointed int }
	return translate(s.db.WithContext(ctx).Raw(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&result).Error)
}

// RotateKeys re-encrypts every email and recomputes every blind index (replies, bans,
// subscriptions and the links sent to them) under next, seals the client-address key
// under next (keeping the key itself), in one transaction, and records next as the
// database's key.
// The current keys must be in use.
func (s *Store) RotateKeys(ctx context.Context, next *secret.Keys) (int, error) {
	current, err := s.emailKeys()
	if err != nil {
		return 0, err
	}
	var rows []struct {
		ID             int64
		AuthorEmailEnc []byte
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT id, author_email_enc FROM comments WHERE author_email_enc IS NOT NULL`).Scan(&rows).Error; err != nil {
		return 0, translate(err)
	}
	err = s.Tx(ctx, func(tx *Store) error {
		oldToNew := map[string]string{}
		for _, r := range rows {
			email, err := current.Open(r.AuthorEmailEnc)
			if err != nil {
				return fmt.Errorf("reply %d: %w", r.ID, err)
			}
			oldToNew[current.EmailIndex(email)] = next.EmailIndex(email)
			if err := tx.db.Exec(`UPDATE comments SET author_email_enc = ?, author_email_index = ? WHERE id = ?`,
				next.Seal(email), next.EmailIndex(email), r.ID).Error; err != nil {
				return translate(err)
			}
		}
		// Bans by email hold only the old index: map it through the emails we know.
		var bans []struct {
			ID    int64
			Value string
		}
		if err := tx.db.Raw(`SELECT id, value FROM bans WHERE kind = 'email'`).Scan(&bans).Error; err != nil {
			return translate(err)
		}
		for _, b := range bans {
			if v, ok := oldToNew[b.Value]; ok {
				if err := tx.db.Exec(`UPDATE bans SET value = ? WHERE id = ?`, v, b.ID).Error; err != nil {
					return translate(err)
				}
			}
		}
		// So do readers' subscriptions and the links sent to them.
		if err := tx.reindexSubscribers(oldToNew); err != nil {
			return err
		}
		if err := tx.resealTOTPSecrets(ctx, current, next); err != nil {
			return err
		}
		if err := tx.resealMail(ctx, current, next, oldToNew); err != nil {
			return err
		}
		// The client-address key is kept, sealed anew (see ClientKey).
		if err := tx.resealClientKey(ctx, current, next); err != nil {
			return err
		}
		return tx.SetMeta(ctx, keyCheckMeta, next.Check())
	})
	if err != nil {
		return 0, err
	}
	s.keys = next
	return len(rows), s.Checkpoint(ctx)
}

// CommentsByEmail returns every reply sent with email, oldest first, found through the
// blind index: the data of one person's personal-data request.
func (s *Store) CommentsByEmail(ctx context.Context, email string) ([]QueueComment, error) {
	index, err := s.EmailIndex(email)
	if err != nil {
		return nil, err
	}
	list, err := s.queueComments(ctx, "c.author_email_index = ?", []any{index}, 100_000, 0)
	if err != nil {
		return nil, err
	}
	// queueComments gives newest first; a person's export reads best oldest first.
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, nil
}

// resealTOTPSecrets encrypts the two-step secrets, set up or being set up, under next.
func (s *Store) resealTOTPSecrets(ctx context.Context, current, next *secret.Keys) error {
	for _, column := range []string{"totp_secret_enc", "totp_pending_enc"} {
		var rows []struct {
			ID     int64
			Sealed []byte
		}
		if err := s.db.WithContext(ctx).Raw(`SELECT id, ` + column + ` AS sealed FROM users WHERE ` + column + ` IS NOT NULL`).Scan(&rows).Error; err != nil {
			return translate(err)
		}
		for _, r := range rows {
			plain, err := current.Open(r.Sealed)
			if err != nil {
				return fmt.Errorf("two-step secret of account %d: %w", r.ID, err)
			}
			if err := s.db.WithContext(ctx).Exec(`UPDATE users SET `+column+` = ? WHERE id = ?`, next.Seal(plain), r.ID).Error; err != nil {
				return translate(err)
			}
		}
	}
	return nil
}
