package main_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/store"
)

// moPassword is the moderator's password in cliFixture.
const moPassword = "quiet violet harbour"

// runFascicle runs the built fascicle command with args and stdin, and returns what
// it printed on standard output and standard error, and its exit code.
func runFascicle(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(fascicleBinary(t), args...)
	cmd.Env = childEnv()
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("fascicle %q: %v", args, err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

// wantRun fails unless fascicle exits with code and prints want on standard output
// (code 0) or "fascicle: " + want on standard error (otherwise).
func wantRun(t *testing.T, stdin string, code int, want string, args ...string) {
	t.Helper()
	stdout, stderr, got := runFascicle(t, stdin, args...)
	if got != code {
		t.Fatalf("fascicle %q exited %d, want %d\nstdout: %s\nstderr: %s", args, got, code, stdout, stderr)
	}
	if code == 0 && (stdout != want+"\n" || stderr != "") {
		t.Errorf("fascicle %q printed\n%q\nand on stderr %q; want\n%q", args, stdout, stderr, want+"\n")
	}
	if code != 0 && (stderr != "fascicle: "+want+"\n" || stdout != "") {
		t.Errorf("fascicle %q printed on stderr\n%q\nand on stdout %q; want\n%q", args, stderr, stdout, "fascicle: "+want+"\n")
	}
}

// cliFixture is a database file with an administrator and a moderator added by
// "fascicle user add", and the store on it, to start sessions and read what changed.
type cliFixture struct {
	db  string
	st  *store.Store
	svc *accounts.Service
}

func newCLIFixture(t *testing.T) *cliFixture {
	t.Helper()
	db := filepath.Join(t.TempDir(), "site.db")
	wantRun(t, "violet harbour lamp\n", 0, "created admin account 1 for ada@example.org",
		"user", "add", "--db", db, "--email", "ada@example.org", "--name", "Ada Admin", "--role", "admin")
	wantRun(t, moPassword+"\n", 0, "created moderator account 2 for mo@example.org",
		"user", "add", "--db", db, "--email", "mo@example.org", "--name", "Mo Moderator", "--role", "moderator", "--credentials", "RN")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &cliFixture{db: db, st: st, svc: accounts.New(st)}
}

// session signs the account of email in and returns the token.
func (f *cliFixture) session(t *testing.T, email string) string {
	t.Helper()
	u, err := f.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	token, err := f.svc.StartSession(context.Background(), u, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func (f *cliFixture) signedIn(token string) bool {
	_, err := f.svc.SessionUser(context.Background(), token)
	return err == nil
}

// auditLines returns the staff audit log as "actor|action|detail", oldest first.
func (f *cliFixture) auditLines(t *testing.T) []string {
	t.Helper()
	db := openDB(t, f.db)
	rows, err := db.Query(`SELECT actor_name, action, detail FROM staff_audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var actor, action, detail string
		if err := rows.Scan(&actor, &action, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, actor+"|"+action+"|"+detail)
	}
	return lines
}

// Ensure "fascicle user list" prints a table of the accounts that can sign in, by
// name, with their email, name, role, two-step sign-in, whether they are disabled
// and their last sign-in.
func TestUserList(t *testing.T) {
	t.Parallel()
	f := newCLIFixture(t)
	f.session(t, "ada@example.org")
	stdout, stderr, code := runFascicle(t, "", "user", "list", "--db", f.db)
	if code != 0 || stderr != "" {
		t.Fatalf("user list exited %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^EMAIL +NAME +ROLE +TWO-STEP +DISABLED +LAST SIGN-IN$`),
		regexp.MustCompile(`^ada@example\.org +Ada Admin +admin +off +no +20\d\d-\d\d-\d\d \d\d:\d\d UTC$`),
		regexp.MustCompile(`^mo@example\.org +Mo Moderator +moderator +off +no +never$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("user list printed %d lines, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d = %q, want %s", i+1, lines[i], re)
		}
	}
	if strings.Contains(stdout, "$argon2id") {
		t.Error("user list prints a password hash")
	}
}

// Ensure "fascicle user disable" ends the account's sessions and marks it disabled,
// "enable" undoes it, both are audited as from the command line, and the last active
// administrator cannot be disabled.
func TestUserDisableEnable(t *testing.T) {
	t.Parallel()
	f := newCLIFixture(t)
	first, second := f.session(t, "mo@example.org"), f.session(t, "mo@example.org")
	admin := f.session(t, "ada@example.org")

	wantRun(t, "", 0, "disabled the account of mo@example.org; its sessions have ended and it cannot sign in",
		"user", "disable", "--db", f.db, "--email", "MO@example.org")
	if f.signedIn(first) || f.signedIn(second) {
		t.Error("a session of the disabled account still works")
	}
	if !f.signedIn(admin) {
		t.Error("disabling another account ended the administrator's session")
	}
	stdout, _, _ := runFascicle(t, "", "user", "list", "--db", f.db)
	if !regexp.MustCompile(`(?m)^mo@example\.org +Mo Moderator +moderator +off +since 20\d\d-\d\d-\d\d \d\d:\d\d UTC +20\d\d-\d\d-\d\d \d\d:\d\d UTC$`).MatchString(stdout) {
		t.Errorf("user list after disabling:\n%s", stdout)
	}
	wantRun(t, "", 0, "the account of mo@example.org is already disabled", "user", "disable", "--db", f.db, "--email", "mo@example.org")

	wantRun(t, "", 2, "ada@example.org is the last active administrator and cannot be disabled; make another account an administrator first",
		"user", "disable", "--db", f.db, "--email", "ada@example.org")
	if !f.signedIn(admin) {
		t.Error("a refused disable ended the administrator's session")
	}
	wantRun(t, "", 2, `no staff account signs in with nobody@example.org (see "fascicle user list")`,
		"user", "disable", "--db", f.db, "--email", "nobody@example.org")

	wantRun(t, "", 0, "enabled the account of mo@example.org; it can sign in again", "user", "enable", "--db", f.db, "--email", "mo@example.org")
	wantRun(t, "", 0, "the account of mo@example.org is already enabled", "user", "enable", "--db", f.db, "--email", "mo@example.org")
	got := strings.Join(f.auditLines(t), "\n")
	want := strings.Join([]string{
		"command line|created|Administrator",
		"command line|created|Moderator",
		"command line|disabled|2 sessions ended",
		"command line|enabled|",
	}, "\n")
	if got != want {
		t.Errorf("audit log:\n%s\nwant:\n%s", got, want)
	}
}

// Ensure "fascicle user set-password" judges the password from standard input with
// the account's name and email, refuses a weak one with zxcvbn's words and changes
// nothing, and otherwise sets it and ends every session of the account.
func TestUserSetPassword(t *testing.T) {
	t.Parallel()
	f := newCLIFixture(t)
	token := f.session(t, "mo@example.org")
	hash := func() string {
		u, err := f.st.UserByEmail(context.Background(), "mo@example.org")
		if err != nil {
			t.Fatal(err)
		}
		return u.PasswordHash
	}
	before := hash()

	for password, message := range map[string]string{
		"password123":   "This is a very common password. Add another word or two. Uncommon words are better.",
		"moderator2026": "Do not use your name, your email address or the site's name. Add another word or two. Uncommon words are better.",
		"Fascicle2026":  "Do not use your name, your email address or the site's name. Add another word or two. Uncommon words are better. Capitalisation doesn't help very much.",
		"":              "Use at least 8 characters.",
	} {
		wantRun(t, password+"\n", 2, "password (from standard input): "+message, "user", "set-password", "--db", f.db, "--email", "mo@example.org")
	}
	if hash() != before || !f.signedIn(token) {
		t.Fatal("a refused password changed the account or ended its session")
	}

	const newPassword = "tangerine orchard whistle"
	wantRun(t, newPassword+"\n", 0, "set a new password for mo@example.org; every session of the account has ended",
		"user", "set-password", "--db", f.db, "--email", "mo@example.org")
	if f.signedIn(token) {
		t.Error("the session from before the new password still works")
	}
	if err := auth.VerifyPassword(hash(), newPassword); err != nil {
		t.Errorf("the new password does not match the stored hash: %v", err)
	}
	if err := auth.VerifyPassword(hash(), moPassword); !errors.Is(err, auth.ErrWrongPassword) {
		t.Errorf("the old password still matches: %v", err)
	}
	audit := f.auditLines(t)
	if last := audit[len(audit)-1]; last != "command line|password-set|1 session ended" {
		t.Errorf("last audit entry %q", last)
	}
	if strings.Contains(strings.Join(audit, "\n"), "tangerine") {
		t.Error("the audit log holds the password")
	}
	wantRun(t, newPassword+"\n", 2, `no staff account signs in with nobody@example.org (see "fascicle user list")`,
		"user", "set-password", "--db", f.db, "--email", "nobody@example.org")
}
