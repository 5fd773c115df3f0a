package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure two-step secrets, set up or being set up, are stored only encrypted, and are
// encrypted anew by a rotation of the secret key, so that two-step sign-in keeps
// working after "fascicle rotate-key" and the old key opens nothing.
func TestTOTP_EncryptedAndKeptAcrossRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	email := "two.step@example.org"
	u := &model.User{Name: "Two Step", Email: &email, Role: model.RoleEditor, PasswordHash: "x"}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	const on, pending = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := st.EnableTOTP(ctx, u.ID, on, 42, now, []string{"h1", "h2"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPendingTOTP(ctx, u.ID, pending, now); err != nil {
		t.Fatal(err)
	}
	sealed := func() (a, b []byte) {
		if err := rawDB(t, path).QueryRow(`SELECT totp_secret_enc, totp_pending_enc FROM users WHERE id = ?`, u.ID).Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		return a, b
	}
	a, b := sealed()
	if _, err := testKeys.Open(a); err != nil || string(a) == on || string(b) == pending {
		t.Fatalf("secrets not stored sealed under the key: %v", err)
	}

	next, _ := secret.New(secret.Generate())
	if _, err := st.RotateKeys(ctx, next); err != nil {
		t.Fatal(err)
	}
	got, err := st.TOTP(ctx, u.ID)
	if err != nil || got.Secret != on || got.Pending != pending || got.LastStep != 42 || got.EnabledAt == nil {
		t.Fatalf("after rotation TOTP = %+v, %v", got, err)
	}
	a, b = sealed()
	for _, v := range [][]byte{a, b} {
		if _, err := testKeys.Open(v); !errors.Is(err, secret.ErrDecrypt) {
			t.Errorf("the old key opens a secret sealed after rotation: %v", err)
		}
	}
}

// Ensure migration 0015 undoes cleanly, keeping accounts and sessions, and applies
// again.
func TestMigrate_TwoStepDownAndUp(t *testing.T) {
	storetest.SQLiteOnly(t, "its migration 0015 down and up; PostgreSQL's schema begins at 0018")
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO users (id, name, role, created_at, updated_at, totp_enabled_at) VALUES (1, 'Ed', 'editor', 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, network, browser)
		VALUES ('h', 1, 0, 0, 0, '192.0.2.0/24', 'Firefox 128 on Linux')`); err != nil {
		t.Fatal(err)
	}
	if err := st.MigrateDownTo(ctx, 13); err != nil {
		t.Fatalf("down: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM pragma_table_info('users') WHERE name LIKE 'totp_%'`) +
		count(t, db, `SELECT count(*) FROM pragma_table_info('sessions') WHERE name IN ('network', 'browser')`) +
		count(t, db, `SELECT count(*) FROM sqlite_master WHERE name IN ('recovery_codes', 'two_step_challenges', 'two_step_resets')`); n != 0 {
		t.Errorf("%d columns or tables of 0015 left after Down", n)
	}
	if n := count(t, db, `SELECT count(*) FROM users`) + count(t, db, `SELECT count(*) FROM sessions`); n != 2 {
		t.Errorf("Down lost rows: %d accounts and sessions, want 2", n)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE network = '' AND browser = ''`); n != 1 {
		t.Errorf("after Down and Up, %d sessions with empty network and browser, want 1", n)
	}
}
