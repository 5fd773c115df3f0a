// Package secret protects commenters' emails: AES-256-GCM encryption at rest and a
// keyed blind index (HMAC-SHA256) for the lookups that need equality. Both keys, and
// the key that hashes commenters' client addresses, are derived from one master key,
// kept outside the database.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/hkdf"
)

// MasterKeySize is the size of the master key in bytes.
const MasterKeySize = 32

// Keys holds the keys derived from a master key.
type Keys struct {
	master []byte
	aead   cipher.AEAD
	index  []byte
	client []byte
}

// ErrDecrypt means a value was not encrypted with these keys, or was altered.
var ErrDecrypt = errors.New("cannot decrypt: wrong key or damaged data")

// New derives the encryption, index and client-address keys from master.
func New(master []byte) (*Keys, error) {
	if len(master) != MasterKeySize {
		return nil, fmt.Errorf("the secret key must be %d bytes, got %d", MasterKeySize, len(master))
	}
	derive := func(purpose string) []byte {
		k := make([]byte, 32)
		if _, err := io.ReadFull(hkdf.New(sha256.New, master, nil, []byte(purpose)), k); err != nil {
			panic(err) // cannot happen: HKDF-SHA256 gives far more than 32 bytes
		}
		return k
	}
	block, err := aes.NewCipher(derive("fascicle email encryption v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{
		master: append([]byte(nil), master...),
		aead:   aead,
		index:  derive("fascicle email blind index v1"),
		client: derive("fascicle client address v1"),
	}, nil
}

// Generate returns a new random master key.
func Generate() []byte {
	k := make([]byte, MasterKeySize)
	rand.Read(k)
	return k
}

// Encode writes a master key as text, for a key file or an environment variable.
func Encode(master []byte) string {
	return base64.StdEncoding.EncodeToString(master)
}

// Decode reads a master key written by Encode (or as 64 hex digits).
func Decode(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if k, err := base64.StdEncoding.DecodeString(text); err == nil && len(k) == MasterKeySize {
		return k, nil
	}
	if k, err := hex.DecodeString(text); err == nil && len(k) == MasterKeySize {
		return k, nil
	}
	return nil, fmt.Errorf("a secret key is %d bytes, written in base64 (44 characters) or hex (64 digits)", MasterKeySize)
}

// Master returns the master key, for writing it out.
func (k *Keys) Master() []byte {
	return append([]byte(nil), k.master...)
}

// Seal encrypts plaintext with a random nonce; the nonce is stored in front.
func (k *Keys) Seal(plaintext string) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, []byte(plaintext), nil)
}

// Open decrypts a value made by Seal. Returns ErrDecrypt for a wrong key or altered data.
func (k *Keys) Open(sealed []byte) (string, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return "", ErrDecrypt
	}
	plain, err := k.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", ErrDecrypt
	}
	return string(plain), nil
}

// EmailIndex returns the blind index of an email: a keyed hash of its normalised form
// (trimmed, lower-cased), equal for equal emails and meaningless without the key.
func (k *Keys) EmailIndex(email string) string {
	mac := hmac.New(sha256.New, k.index)
	mac.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(mac.Sum(nil))
}

// ClientKey returns the key derived from the master key for hashing client addresses
// (see moderation.ClientHasher). It is of this master key only: a database keeps the
// client key it started with across a change of master key, sealed (see
// store.ClientKey), since hashes of addresses cannot be made again without the
// addresses.
func (k *Keys) ClientKey() []byte {
	return append([]byte(nil), k.client...)
}

// Check returns a value that identifies the keys without revealing them, stored with
// the data so that a wrong key is noticed at start instead of showing garbage.
func (k *Keys) Check() string {
	mac := hmac.New(sha256.New, k.index)
	mac.Write([]byte("fascicle key check"))
	return hex.EncodeToString(mac.Sum(nil))[:32]
}
