package privacy

import (
	"context"

	"github.com/fascicle/fascicle/internal/store"
)

// Action is what a line of the audit log records was done.
type Action string

// The actions of the audit log.
const (
	ActionExport    Action = store.PrivacyExport
	ActionAnonymise Action = store.PrivacyAnonymise
	ActionDelete    Action = store.PrivacyDelete
)

// Label names the action for people; an action this version does not know is named
// as stored.
func (a Action) Label() string {
	switch a {
	case ActionExport:
		return "Exported"
	case ActionAnonymise:
		return "Anonymised"
	case ActionDelete:
		return "Deleted"
	}
	return string(a)
}

// Audit returns the latest limit lines of the audit log, newest first. They hold no
// email: only who acted, when, what they did and to how many replies.
func (s *Service) Audit(ctx context.Context, limit int) ([]store.PrivacyAuditEntry, error) {
	return s.store.PrivacyAudit(ctx, limit)
}
