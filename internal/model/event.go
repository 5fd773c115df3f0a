package model

import "time"

// EventKind names something that happened which people may be told about, by mail or
// webhook. The names of the kinds webhooks carry are the ones their JSON says.
type EventKind string

// The events.
const (
	// EventReplyPending: a reply was held for moderation.
	EventReplyPending EventKind = "reply.pending"
	// EventReplyApproved: a reply became visible to readers (published at once, or
	// approved by a moderator).
	EventReplyApproved EventKind = "reply.approved"
	// EventReviewRequested: an article, or a published article's pending change, was
	// sent for medical review.
	EventReviewRequested EventKind = "article.review_requested"
	// EventChangesRequested: a reviewer asked for changes to an article.
	EventChangesRequested EventKind = "article.changes_requested"
	// EventReviewed: a reviewer recorded a review; the article is ready to publish.
	EventReviewed EventKind = "article.reviewed"
	// EventPublished: an article, or its pending change, went live.
	EventPublished EventKind = "article.published"
	// EventPasswordReset: someone asked for a staff account's password to be reset.
	EventPasswordReset EventKind = "account.password_reset"
	// EventInvited: an administrator invited someone to the staff.
	EventInvited EventKind = "account.invited"
)

// WebhookEvents are the events administrators can send to webhooks, in the order the
// webhook form lists them.
var WebhookEvents = []EventKind{EventReplyPending, EventReplyApproved, EventPublished, EventReviewRequested}

// Label is the event's name for people.
func (k EventKind) Label() string {
	switch k {
	case EventReplyPending:
		return "A reply is waiting for moderation"
	case EventReplyApproved:
		return "A reply was approved"
	case EventReviewRequested:
		return "An article was sent for review"
	case EventChangesRequested:
		return "A reviewer asked for changes"
	case EventReviewed:
		return "An article was reviewed"
	case EventPublished:
		return "An article was published"
	case EventPasswordReset:
		return "Password reset"
	case EventInvited:
		return "Invitation"
	}
	return string(k)
}

// Event is one thing that happened, as recorded beside the change that made it.
type Event struct {
	ID        int64
	Kind      EventKind
	ArticleID int64
	CommentID int64
	UserID    int64 // the account concerned: whose password, who was invited
	ActorID   int64 // who did it; 0 for a reader or the system
	// Secret is a link's token (a password reset's, an invitation's), sealed at rest
	// and cleared once the event's messages are written.
	Secret    string
	CreatedAt time.Time
}

// ModerationMail is what a staff member who moderates hears about replies waiting.
type ModerationMail string

// The choices; ModerationMailEach is the default.
const (
	ModerationMailEach  ModerationMail = "each"
	ModerationMailDaily ModerationMail = "daily"
	ModerationMailNone  ModerationMail = "none"
)

// Valid reports whether m is one of the choices.
func (m ModerationMail) Valid() bool {
	return m == ModerationMailEach || m == ModerationMailDaily || m == ModerationMailNone
}

// Label is the choice's name for people.
func (m ModerationMail) Label() string {
	switch m {
	case ModerationMailEach:
		return "Each reply that waits"
	case ModerationMailDaily:
		return "A daily digest"
	case ModerationMailNone:
		return "Nothing"
	}
	return string(m)
}

// OutboxStatus is where a message or webhook delivery is.
type OutboxStatus string

// The statuses.
const (
	OutboxQueued    OutboxStatus = "queued"    // waiting for its first or next attempt
	OutboxSent      OutboxStatus = "sent"      // the server accepted it
	OutboxFailed    OutboxStatus = "failed"    // refused for good, or still failing after two days
	OutboxCancelled OutboxStatus = "cancelled" // no longer wanted: its reply went to spam, say
)

// OutboxMessage is a message or webhook delivery in the outbox.
type OutboxMessage struct {
	ID        int64
	EventID   int64
	Kind      string // what it is: the event kind for webhooks, the message's name for mail
	DedupeKey string
	WebhookID int64 // 0 for mail
	// Recipient is the address (mail); RecipientIndex its blind index. Both are empty
	// once the message is finished.
	Recipient      string
	RecipientIndex string
	CommentID      int64
	WantsStatus    CommentStatus
	Subject        string
	Body           []byte // the message to send; empty once finished
	Status         OutboxStatus
	Attempts       int
	NextAttemptAt  time.Time
	LastAnswer     string // the server's last answer, or why it could not be reached
	CreatedAt      time.Time
	FinishedAt     *time.Time
}

// Webhook is an address that receives events as signed JSON.
type Webhook struct {
	ID        int64
	URL       string
	Secret    string
	Events    []EventKind
	CreatedBy int64
	CreatedAt time.Time
}

// Wants reports whether the webhook asked for event kind k.
func (w *Webhook) Wants(k EventKind) bool {
	for _, e := range w.Events {
		if e == k {
			return true
		}
	}
	return false
}
