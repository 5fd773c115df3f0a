package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// RecoveryCodeCount is how many recovery codes an account gets when two-step sign-in
// is turned on; each works once.
const RecoveryCodeCount = 10

// recoveryAlphabet has no letters that read like others (i, l, o, u), so a code copied
// from paper is typed right; 32 symbols make 5 bits each.
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// recoveryCodeLength is the symbols in a code: 80 bits, so that its SHA-256 alone,
// without a slow hash, cannot be reversed by trying every code.
const recoveryCodeLength = 16

// newRecoveryCodes returns n random recovery codes, written "abcd-efgh-jkmn-pqrs".
func newRecoveryCodes(n int) []string {
	codes := make([]string, n)
	buf := make([]byte, recoveryCodeLength)
	for i := range codes {
		rand.Read(buf)
		var b strings.Builder
		for j, c := range buf {
			if j > 0 && j%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)]) // 256 is a multiple of 32: no bias
		}
		codes[i] = b.String()
	}
	return codes
}

// normaliseRecoveryCode returns code as stored: lower case, without the hyphens and
// spaces a person may type, or "" if it cannot be a recovery code.
func normaliseRecoveryCode(code string) string {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "", "\t", "").Replace(code))
	if len(code) != recoveryCodeLength {
		return ""
	}
	for _, c := range code {
		if !strings.ContainsRune(recoveryAlphabet, c) {
			return ""
		}
	}
	return code
}

// hashRecoveryCode returns the stored form of a normalised recovery code.
func hashRecoveryCode(normalised string) string {
	sum := sha256.Sum256([]byte("fascicle recovery code\x00" + normalised))
	return hex.EncodeToString(sum[:])
}
