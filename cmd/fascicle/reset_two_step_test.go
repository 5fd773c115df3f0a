package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure "fascicle user reset-2fa --email E" turns off the two-step sign-in of that
// account alone, in a real database file: its secret, recovery codes and half-finished
// sign-ins are gone, the reset is recorded as done from the command line, a second run
// changes nothing, and an unknown email or a missing flag is refused.
func TestRun_UserResetTwoStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "site.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, email := range []string{"lost.phone@example.org", "keeps.phone@example.org"} {
		u := &model.User{Name: "Staff " + email, Email: &email, Role: model.RoleEditor, PasswordHash: hash}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	st.Close()
	conn, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(query, args...); err != nil {
			t.Fatal(err)
		}
	}
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, id := range ids {
		exec(`UPDATE users SET totp_secret_enc = x'00112233', totp_enabled_at = '2026-01-01 00:00:00', totp_last_step = 7 WHERE id = ?`, id)
		exec(`INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, 'hash-a'), (?, 'hash-b')`, id, id)
		exec(`INSERT INTO two_step_challenges (token_hash, user_id, created_at, expires_at) VALUES (?, ?, '2026-01-01 00:00:00', '2999-01-01 00:00:00')`,
			"challenge-"+strconv.FormatInt(id, 10), id)
	}

	run1 := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, args, &out, &errOut)
		return out.String(), err
	}
	out, err := run1("user", "reset-2fa", "--db", db, "--email", "Lost.Phone@Example.org")
	if err != nil {
		t.Fatalf("reset-2fa: %v", err)
	}
	if want := "two-step sign-in reset for lost.phone@example.org: they sign in with their password alone until they set it up again\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if n := count(`SELECT count(*) FROM users WHERE id = ? AND totp_secret_enc IS NULL AND totp_enabled_at IS NULL AND totp_last_step = 0`, ids[0]); n != 1 {
		t.Error("the account still has its secret")
	}
	for table, want := range map[string][2]int{"recovery_codes": {0, 2}, "two_step_challenges": {0, 1}} {
		for i, id := range ids {
			if n := count(`SELECT count(*) FROM `+table+` WHERE user_id = ?`, id); n != want[i] {
				t.Errorf("%s: %d rows of account %d, want %d", table, n, id, want[i])
			}
		}
	}
	if n := count(`SELECT count(*) FROM users WHERE id = ? AND totp_enabled_at IS NOT NULL`, ids[1]); n != 1 {
		t.Error("the other account lost its two-step sign-in")
	}
	if n := count(`SELECT count(*) FROM two_step_resets WHERE user_id = ? AND reset_by IS NULL AND by_command_line = 1`, ids[0]); n != 1 {
		t.Errorf("%d resets recorded as from the command line, want 1", n)
	}

	out, err = run1("user", "reset-2fa", "--db", db, "--email", "lost.phone@example.org")
	if err != nil || !strings.Contains(out, "already off") {
		t.Errorf("second reset-2fa: %q, %v", out, err)
	}
	if n := count(`SELECT count(*) FROM two_step_resets`); n != 1 {
		t.Errorf("%d resets recorded after a reset of what was off, want 1", n)
	}
	if _, err := run1("user", "reset-2fa", "--db", db, "--email", "nobody@example.org"); err == nil ||
		!strings.Contains(err.Error(), "no staff account signs in with nobody@example.org") {
		t.Errorf("unknown email: %v", err)
	}
	if _, err := run1("user", "reset-2fa", "--db", db); err == nil || !strings.Contains(err.Error(), "--email is required") {
		t.Errorf("no --email: %v", err)
	}
}
