package store

import (
	"context"
	"testing"
)

// Ensure the staff-profile migration keeps the accounts it finds (private, with no
// address until start-up gives one), bumps the content version only when a field a
// public page shows really changes, and undoes itself cleanly.
func TestMigrate_StaffProfiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, p := storeAtVersion(t, 10)
	exec := func(query string) {
		t.Helper()
		if err := st.db.Exec(query).Error; err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec(`INSERT INTO users (id, name, role, credentials, created_at, updated_at) VALUES (1, 'Ann', 'author', 'RN', '2026-01-01', '2026-01-01')`)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := st.User(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Ann" || u.Credentials != "RN" || u.Slug != "" || u.Bio != "" || u.Photo != "" || u.ProfilePublic {
		t.Errorf("account after the migration = %+v; want Ann, RN, no address, empty and private", u)
	}

	bumps := func(query string) bool {
		t.Helper()
		before, err := st.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exec(query)
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
		{`UPDATE users SET slug = 'ann' WHERE id = 1`, true},
		{`UPDATE users SET bio = 'Nurse.' WHERE id = 1`, true},
		{`UPDATE users SET photo = 'aaaaaaaaaaaaaaaa.png' WHERE id = 1`, true},
		{`UPDATE users SET profile_public = 1 WHERE id = 1`, true},
		{`UPDATE users SET name = 'Ann B' WHERE id = 1`, true},
		{`UPDATE users SET bio = 'Nurse.', name = 'Ann B', slug = 'ann' WHERE id = 1`, false}, // nothing changed
		{`UPDATE users SET last_sign_in_at = '2026-02-01', updated_at = '2026-02-02' WHERE id = 1`, false},
		{`INSERT INTO users (name, role, created_at, updated_at) VALUES ('Private', 'author', '2026-01-01', '2026-01-01')`, false},
		{`INSERT INTO users (name, role, profile_public, created_at, updated_at) VALUES ('Public', 'author', 1, '2026-01-01', '2026-01-01')`, true},
	} {
		if got := bumps(step.query); got != step.bump {
			t.Errorf("%s: content version changed %v, want %v", step.query, got, step.bump)
		}
	}
	if err := tryExec(st, `INSERT INTO users (name, role, slug, created_at, updated_at) VALUES ('Ann C', 'author', 'ann', '2026-01-01', '2026-01-01')`); err == nil {
		t.Error("a second account took the address ann")
	}

	if _, err := p.DownTo(ctx, 10); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := tryExec(st, `SELECT slug FROM users`); err == nil {
		t.Error("the slug column is still there after the migration was undone")
	}
	if !bumps(`UPDATE users SET credentials = 'RN, BSc' WHERE id = 1`) {
		t.Error("after the migration was undone, a change of credentials no longer bumps the content version")
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}

func tryExec(st *Store, query string) error {
	return st.db.Exec(query).Error
}
