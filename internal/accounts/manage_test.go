package accounts_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// addStaff saves an account with a role and a password hash, without the service.
func (f *fixture) addStaff(t *testing.T, name string, role model.Role, hash string) *model.User {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"
	u := &model.User{Name: name, Email: &email, Role: role, PasswordHash: hash}
	if err := f.st.CreateUser(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// audit returns the audit log of an account as lines "actor|action|detail", newest
// change first, the lines of one change in the order they were made.
func (f *fixture) audit(t *testing.T, by *model.User, id int64) []string {
	t.Helper()
	entries, err := f.svc.Audit(f.ctx, by, id)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		lines = append(lines, e.Actor+"|"+string(e.Action)+"|"+e.Detail)
	}
	return lines
}

func wantLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Ensure an administrator changes another account's name, role and credentials,
// each change written to the audit log with who made it, and nothing else changes.
func TestUpdateAccount_ChangesAreAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.addStaff(t, "Ada Admin", model.RoleAdmin, placeholderHash)
	rita := f.addStaff(t, "Rita Reviewer", model.RoleReviewer, placeholderHash)
	u, err := f.svc.UpdateAccount(f.ctx, ada, rita.ID, accounts.AccountChange{Name: "  Dr Rita Costa ", Role: model.RoleEditor,
		Credentials: " MD, neurologist "})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.st.User(f.ctx, rita.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*model.User{u, stored} {
		if got.Name != "Dr Rita Costa" || got.Role != model.RoleEditor || got.Credentials != "MD, neurologist" || got.Disabled() ||
			got.EmailAddress() != "rita.reviewer@example.org" || got.PasswordHash != placeholderHash {
			t.Errorf("account after the change = %+v", got)
		}
	}
	wantLines(t, f.audit(t, ada, rita.ID),
		"Ada Admin|renamed|Rita Reviewer → Dr Rita Costa",
		"Ada Admin|role|Medical reviewer → Editor",
		"Ada Admin|credentials|none → “MD, neurologist”")

	t.Run("NothingChanged", func(t *testing.T) {
		if _, err := f.svc.UpdateAccount(f.ctx, ada, rita.ID, accounts.AccountChange{Name: "Dr Rita Costa", Role: model.RoleEditor,
			Credentials: "MD, neurologist"}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT count(*) FROM staff_audit WHERE account_id = ?`, rita.ID); n != 3 {
			t.Errorf("%d audit entries after saving no change, want the 3 there were", n)
		}
	})
	t.Run("FromTheCommandLine", func(t *testing.T) {
		f.advance(time.Minute)
		if _, err := f.svc.UpdateAccount(f.ctx, nil, rita.ID, accounts.AccountChange{Name: "Dr Rita Costa", Role: model.RoleEditor}); err != nil {
			t.Fatal(err)
		}
		if got := f.audit(t, ada, rita.ID)[0]; got != "command line|credentials|“MD, neurologist” → none" {
			t.Errorf("newest entry %q", got)
		}
	})
}

// Ensure disabling an account ends its sessions at once and refuses its sign-ins
// like a wrong password, counted by the lock-out, and enabling it lets it sign in
// again; what it wrote is not touched.
func TestUpdateAccount_DisableEndsSessionsAndSignIns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.addStaff(t, "Ada Admin", model.RoleAdmin, placeholderHash)
	ed := f.addStaff(t, "Ed Editor", model.RoleEditor, realHash())
	var tokens []string
	for range 2 {
		token, err := f.svc.StartSession(f.ctx, ed, "", accounts.Client{})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, token)
	}
	adaToken, err := f.svc.StartSession(f.ctx, ada, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}

	u, err := f.svc.SetDisabled(f.ctx, ada, ed.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if u.DisabledAt == nil || !u.DisabledAt.Equal(f.now) {
		t.Errorf("DisabledAt = %v, want %v", u.DisabledAt, f.now)
	}
	for _, token := range tokens {
		if _, err := f.svc.SessionUser(f.ctx, token); !errors.Is(err, accounts.ErrNoSession) {
			t.Errorf("a session of the disabled account: err = %v, want ErrNoSession", err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM sessions WHERE user_id = ?`, ed.ID); n != 0 {
		t.Errorf("%d sessions of the disabled account left", n)
	}
	if _, err := f.svc.SessionUser(f.ctx, adaToken); err != nil {
		t.Errorf("the administrator's own session ended: %v", err)
	}
	wantLines(t, f.audit(t, ada, ed.ID), "Ada Admin|disabled|2 sessions ended")
	if entries, _ := f.svc.Audit(f.ctx, ada, ed.ID); len(entries) != 1 || !entries[0].At.Equal(f.now) {
		t.Errorf("audit entries %+v, want one at %v", entries, f.now)
	}
	f.advance(time.Minute)

	_, err = f.svc.SignIn(f.ctx, ed.EmailAddress(), password, "client-1")
	if err != accounts.ErrWrongCredentials {
		t.Errorf("SignIn with the right password of a disabled account: err = %v, want exactly ErrWrongCredentials", err)
	}
	if n := f.count(t, `SELECT count(*) FROM sign_in_failures`); n != 2 {
		t.Errorf("%d failures recorded, want 2 (account and client): a disabled account's sign-in counts as a failure", n)
	}

	if _, err := f.svc.SetDisabled(f.ctx, nil, ed.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(f.ctx, ed.EmailAddress(), password, "client-1"); err != nil {
		t.Errorf("SignIn after enabling: %v", err)
	}
	wantLines(t, f.audit(t, ada, ed.ID), "command line|enabled|", "Ada Admin|disabled|2 sessions ended")
}

// Ensure the last active administrator can be neither disabled nor given another
// role, by anyone; that administrators who cannot sign in (disabled, or named on
// articles only) do not count; and that a refusal changes nothing.
func TestUpdateAccount_LastAdmin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.addStaff(t, "Ada Admin", model.RoleAdmin, placeholderHash)
	f.addStaff(t, "Named Admin", model.RoleAdmin, "")
	gone := f.addStaff(t, "Gone Admin", model.RoleAdmin, placeholderHash)
	bob := f.addStaff(t, "Bob Admin", model.RoleAdmin, placeholderHash)
	if _, err := f.svc.SetDisabled(f.ctx, ada, gone.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateAccount(f.ctx, ada, bob.ID, accounts.AccountChange{Name: bob.Name, Role: model.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	before := f.count(t, `SELECT count(*) FROM staff_audit`)

	for _, tt := range []struct {
		Name   string
		By     *model.User
		Change accounts.AccountChange
	}{
		{"ErrDisable", nil, accounts.AccountChange{Name: ada.Name, Role: model.RoleAdmin, Disabled: true}},
		{"ErrDemote", nil, accounts.AccountChange{Name: ada.Name, Role: model.RoleModerator}},
		{"ErrDemoteAndRename", nil, accounts.AccountChange{Name: "Someone", Role: model.RoleAuthor}},
		{"ErrDemoteSelf", ada, accounts.AccountChange{Name: ada.Name, Role: model.RoleEditor}},
		{"ErrDisableSelf", ada, accounts.AccountChange{Name: ada.Name, Role: model.RoleAdmin, Disabled: true}},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			u, err := f.svc.UpdateAccount(f.ctx, tt.By, ada.ID, tt.Change)
			if !errors.Is(err, accounts.ErrLastAdmin) || u != nil {
				t.Errorf("UpdateAccount = %v, %v; want ErrLastAdmin", u, err)
			}
		})
	}
	if _, err := f.svc.SetDisabled(f.ctx, nil, ada.ID, true); !errors.Is(err, accounts.ErrLastAdmin) {
		t.Errorf("SetDisabled from the command line: err = %v, want ErrLastAdmin", err)
	}
	stored, err := f.st.User(f.ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Name != "Ada Admin" || stored.Role != model.RoleAdmin || stored.Disabled() {
		t.Errorf("the last administrator after refusals = %+v", stored)
	}
	if n := f.count(t, `SELECT count(*) FROM staff_audit`); n != before {
		t.Errorf("%d audit entries after refusals, want %d", n, before)
	}

	t.Run("AnotherAdminEnabled", func(t *testing.T) {
		if _, err := f.svc.SetDisabled(f.ctx, nil, gone.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateAccount(f.ctx, ada, ada.ID, accounts.AccountChange{Name: ada.Name, Role: model.RoleEditor}); err != nil {
			t.Errorf("an administrator steps down while another remains: %v", err)
		}
		if _, err := f.svc.UpdateAccount(f.ctx, nil, gone.ID, accounts.AccountChange{Name: gone.Name, Role: model.RoleEditor}); !errors.Is(err, accounts.ErrLastAdmin) {
			t.Errorf("demoting the new last administrator: err = %v, want ErrLastAdmin", err)
		}
	})
}

// Ensure an administrator cannot disable their own account even while others
// remain, and nothing changes.
func TestUpdateAccount_DisableSelf(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.addStaff(t, "Ada Admin", model.RoleAdmin, placeholderHash)
	f.addStaff(t, "Bob Admin", model.RoleAdmin, placeholderHash)
	token, err := f.svc.StartSession(f.ctx, ada, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetDisabled(f.ctx, ada, ada.ID, true); !errors.Is(err, accounts.ErrDisableSelf) {
		t.Errorf("SetDisabled(self) err = %v, want ErrDisableSelf", err)
	}
	if _, err := f.svc.SessionUser(f.ctx, token); err != nil {
		t.Errorf("the refused administrator was signed out: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE disabled_at IS NOT NULL`); n != 0 {
		t.Errorf("%d disabled accounts", n)
	}
}

// Ensure two administrators disabling each other at the same moment leave one: the
// rule is checked in the transaction that saves the change.
func TestUpdateAccount_ConcurrentDisablesLeaveAnAdmin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for round := range 5 {
		a := f.addStaff(t, fmt.Sprintf("Admin A%d", round), model.RoleAdmin, placeholderHash)
		b := f.addStaff(t, fmt.Sprintf("Admin B%d", round), model.RoleAdmin, placeholderHash)
		// Only these two are active in this round.
		if _, err := f.db.Exec(`UPDATE users SET disabled_at = '2026-01-01' WHERE id NOT IN (?, ?)`, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]*model.User{{a, b}, {b, a}} {
			wg.Go(func() {
				_, errs[i] = f.svc.SetDisabled(f.ctx, pair[0], pair[1].ID, true)
			})
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, accounts.ErrLastAdmin):
				refused++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 || refused != 1 {
			t.Errorf("round %d: %d disabled, %d refused; want 1 and 1", round, ok, refused)
		}
		if n := f.count(t, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`); n != 1 {
			t.Errorf("round %d: %d active administrators, want 1", round, n)
		}
	}
}

// Ensure an invited account (an email, no password yet) is managed like any other:
// its role changes, and disabling it withdraws the invitation, which is then not sent
// again until it is enabled.
func TestUpdateAccount_Invited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.addStaff(t, "Ada Admin", model.RoleAdmin, placeholderHash)
	wes := f.addStaff(t, "Wes Writer", model.RoleAuthor, "")
	if !accounts.Invited(wes) {
		t.Fatal("an account with an email and no password is not invited")
	}
	saved, err := f.svc.UpdateAccount(f.ctx, ada, wes.ID, accounts.AccountChange{Name: "Wes Writer", Role: model.RoleEditor, Disabled: true})
	if err != nil || saved.Role != model.RoleEditor || !saved.Disabled() {
		t.Fatalf("UpdateAccount of an invited account = %+v, %v", saved, err)
	}
	if _, err := f.svc.ResendInvitation(f.ctx, ada, wes.ID); !errors.Is(err, accounts.ErrInvitationWithdrawn) {
		t.Errorf("invitation sent to a disabled account: err = %v, want ErrInvitationWithdrawn", err)
	}
	if _, err := f.svc.SetDisabled(f.ctx, ada, wes.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResendInvitation(f.ctx, ada, wes.ID); err != nil {
		t.Errorf("invitation sent again once enabled: %v", err)
	}
}

// Ensure UpdateAccount refuses who may not manage accounts before saying whether one
// exists, the people named on articles (no password, no email), and wrong fields,
// naming each.
func TestUpdateAccount_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.addStaff(t, "Ada Admin", model.RoleAdmin, placeholderHash)
	ed := f.addStaff(t, "Ed Editor", model.RoleEditor, placeholderHash)
	named := &model.User{Name: "Named Reviewer", Role: model.RoleReviewer}
	if err := f.st.CreateUser(f.ctx, named); err != nil {
		t.Fatal(err)
	}
	valid := accounts.AccountChange{Name: "Ed Editor", Role: model.RoleEditor}

	for _, id := range []int64{ada.ID, 9999} {
		if _, err := f.svc.UpdateAccount(f.ctx, ed, id, valid); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("an editor changes account %d: err = %v, want ErrForbidden", id, err)
		}
		if _, err := f.svc.Audit(f.ctx, ed, id); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("an editor reads the audit log of %d: err = %v, want ErrForbidden", id, err)
		}
	}
	for _, id := range []int64{9999, named.ID} {
		if _, err := f.svc.UpdateAccount(f.ctx, ada, id, valid); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("account %d: err = %v, want ErrNotFound", id, err)
		}
	}
	_, err := f.svc.UpdateAccount(f.ctx, ada, ed.ID, accounts.AccountChange{Name: " ", Role: "superuser",
		Credentials: "MD\nneurologist"})
	wantFields(t, err, map[string]string{"name": "Name is required.", "role": "Choose a role.",
		"credentials": "Credentials must be one line of ordinary text."})
	_, err = f.svc.UpdateAccount(f.ctx, ada, ed.ID, accounts.AccountChange{Name: strings.Repeat("n", model.MaxUserName+1), Role: model.RoleEditor})
	wantFields(t, err, map[string]string{"name": "Name is too long: at most 245 bytes."})
	if n := f.count(t, `SELECT count(*) FROM staff_audit`); n != 0 {
		t.Errorf("%d audit entries after refusals", n)
	}
}

// Ensure SetPassword judges the new password like every other, ends every session of
// the account, lets the new password sign in and not the old, and audits it without
// the password.
func TestSetPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ed := f.addStaff(t, "Ed Editor", model.RoleEditor, realHash())
	token, err := f.svc.StartSession(f.ctx, ed, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	const newPassword = "copper kettle by the window"

	for _, weak := range []string{"password123", "ed.editor@example.org", "short"} {
		_, err := f.svc.SetPassword(f.ctx, nil, ed.ID, weak)
		var pe *accounts.PasswordError
		if !errors.As(err, &pe) {
			t.Errorf("SetPassword(%q) err = %v, want a *PasswordError", weak, err)
		}
	}
	if _, err := f.svc.SessionUser(f.ctx, token); err != nil {
		t.Fatalf("a refused password ended the session: %v", err)
	}

	if _, err := f.svc.SetPassword(f.ctx, nil, ed.ID, newPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionUser(f.ctx, token); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("the session from before the new password: err = %v, want ErrNoSession", err)
	}
	if _, err := f.svc.SignIn(f.ctx, ed.EmailAddress(), password, ""); err != accounts.ErrWrongCredentials {
		t.Errorf("the old password: err = %v, want ErrWrongCredentials", err)
	}
	if _, err := f.svc.SignIn(f.ctx, ed.EmailAddress(), newPassword, ""); err != nil {
		t.Errorf("the new password: %v", err)
	}
	wantLines(t, f.audit(t, nil, ed.ID), "command line|password-set|1 session ended")
	if n := f.count(t, `SELECT count(*) FROM staff_audit WHERE detail LIKE '%kettle%' OR detail LIKE '%argon%' OR action LIKE '%kettle%'`); n != 0 {
		t.Error("the audit log holds the password or its hash")
	}
	if _, err := f.svc.SetPassword(f.ctx, &model.User{ID: 50, Role: model.RoleModerator}, ed.ID, newPassword); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a moderator sets a password: err = %v, want ErrForbidden", err)
	}
}

// Ensure creating an account and the first administrator are in the audit log, and
// so are name and credential changes made through a profile.
func TestAudit_CreatedAndProfileChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token, err := f.svc.IssueSetupToken(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ada, err := f.svc.Setup(f.ctx, token, accounts.NewAccount{Name: "Ada Admin", Email: "ada@example.org", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	f.advance(time.Minute)
	mo, err := f.svc.Create(f.ctx, ada, accounts.NewAccount{Name: "Mo Derator", Email: "mo@example.org", Role: model.RoleModerator, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	f.advance(time.Minute)
	if _, err := f.svc.UpdateProfile(f.ctx, ada, mo.ID, accounts.ProfileChange{Name: "Mo Moderator", Credentials: "RN"}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, f.audit(t, ada, ada.ID), "Ada Admin|created|Administrator, with the set-up link")
	wantLines(t, f.audit(t, ada, mo.ID),
		"Ada Admin|renamed|Mo Derator → Mo Moderator",
		"Ada Admin|credentials|none → “RN”",
		"Ada Admin|created|Moderator")
	if _, err := f.svc.Create(f.ctx, mo, accounts.NewAccount{Name: "X", Email: "x@example.org", Role: model.RoleAdmin, Password: password}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a moderator creates an account: err = %v, want ErrForbidden", err)
	}
}
