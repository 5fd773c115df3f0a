package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// CommandLine is the actor named in the audit log for changes made with the fascicle
// command, which has no account.
const CommandLine = "command line"

// AuditAction is what a line of the staff audit log records was done to an account.
type AuditAction string

// The actions of the staff audit log.
const (
	AuditCreated     AuditAction = store.StaffCreated
	AuditRenamed     AuditAction = store.StaffRenamed
	AuditRole        AuditAction = store.StaffRole
	AuditCredentials AuditAction = store.StaffCredentials
	AuditDisabled    AuditAction = store.StaffDisabled
	AuditEnabled     AuditAction = store.StaffEnabled
	AuditPasswordSet AuditAction = store.StaffPasswordSet
	AuditTwoStepOff  AuditAction = store.StaffTwoStepOff

	AuditPasswordReset      AuditAction = store.StaffPasswordReset
	AuditInvited            AuditAction = store.StaffInvited
	AuditInvitationAccepted AuditAction = store.StaffInvitationAccepted
)

// Label names the action for people; an action this version does not know is named
// as stored.
func (a AuditAction) Label() string {
	switch a {
	case AuditCreated:
		return "Account created"
	case AuditRenamed:
		return "Name changed"
	case AuditRole:
		return "Role changed"
	case AuditCredentials:
		return "Credentials changed"
	case AuditDisabled:
		return "Disabled"
	case AuditEnabled:
		return "Enabled"
	case AuditPasswordSet:
		return "Password set"
	case AuditTwoStepOff:
		return "Two-step sign-in reset"
	case AuditPasswordReset:
		return "Password reset by email"
	case AuditInvited:
		return "Invited by email"
	case AuditInvitationAccepted:
		return "Invitation accepted"
	}
	return string(a)
}

// AuditEntry is a line of the staff audit log, as people read it. It holds no
// password or other secret.
type AuditEntry struct {
	At     time.Time
	Actor  string // the name of who did it, at the time, or CommandLine
	Action AuditAction
	Detail string // what changed, such as "Editor → Administrator"; "" for nothing more
}

// AuditLimit is how many entries an account's page shows.
const AuditLimit = 20

// Audit returns the latest AuditLimit entries about the account with the given ID,
// newest first, for by to read. Returns model.ErrForbidden when by may not manage
// accounts.
func (s *Service) Audit(ctx context.Context, by *model.User, id int64) ([]AuditEntry, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	rows, err := s.store.StaffAudit(ctx, id, AuditLimit)
	if err != nil {
		return nil, err
	}
	list := make([]AuditEntry, len(rows))
	for i, r := range rows {
		list[i] = AuditEntry{At: r.CreatedAt, Actor: r.ActorName, Action: AuditAction(r.Action), Detail: r.Detail}
	}
	return list, nil
}

// auditLine is a change to record: the action and its detail.
type auditLine struct {
	action string
	detail string
}

// record writes lines about account to the audit log through tx, as done by by (nil
// for the command line) now.
func (s *Service) record(ctx context.Context, tx *store.Store, by *model.User, account int64, lines ...auditLine) error {
	e := store.StaffAuditEntry{ActorName: CommandLine, AccountID: account, CreatedAt: s.now().UTC()}
	if by != nil {
		e.ActorID, e.ActorName = &by.ID, by.Name
	}
	for _, l := range lines {
		e.Action, e.Detail = l.action, l.detail
		if err := tx.RecordStaffAction(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// changes returns the audit lines of what differs between before and after in the
// fields of the account form, except disabling (see save): it also ends sessions.
func changes(before, after *model.User) []auditLine {
	var lines []auditLine
	if before.Name != after.Name {
		lines = append(lines, auditLine{store.StaffRenamed, before.Name + " → " + after.Name})
	}
	if before.Role != after.Role {
		lines = append(lines, auditLine{store.StaffRole, before.Role.Label() + " → " + after.Role.Label()})
	}
	if before.Credentials != after.Credentials {
		lines = append(lines, auditLine{store.StaffCredentials, orNone(before.Credentials) + " → " + orNone(after.Credentials)})
	}
	if before.Disabled() && !after.Disabled() {
		lines = append(lines, auditLine{store.StaffEnabled, ""})
	}
	return lines
}

// orNone returns s in quotes, or "none" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return "“" + s + "”"
}

// sessionsEnded words how many sessions a change ended.
func sessionsEnded(n int) string {
	switch n {
	case 0:
		return "no session was open"
	case 1:
		return "1 session ended"
	}
	return fmt.Sprintf("%d sessions ended", n)
}
