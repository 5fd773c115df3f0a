package model

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// BanKind is what a ban matches a new reply by.
type BanKind string

// The kinds of ban. Neither holds anything a person can read: an email ban holds the
// email's blind index, an address ban the keyed hash of the client address.
const (
	BanEmail  BanKind = "email"
	BanClient BanKind = "client"
)

// MaxBanReason is the longest reason a ban may give, in characters.
const MaxBanReason = 200

// Field names of the ban form, used in validation errors.
const (
	FieldBanKind   = "kind"
	FieldBanReason = "reason"
	FieldBanUntil  = "until"
)

// Ban sends a commenter's new replies to spam, silently, until it expires or is lifted.
type Ban struct {
	ID        int64
	Kind      BanKind
	Value     string     // the blind index of the email, or the client hash
	Reason    string     // why, for moderators; the commenter never sees it
	Until     *time.Time // nil: permanent
	CommentID *int64     // the reply the ban was made from, while it exists
	CreatedBy *int64     // the moderator who made it, while the account exists
	CreatedAt time.Time
}

// Valid reports whether k is one of the kinds.
func (k BanKind) Valid() bool {
	return k == BanEmail || k == BanClient
}

// ActiveAt reports whether the ban applies at now: it is permanent, or ends after now.
func (b *Ban) ActiveAt(now time.Time) bool {
	return b.Until == nil || b.Until.After(now)
}

// HeldReason is what a reply caught by the ban records as the reason it is spam.
func (b *Ban) HeldReason() string {
	return "banned: " + b.Reason
}

// Validate checks a new ban made at now: a kind and a value, a one-line reason of at
// most MaxBanReason characters, and an end after now if it has one.
func (b *Ban) Validate(now time.Time) error {
	var v ValidationError
	if !b.Kind.Valid() {
		v.Add(FieldBanKind, "Choose whether to ban the email or the address.")
	} else if b.Value == "" {
		v.Add(FieldBanKind, "This reply has nothing to ban by this way.")
	}
	switch reason := b.Reason; {
	case !utf8.ValidString(reason) || strings.ContainsRune(reason, 0):
		v.Add(FieldBanReason, "Reason contains characters that cannot be saved.")
	case strings.TrimSpace(reason) == "":
		v.Add(FieldBanReason, "Reason is required: say why, for the other moderators.")
	case utf8.RuneCountInString(reason) > MaxBanReason:
		v.Add(FieldBanReason, fmt.Sprintf("Reason is too long: at most %d characters, and this has %d.", MaxBanReason, utf8.RuneCountInString(reason)))
	case strings.ContainsAny(reason, "\r\n"):
		v.Add(FieldBanReason, "Reason must be on one line.")
	}
	if b.Until != nil && !b.Until.After(now) {
		v.Add(FieldBanUntil, "Choose an end in the future, or make the ban permanent.")
	}
	return v.Err()
}
