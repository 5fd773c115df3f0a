package store

import (
	"context"
	"path/filepath"
	"testing"
)

// Ensure the account-administration migration keeps every account active, gives a
// disabling no effect on the pages' content version (nothing public changes), and
// undoes itself cleanly.
func TestMigrate_AccountAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if err := tryExec(st, `INSERT INTO users (id, name, email, role, password_hash, created_at, updated_at)
		VALUES (1, 'Ann', 'ann@example.org', 'admin', 'x', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := st.User(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if u.Disabled() {
		t.Errorf("an account is disabled by the migration: %+v", u)
	}
	if n, err := st.CountActiveAdmins(ctx); err != nil || n != 1 {
		t.Errorf("CountActiveAdmins = %d, %v; want 1", n, err)
	}
	before, err := st.ContentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tryExec(st, `UPDATE users SET disabled_at = '2026-02-01' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.ContentVersion(ctx); after != before {
		t.Error("disabling an account changed the content version; no public page shows it")
	}
	if err := tryExec(st, `INSERT INTO staff_audit (actor_name, account_id, action, created_at) VALUES ('command line', 1, 'disabled', '2026-02-01')`); err != nil {
		t.Fatal(err)
	}

	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatalf("down: %v", err)
	}
	for _, query := range []string{`SELECT disabled_at FROM users`, `SELECT count(*) FROM staff_audit`} {
		if err := tryExec(st, query); err == nil {
			t.Errorf("%s works after the migration was undone", query)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
