package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// goodPassword is long enough, not in the list of common passwords, and not the
// account's name or email.
const goodPassword = "quiet violet harbour"

// withStdin makes os.Stdin read input until the test ends. run reads the password of
// "user add" from os.Stdin, so that is the only way to give it one. os.Stdin is the
// process's, so the tests that use it are not parallel.
func withStdin(t *testing.T, input string) {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stdin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(input); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = f
	t.Cleanup(func() {
		os.Stdin = saved
		f.Close()
	})
}

// runUser runs "fascicle" with args and the given standard input, and returns what it
// printed on standard output and its error.
func runUser(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	withStdin(t, stdin)
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), err
}

// userRow is an account as stored, read without the store.
type userRow struct {
	Name, Email, Role, PasswordHash string
}

func readUsers(t *testing.T, db string) []userRow {
	t.Helper()
	conn, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT name, email, role, password_hash FROM users ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var users []userRow
	for rows.Next() {
		var u userRow
		if err := rows.Scan(&u.Name, &u.Email, &u.Role, &u.PasswordHash); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return users
}

// Ensure "fascicle user add" creates a staff account with a lower-cased email and an
// argon2id hash of the password read from standard input, that the account can then
// be found and its password checked, and that a second account with the same email,
// in any case, is refused and leaves the first alone.
func TestRun_UserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "site.db")
	const typedEmail = "Mona.Moderator@Example.COM"
	const email = "mona.moderator@example.com"

	out, err := runUser(t, goodPassword+"\n",
		"user", "add", "--db", db, "--email", typedEmail, "--name", "Mona Moderator", "--role", "moderator")
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
	if !strings.HasPrefix(out, "created moderator account 1 for ") ||
		!strings.EqualFold(out, "created moderator account 1 for "+email+"\n") {
		t.Errorf("user add printed %q, want %q", out, "created moderator account 1 for "+email+"\n")
	}

	t.Run("StoredAsTyped", func(t *testing.T) {
		users := readUsers(t, db)
		if len(users) != 1 {
			t.Fatalf("%d accounts in the database, want 1: %+v", len(users), users)
		}
		u := users[0]
		if u.Name != "Mona Moderator" || u.Email != email || u.Role != "moderator" {
			t.Errorf("stored account = name %q, email %q, role %q; want %q, %q, %q",
				u.Name, u.Email, u.Role, "Mona Moderator", email, "moderator")
		}
		const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
		if !strings.HasPrefix(u.PasswordHash, prefix) {
			t.Errorf("password_hash = %q, want it to start with %q", u.PasswordHash, prefix)
		}
		if strings.Contains(u.PasswordHash, goodPassword) {
			t.Errorf("password_hash contains the password itself")
		}
	})

	t.Run("AccountCanSignIn", func(t *testing.T) {
		st, err := store.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ctx := context.Background()
		u, err := st.UserByEmail(ctx, typedEmail)
		if err != nil {
			t.Fatalf("UserByEmail(%q): %v", typedEmail, err)
		}
		if u.Role != model.RoleModerator || u.Email == nil || *u.Email != email || u.Name != "Mona Moderator" {
			t.Errorf("UserByEmail = %+v, want the moderator Mona Moderator <%s>", u, email)
		}
		if !u.Role.Can(model.PermModerateComments) || u.Role.Can(model.PermManageSettings) {
			t.Errorf("a moderator may moderate and may not change settings; role %q says otherwise", u.Role)
		}
		if err := auth.VerifyPassword(u.PasswordHash, goodPassword); err != nil {
			t.Errorf("the password from standard input does not match the stored hash: %v", err)
		}
		if err := auth.VerifyPassword(u.PasswordHash, goodPassword+"\n"); !errors.Is(err, auth.ErrWrongPassword) {
			t.Errorf("the password with its newline matched the hash (err = %v); the newline must not be part of it", err)
		}
		if n, err := st.CountAccounts(ctx); err != nil || n != 1 {
			t.Errorf("CountAccounts = %d, %v; want 1", n, err)
		}
	})

	t.Run("DuplicateEmailRefused", func(t *testing.T) {
		out, err := runUser(t, "another quiet password\n",
			"user", "add", "--db", db, "--email", "MONA.moderator@example.com", "--name", "Someone Else", "--role", "admin")
		if err == nil {
			t.Fatalf("a second account with the same email was created; printed %q", out)
		}
		if want := "an account with the email MONA.moderator@example.com already exists"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
		if out != "" {
			t.Errorf("printed %q after a refusal, want nothing", out)
		}
		users := readUsers(t, db)
		if len(users) != 1 || users[0].Name != "Mona Moderator" || users[0].Role != "moderator" {
			t.Errorf("accounts after the refused duplicate = %+v, want only Mona Moderator, moderator", users)
		}
	})
}

