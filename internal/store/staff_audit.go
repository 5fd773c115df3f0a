package store

import (
	"context"
	"time"
)

// Actions recorded in the staff audit log.
const (
	StaffCreated     = "created"
	StaffRenamed     = "renamed"
	StaffRole        = "role"
	StaffCredentials = "credentials"
	StaffDisabled    = "disabled"
	StaffEnabled     = "enabled"
	StaffPasswordSet = "password-set"
	StaffTwoStepOff  = "two-step-reset"
	// StaffPasswordReset: the account's owner set a new password with a link sent by
	// mail.
	StaffPasswordReset = "password-reset"
	// StaffInvited: an administrator invited the person by mail; StaffInvitationAccepted:
	// they set their first password with the invitation's link.
	StaffInvited            = "invited"
	StaffInvitationAccepted = "invitation-accepted"
)

// StaffAuditEntry is one line of the staff audit log: who changed which account, how,
// and when. It never holds a password or other secret.
type StaffAuditEntry struct {
	ID int64
	// ActorID is the account that made the change, nil for the command line.
	ActorID *int64
	// ActorName is the actor's name at the time, or "command line".
	ActorName string
	AccountID int64
	Action    string
	// Detail says what changed, such as "Editor → Administrator"; "" when the action
	// says it all.
	Detail    string
	CreatedAt time.Time
}

// TableName tells GORM where the staff audit log lives.
func (StaffAuditEntry) TableName() string { return "staff_audit" }

// RecordStaffAction adds e to the staff audit log.
func (s *Store) RecordStaffAction(ctx context.Context, e StaffAuditEntry) error {
	e.ID, e.CreatedAt = 0, e.CreatedAt.UTC()
	return translate(s.db.WithContext(ctx).Create(&e).Error)
}

// StaffAudit returns the latest limit entries about an account, newest first; the
// entries of one change, which share a time, in the order they were written.
func (s *Store) StaffAudit(ctx context.Context, accountID int64, limit int) ([]StaffAuditEntry, error) {
	var list []StaffAuditEntry
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).
		Order("created_at DESC, id").Limit(limit).Find(&list).Error
	for i := range list {
		list[i].CreatedAt = list[i].CreatedAt.UTC()
	}
	return list, translate(err)
}
