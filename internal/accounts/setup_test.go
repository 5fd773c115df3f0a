package accounts_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

func newAdmin() accounts.NewAccount {
	// The role typed is ignored: the first account is an administrator.
	return accounts.NewAccount{Name: "Ada Admin", Email: "ada@example.org", Role: model.RoleModerator, Password: password}
}

// Ensure a set-up token creates one administrator, and that it is single-use: it
// opens nothing again, even once no account can sign in any more.
func TestSetup_TokenIsSingleUse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token, err := f.svc.IssueSetupToken(f.ctx)
	if err != nil || token == "" {
		t.Fatalf("IssueSetupToken = %q, %v", token, err)
	}
	if err := f.svc.CheckSetupToken(f.ctx, token); err != nil {
		t.Fatalf("CheckSetupToken of a new token = %v", err)
	}
	admin, err := f.svc.Setup(f.ctx, token, newAdmin())
	if err != nil {
		t.Fatal(err)
	}
	if admin.Role != model.RoleAdmin || admin.EmailAddress() != "ada@example.org" {
		t.Errorf("set-up made %+v, want the administrator ada@example.org", admin)
	}
	if n := f.count(t, `SELECT count(*) FROM setup_tokens WHERE used_at IS NOT NULL`); n != 1 {
		t.Errorf("%d used tokens, want 1", n)
	}
	if err := f.svc.CheckSetupToken(f.ctx, token); err != accounts.ErrSetupComplete {
		t.Errorf("CheckSetupToken after set-up = %v, want ErrSetupComplete", err)
	}

	// With no account able to sign in, only the token's own use stops it.
	if _, err := f.db.Exec(`UPDATE users SET password_hash = ''`); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.CheckSetupToken(f.ctx, token); err != accounts.ErrSetupLinkInvalid {
		t.Errorf("CheckSetupToken of a used token = %v, want ErrSetupLinkInvalid", err)
	}
	again := newAdmin()
	again.Email = "eve@example.org"
	if u, err := f.svc.Setup(f.ctx, token, again); err != accounts.ErrSetupLinkInvalid || u != nil {
		t.Errorf("Setup with a used token = %v, %v; want nil, ErrSetupLinkInvalid", u, err)
	}
	if n := f.count(t, `SELECT count(*) FROM users`); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}

// Ensure a refused account, or a wrong token, leaves the set-up link usable.
func TestSetup_RefusedKeepsLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token, err := f.svc.IssueSetupToken(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	weak := newAdmin()
	weak.Password = "password1"
	_, err = f.svc.Setup(f.ctx, token, weak)
	wantFields(t, err, map[string]string{"password": "This is a very common password. Add another word or two. Uncommon words are better."})
	for _, wrong := range []string{"", "wrong", token + "x"} {
		if _, err := f.svc.Setup(f.ctx, wrong, newAdmin()); err != accounts.ErrSetupLinkInvalid {
			t.Errorf("Setup with token %q = %v, want ErrSetupLinkInvalid", wrong, err)
		}
	}
	if err := f.svc.CheckSetupToken(f.ctx, token); err != nil {
		t.Errorf("CheckSetupToken after refusals = %v, want nil", err)
	}
	if n := f.count(t, `SELECT count(*) FROM users`) + f.count(t, `SELECT count(*) FROM setup_tokens WHERE used_at IS NOT NULL`); n != 0 {
		t.Errorf("refusals left %d accounts or used tokens", n)
	}
}

// Ensure a set-up token works for SetupLinkLifetime and not a second longer.
func TestSetup_LinkExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token, err := f.svc.IssueSetupToken(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(accounts.SetupLinkLifetime - time1s)
	if err := f.svc.CheckSetupToken(f.ctx, token); err != nil {
		t.Errorf("just before expiry: %v", err)
	}
	f.advance(2 * time1s)
	if err := f.svc.CheckSetupToken(f.ctx, token); err != accounts.ErrSetupLinkInvalid {
		t.Errorf("after expiry: %v, want ErrSetupLinkInvalid", err)
	}
	if _, err := f.svc.Setup(f.ctx, token, newAdmin()); err != accounts.ErrSetupLinkInvalid {
		t.Errorf("Setup after expiry = %v, want ErrSetupLinkInvalid", err)
	}
}

// Ensure no set-up token is issued or accepted once an account can sign in, while a
// person named on articles without a password does not count as one.
func TestSetup_CompleteOnceAnAccountExists(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "named@example.org", "")
	token, err := f.svc.IssueSetupToken(f.ctx)
	if err != nil || token == "" {
		t.Fatalf("IssueSetupToken with only a named person = %q, %v; want a token", token, err)
	}
	f.addAccount(t, "ed@example.org", placeholderHash)
	if fresh, err := f.svc.IssueSetupToken(f.ctx); fresh != "" || err != nil {
		t.Errorf("IssueSetupToken with an account = %q, %v; want none", fresh, err)
	}
	if err := f.svc.CheckSetupToken(f.ctx, token); err != accounts.ErrSetupComplete {
		t.Errorf("CheckSetupToken = %v, want ErrSetupComplete", err)
	}
	if _, err := f.svc.Setup(f.ctx, token, newAdmin()); err != accounts.ErrSetupComplete {
		t.Errorf("Setup = %v, want ErrSetupComplete", err)
	}
}