// Ensure "fascicle user add --credentials" stores the credentials shown beside the
// person's name, trimmed, and that the account gets a private profile with an address
// made from the name.
func TestRun_UserAddCredentials(t *testing.T) {
	db := filepath.Join(t.TempDir(), "site.db")
	if _, err := runUser(t, goodPassword+"\n", "user", "add", "--db", db, "--email", "rita@example.org",
		"--name", "Dr. Rita Reviewer", "--role", "reviewer", "--credentials", " MD, neurologist "); err != nil {
		t.Fatalf("user add: %v", err)
	}
	conn, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var credentials, slug string
	var public bool
	if err := conn.QueryRow(`SELECT credentials, slug, profile_public FROM users WHERE email = 'rita@example.org'`).
		Scan(&credentials, &slug, &public); err != nil {
		t.Fatal(err)
	}
	if credentials != "MD, neurologist" || slug != "dr-rita-reviewer" || public {
		t.Errorf("stored credentials %q, slug %q, public %v; want %q, %q, false", credentials, slug, public, "MD, neurologist", "dr-rita-reviewer")
	}
}

// Ensure the password is the first line of standard input, whatever ends it: a
// Windows line end, or none at all.
func TestRun_UserAddPasswordLineEnds(t *testing.T) {
	for _, tc := range []struct{ name, stdin string }{
		{"NoNewline", goodPassword},
		{"CRLF", goodPassword + "\r\nsecond line is ignored\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "site.db")
			if _, err := runUser(t, tc.stdin, "user", "add", "--db", db,
				"--email", "ed@example.com", "--name", "Ed Editor", "--role", "editor"); err != nil {
				t.Fatalf("user add: %v", err)
			}
			users := readUsers(t, db)
			if len(users) != 1 || users[0].Role != "editor" {
				t.Fatalf("accounts = %+v, want one editor", users)
			}
			if err := auth.VerifyPassword(users[0].PasswordHash, goodPassword); err != nil {
				t.Errorf("stored hash does not match %q: %v", goodPassword, err)
			}
		})
	}
}

