package accounts_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// password is the password of the accounts that fixtures add with realHash.
const password = "lantern moss quietly"

// realHash is an argon2id hash of password, made once for every test: each hash
// takes 19 MiB and tens of milliseconds.
var realHash = sync.OnceValue(func() string {
	hash, err := auth.HashPassword(password)
	if err != nil {
		panic(err)
	}
	return hash
})

// placeholderHash stands in for a hash where no password is checked: an account
// with any hash can hold sessions.
const placeholderHash = "$argon2id$placeholder"

// fixture is the service on a real SQLite file with every migration, on a clock the
// test moves.
type fixture struct {
	ctx context.Context
	st  *store.Store
	db  *storetest.DB // a second connection, to see what was really saved
	svc *accounts.Service
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	path := storetest.Path(t)
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, path)
	f := &fixture{ctx: ctx, st: st, db: db, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = accounts.New(st)
	f.svc.SetClock(func() time.Time { return f.now })
	return f
}

func (f *fixture) advance(d time.Duration) { f.now = f.now.Add(d) }

// addAccount saves an account with the given password hash ("" for a person named
// on articles who cannot sign in), without going through the service.
func (f *fixture) addAccount(t *testing.T, email, hash string) *model.User {
	t.Helper()
	u := &model.User{Name: "Staff " + email, Email: &email, Role: model.RoleEditor, PasswordHash: hash}
	if err := f.st.CreateUser(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantFields fails unless err is a *model.ValidationError with exactly want.
func wantFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	var v *model.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want *model.ValidationError with %q", err, want)
	}
	if !maps.Equal(v.Fields, want) {
		t.Errorf("fields = %q\nwant     %q", v.Fields, want)
	}
}

// Ensure Create saves an account trimmed, with a lower-cased email and an argon2id
// hash of the password, that can then sign in with its email in any case.
func TestCreate_AccountCanSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, err := f.svc.Create(f.ctx, nil, accounts.NewAccount{Name: " Rita Reviewer ", Email: " Rita@Example.ORG ",
		Role: model.RoleReviewer, Credentials: " MD, neurologist ", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Name != "Rita Reviewer" || u.EmailAddress() != "rita@example.org" || u.Role != model.RoleReviewer || u.Credentials != "MD, neurologist" {
		t.Errorf("created %+v", u)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE email = 'rita@example.org' AND password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'`); n != 1 {
		t.Errorf("%d accounts with an argon2id hash, want 1", n)
	}
	signedIn, err := f.svc.SignIn(f.ctx, "RITA@example.org", password, "client-1")
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if signedIn.ID != u.ID {
		t.Errorf("signed in as account %d, want %d", signedIn.ID, u.ID)
	}
}

// Ensure Create refuses a wrong field or a weak password with every problem named,
// before hashing, and saves nothing.
func TestCreate_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	valid := accounts.NewAccount{Name: "Mo Derator", Email: "mo@example.org", Role: model.RoleModerator, Password: password}
	tests := []struct {
		Name   string
		Change func(*accounts.NewAccount)
		Want   map[string]string
	}{
		{"ErrCommonPassword", func(a *accounts.NewAccount) { a.Password = "password1" },
			map[string]string{"password": "This is a very common password. Add another word or two. Uncommon words are better."}},
		{"ErrShortPassword", func(a *accounts.NewAccount) { a.Password = "k9#vQ2" },
			map[string]string{"password": "Use at least 8 characters."}},
		{"ErrPasswordIsEmail", func(a *accounts.NewAccount) { a.Password = "MO@example.org" },
			map[string]string{"password": "Do not use your name, your email address or the site's name. Add another word or two. Uncommon words are better."}},
		{"ErrPasswordIsName", func(a *accounts.NewAccount) { a.Name, a.Password = "  Moss Lantern Quietly ", "moss lantern quietly" },
			map[string]string{"password": "Do not use your name, your email address or the site's name. Add another word or two. Uncommon words are better."}},
		{"ErrUnknownRole", func(a *accounts.NewAccount) { a.Role = "superuser" },
			map[string]string{"role": "Choose a role."}},
		{"ErrEverything", func(a *accounts.NewAccount) { *a = accounts.NewAccount{Name: "  ", Email: "mo at example"} },
			map[string]string{"name": "Name is required.", "email": "Enter an email address like name@example.com.",
				"role": "Choose a role.", "password": "Use at least 8 characters."}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			a := valid
			tt.Change(&a)
			u, err := f.svc.Create(f.ctx, nil, a)
			if u != nil {
				t.Errorf("Create returned an account: %+v", u)
			}
			wantFields(t, err, tt.Want)
			wantFields(t, a.Validate(), tt.Want)
		})
	}
	if n := f.count(t, `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("%d accounts after refusals", n)
	}
}

// Ensure Create refuses an email that another account has in any case, also one of a
// person who cannot sign in, and leaves that account alone.
func TestCreate_EmailTaken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", placeholderHash)
	f.addAccount(t, "named@example.org", "")
	for _, email := range []string{"ED@example.org", " ed@example.org", "Named@Example.org"} {
		u, err := f.svc.Create(f.ctx, nil, accounts.NewAccount{Name: "Someone Else", Email: email, Role: model.RoleAdmin, Password: password})
		if err != accounts.ErrEmailTaken || u != nil {
			t.Errorf("Create(%q) = %v, %v; want nil, ErrEmailTaken", email, u, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE role = 'editor' AND name LIKE 'Staff %'`); n != 2 {
		t.Errorf("%d original accounts left, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM users`); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}
