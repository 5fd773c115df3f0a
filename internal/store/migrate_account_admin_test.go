package store

import (
	"context"
	"testing"
)

// Ensure the account-administration migration keeps every account active, makes a
// role change, and not a disabling, reach cached pages (a staff reply shows its role),
// and undoes itself cleanly.
func TestMigrate_AccountAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, p := storeAtVersion(t, 13)
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
	bumps := func(query string) bool {
		t.Helper()
		before, err := st.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := tryExec(st, query); err != nil {
			t.Fatal(err)
		}
		after, err := st.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return after != before
	}
	for _, step := range []struct {
		query string
		bump  bool
	}{
		{`UPDATE users SET disabled_at = '2026-02-01' WHERE id = 1`, false}, // no public page shows it
		{`UPDATE users SET role = 'editor' WHERE id = 1`, true},             // a staff reply shows it
		{`UPDATE users SET role = 'editor', name = 'Ann' WHERE id = 1`, false},
		{`UPDATE users SET credentials = 'RN' WHERE id = 1`, true},
	} {
		if got := bumps(step.query); got != step.bump {
			t.Errorf("%s: content version changed %v, want %v", step.query, got, step.bump)
		}
	}
	if err := tryExec(st, `INSERT INTO staff_audit (actor_name, account_id, action, created_at) VALUES ('command line', 1, 'disabled', '2026-02-01')`); err != nil {
		t.Fatal(err)
	}

	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatalf("down: %v", err)
	}
	if bumps(`UPDATE users SET role = 'author' WHERE id = 1`) || !bumps(`UPDATE users SET name = 'Ann B' WHERE id = 1`) {
		t.Error("after the migration was undone, the content version does not follow the name alone, as before")
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