// Ensure "fascicle user add" refuses a bad role, a weak password, a missing email or
// name and stray arguments with a message that says what is wrong, and creates no
// database while refusing.
func TestRun_UserAddRefused(t *testing.T) {
	const roles = "choose one of admin, editor, author, reviewer, moderator"
	for _, tc := range []struct {
		name    string
		args    []string // after "user add --db FILE"
		stdin   string
		wantErr string
	}{
		{"UnknownRole", []string{"--email", "a@example.com", "--name", "Ann", "--role", "superuser"}, goodPassword + "\n",
			`unknown role "superuser"; ` + roles},
		{"MissingRole", []string{"--email", "a@example.com", "--name", "Ann"}, goodPassword + "\n",
			`unknown role ""; ` + roles},
		{"RoleIsCaseSensitive", []string{"--email", "a@example.com", "--name", "Ann", "--role", "Admin"}, goodPassword + "\n",
			`unknown role "Admin"; ` + roles},
		{"CommonPassword", []string{"--email", "a@example.com", "--name", "Ann", "--role", "admin"}, "password1\n",
			"password (from standard input): This is a very common password. Add another word or two. Uncommon words are better."},
		{"CommonPasswordAnyCase", []string{"--email", "a@example.com", "--name", "Ann", "--role", "admin"}, "PassWord1\n",
			"password (from standard input): This is a very common password. Add another word or two. Uncommon words are better."},
		{"ShortPassword", []string{"--email", "a@example.com", "--name", "Ann", "--role", "admin"}, "Xq7#zp1\n",
			"password (from standard input): Use at least 8 characters."},
		{"EmptyStdin", []string{"--email", "a@example.com", "--name", "Ann", "--role", "admin"}, "",
			"password (from standard input): Use at least 8 characters."},
		{"PasswordIsEmail", []string{"--email", "annabel.long@example.com", "--name", "Ann", "--role", "admin"}, "annabel.long@example.com\n",
			"password (from standard input): Do not use your name, your email address or the site's name. Add another word or two. Uncommon words are better."},
		{"MissingEmail", []string{"--name", "Ann", "--role", "admin"}, goodPassword + "\n",
			"--email must be an email address like name@example.com"},
		{"BadEmail", []string{"--email", "Ann <a@example.com>", "--name", "Ann", "--role", "admin"}, goodPassword + "\n",
			"--email must be an email address like name@example.com"},
		{"MissingName", []string{"--email", "a@example.com", "--role", "admin"}, goodPassword + "\n",
			"--name is required (at most 245 bytes)"},
		{"BlankName", []string{"--email", "a@example.com", "--name", "   ", "--role", "admin"}, goodPassword + "\n",
			"--name is required (at most 245 bytes)"},
		{"EverythingWrong", []string{"--role", "root"}, "short\n",
			`unknown role "root"; ` + roles + "; --name is required (at most 245 bytes); " +
				"--email must be an email address like name@example.com; password (from standard input): Use at least 8 characters."},
		{"StrayArgument", []string{"--email", "a@example.com", "--name", "Ann", "--role", "admin", "extra"}, goodPassword + "\n",
			`user add takes no arguments, got ["extra"]`},
		{"CredentialsTooLong", []string{"--email", "a@example.com", "--name", "Ann", "--role", "reviewer", "--credentials", strings.Repeat("c", 246)},
			goodPassword + "\n", "--credentials is too long (at most 245 bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "site.db")
			out, err := runUser(t, tc.stdin, append([]string{"user", "add", "--db", db}, tc.args...)...)
			if err == nil {
				t.Fatalf("user add succeeded; printed %q", out)
			}
			if err.Error() != tc.wantErr {
				t.Errorf("err = %q\nwant  %q", err, tc.wantErr)
			}
			if out != "" {
				t.Errorf("printed %q, want nothing", out)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused user add touched the database file (stat: %v)", err)
			}
		})
	}
}

// Ensure "fascicle user" needs a known subcommand, says how to use each, and touches
// no database file when it has none.
func TestRun_UserWithoutSubcommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"NoSubcommand", []string{"user"}, userUsage},
		{"UnknownSubcommand", []string{"user", "remove", "--email", "a@example.com"}, "unknown command \"user remove\"\n" + userUsage},
		{"FlagsFirst", []string{"user", "--email", "a@example.com", "add"}, "unknown command \"user --email\"\n" + userUsage},
		{"DisableWithoutEmail", []string{"user", "disable"}, "user disable: --email is required"},
		{"ResetTwoStepWithoutEmail", []string{"user", "reset-2fa"}, "user reset-2fa: --email is required"},
		{"SetPasswordWithoutEmail", []string{"user", "set-password", "--email", " "}, "user set-password: --email is required"},
		{"ListWithArguments", []string{"user", "list", "everyone"}, `user list takes no arguments, got ["everyone"]`},
		{"ListWithoutDatabase", []string{"user", "list"}, "no database at ./fascicle.db (set --db or FASCICLE_DB)"},
		{"EnableWithoutDatabase", []string{"user", "enable", "--email", "a@example.com"}, "no database at ./fascicle.db (set --db or FASCICLE_DB)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // the default database is ./fascicle.db; none must appear
			out, err := runUser(t, goodPassword+"\n", tc.args...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("run(%q): err = %v, want %q", tc.args, err, tc.want)
			}
			if out != "" {
				t.Errorf("run(%q) printed %q, want nothing", tc.args, out)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("run(%q) created %v", tc.args, entries)
			}
		})
	}
}

// Ensure FASCICLE_DB chooses the database of "user add" when --db is not given.
func TestRun_UserAddDatabaseFromEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "from-env.db")
	t.Setenv("FASCICLE_DB", db)
	if _, err := runUser(t, goodPassword+"\n", "user", "add",
		"--email", "rita@example.com", "--name", "Rita Reviewer", "--role", "reviewer"); err != nil {
		t.Fatalf("user add: %v", err)
	}
	users := readUsers(t, db)
	if len(users) != 1 || users[0].Email != "rita@example.com" || users[0].Role != "reviewer" {
		t.Errorf("accounts in $FASCICLE_DB = %+v, want Rita, reviewer", users)
	}
}
