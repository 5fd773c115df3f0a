package accounts_test

import (
	"errors"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a moderator's choice of mail about replies waiting is saved, an unknown
// choice is refused with the field named, and staff who do not moderate may not
// choose.
func TestSetModerationMail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.addAccount(t, "ed@example.org", placeholderHash) // an editor moderates
	if u.ModerationMail != model.ModerationMailEach {
		t.Errorf("a new account hears %q, want each", u.ModerationMail)
	}
	if err := f.svc.SetModerationMail(f.ctx, u, model.ModerationMailDaily); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE id = ? AND moderation_mail = 'daily'`, u.ID); n != 1 {
		t.Error("the choice was not saved")
	}
	wantFields(t, f.svc.SetModerationMail(f.ctx, u, "hourly"), map[string]string{"moderation_mail": "Choose what you want to hear about replies waiting."})
	u.Role = model.RoleAuthor
	if err := f.svc.SetModerationMail(f.ctx, u, model.ModerationMailNone); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("an author's choice: err = %v, want ErrForbidden", err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE id = ? AND moderation_mail = 'daily'`, u.ID); n != 1 {
		t.Error("a refused choice changed the saved one")
	}
}
