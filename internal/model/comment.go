package model

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// CommentStatus is where a reply is in moderation.
type CommentStatus string

// Comment statuses. Only approved replies are shown to readers.
const (
	CommentPending  CommentStatus = "pending"
	CommentApproved CommentStatus = "approved"
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// Maximum lengths in bytes, the same as WordPress's columns so that replies move
// between the two without loss.
const (
	MaxCommentBody  = 65525
	MaxCommentName  = 245
	MaxCommentEmail = 100
	MaxCommentURL   = 200
)

// Field names used in validation errors; they are also the reply form's field names,
// which WordPress made a de facto standard.
const (
	FieldBody   = "comment"
	FieldName   = "author"
	FieldEmail  = "email"
	FieldURL    = "url"
	FieldParent = "comment_parent"
)

// Comment is a reader's reply to an article, or to another reply.
type Comment struct {
	ID           int64
	ArticleID    int64
	ParentID     *int64
	AuthorName   string
	AuthorEmail  string // private: never shown outside the staff pages; encrypted at rest
	EmailIndex   string // blind index of AuthorEmail: a keyed hash, safe to compare; never shown, nor anything made from it
	AuthorURL    string
	Body         string // plain text, exactly as typed
	Status       CommentStatus
	UserAgent    string
	ClientHash   string
	ClientPrefix string
	HeldReason   string // why it was held or marked as spam, for moderators
	// PreviousStatus is the status before it went to spam or trash, where a restore
	// returns it.
	PreviousStatus CommentStatus
	UserID         *int64 // the staff account that wrote it, if any; the only thing that marks a reply Staff
	// StaffRole and StaffCredentials describe the account of UserID as it is now, for
	// the signature of its replies; filled only where a page shows them.
	StaffRole        Role
	StaffCredentials string
	// Pinned marks a clinician's answer that a moderator listed first under the reply
	// it answers.
	Pinned    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Valid reports whether s is one of the statuses.
func (s CommentStatus) Valid() bool {
	switch s {
	case CommentPending, CommentApproved, CommentSpam, CommentTrash:
		return true
	}
	return false
}

// Label is the status's name for people, as the moderation queue's tabs show it.
func (s CommentStatus) Label() string {
	switch s {
	case CommentPending:
		return "Pending"
	case CommentApproved:
		return "Approved"
	case CommentSpam:
		return "Spam"
	case CommentTrash:
		return "Trash"
	}
	return string(s)
}

// CommentStatuses lists the statuses in the order of the moderation queue's tabs.
var CommentStatuses = []CommentStatus{CommentPending, CommentApproved, CommentSpam, CommentTrash}

// Validate checks the fields a reader types. It does not check the parent, which needs
// the database.
func (c *Comment) Validate() error {
	var v ValidationError
	checkText(&v, FieldBody, "Comment", c.Body, MaxCommentBody, true)
	checkText(&v, FieldName, "Name", c.AuthorName, MaxCommentName, true)
	checkText(&v, FieldEmail, "Email", c.AuthorEmail, MaxCommentEmail, true)
	checkText(&v, FieldURL, "Website", c.AuthorURL, MaxCommentURL, false)
	if _, bad := v.Fields[FieldEmail]; !bad && !ValidEmail(c.AuthorEmail) {
		v.Add(FieldEmail, "Enter an email address like name@example.com.")
	}
	if _, bad := v.Fields[FieldURL]; !bad && c.AuthorURL != "" && !ValidWebURL(c.AuthorURL) {
		v.Add(FieldURL, "Enter a web address that starts with http:// or https://, or leave it empty.")
	}
	return v.Err()
}

func checkText(v *ValidationError, field, label, value string, maxBytes int, required bool) {
	switch {
	case !utf8.ValidString(value):
		v.Add(field, label+" contains bytes that are not valid text (UTF-8).")
	case strings.ContainsRune(value, 0):
		v.Add(field, label+" contains a NUL character, which cannot be saved.")
	case required && strings.TrimSpace(value) == "":
		v.Add(field, label+" is required.")
	case len(value) > maxBytes:
		v.Add(field, fmt.Sprintf("%s is too long: at most %d bytes, and this has %d.", label, maxBytes, len(value)))
	case field != FieldBody && strings.ContainsAny(value, "\r\n"):
		v.Add(field, label+" must be on one line.")
	}
}

// ValidEmail reports whether s is a bare email address with a dotted domain, such as
// name@example.com.
func ValidEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// ValidWebURL reports whether s is an absolute http or https address with a host,
// without spaces or control characters (which Go's parser lets through in a fragment,
// and which browsers would strip or encode, so the link would go somewhere else than
// it reads).
func ValidWebURL(s string) bool {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}
