package privacy_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure each action of the audit log is named for people, and an unknown one as
// stored.
func TestAction_Label(t *testing.T) {
	t.Parallel()
	for action, want := range map[privacy.Action]string{
		privacy.ActionExport:    "Exported",
		privacy.ActionAnonymise: "Anonymised",
		privacy.ActionDelete:    "Deleted",
		"purge":                 "purge",
	} {
		if got := action.Label(); got != want {
			t.Errorf("Action(%q).Label() = %q, want %q", action, got, want)
		}
	}
}

// Ensure the audit log lists the requests handled, newest first, up to the limit, with
// who handled them and how many replies each concerned.
func TestAudit_NewestFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addThread(t)
	ctx := context.Background()
	if _, err := f.svc.Export(ctx, f.admin, samEmail); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	if _, err := f.svc.Export(ctx, f.admin, "nobody@example.com"); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	if _, err := f.svc.Erase(ctx, f.admin, samEmail, privacy.EraseAnonymise, true); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Audit(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.PrivacyAuditEntry{
		{ID: 3, StaffName: "Ada Admin", Action: string(privacy.ActionAnonymise), Replies: 2, CreatedAt: f.now},
		{ID: 2, StaffName: "Ada Admin", Action: string(privacy.ActionExport), Replies: 0, CreatedAt: f.now.Add(-time.Hour)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Audit = %+v, want %+v", got, want)
	}
}
