package accounts_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
)

const time1s = time.Second

// Ensure a wrong password, an unknown email and an account without a password are
// all the same error, which says nothing about which was wrong.
func TestSignIn_WrongCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", realHash())
	f.addAccount(t, "named@example.org", "")
	tests := []struct{ Name, Email, Password string }{
		{"ErrWrongPassword", "ed@example.org", "not the password"},
		{"ErrUnknownEmail", "nobody@example.org", password},
		{"ErrAccountWithoutPassword", "named@example.org", ""},
	}
	for i, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			u, err := f.svc.SignIn(f.ctx, tt.Email, tt.Password, "client-"+strconv.Itoa(i))
			if err != accounts.ErrWrongCredentials || u != nil {
				t.Errorf("SignIn = %v, %v; want nil, ErrWrongCredentials", u, err)
			}
		})
	}
}

// Ensure a stored hash that cannot be checked refuses the sign-in as wrong
// credentials, with the cause kept for the log.
func TestSignIn_BrokenHash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", "not an argon2id hash")
	_, err := f.svc.SignIn(f.ctx, "ed@example.org", password, "client")
	if !errors.Is(err, accounts.ErrWrongCredentials) || err == accounts.ErrWrongCredentials {
		t.Errorf("SignIn = %v, want ErrWrongCredentials wrapping the cause", err)
	}
}

// Ensure MaxSignInFailures wrong passwords lock the account for SignInWindow, even
// with the right password from another client, and only that account.
func TestSignIn_LockedOutAfterFiveFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", realHash())
	other := f.addAccount(t, "rita@example.org", realHash())
	for i := range accounts.MaxSignInFailures {
		if _, err := f.svc.SignIn(f.ctx, "ed@example.org", "guess "+strconv.Itoa(i), "client-"+strconv.Itoa(i)); err != accounts.ErrWrongCredentials {
			t.Fatalf("guess %d: %v, want ErrWrongCredentials", i, err)
		}
	}
	_, err := f.svc.SignIn(f.ctx, " ED@example.org", password, "client-new")
	var locked *accounts.LockedOutError
	if !errors.As(err, &locked) || !errors.Is(err, accounts.ErrLockedOut) {
		t.Fatalf("right password after %d failures: %v, want *LockedOutError", accounts.MaxSignInFailures, err)
	}
	if locked.RetryAfter != accounts.SignInWindow {
		t.Errorf("RetryAfter = %v, want %v", locked.RetryAfter, accounts.SignInWindow)
	}
	if u, err := f.svc.SignIn(f.ctx, "rita@example.org", password, "client-new"); err != nil || u.ID != other.ID {
		t.Errorf("another account: %v, %v; want it signed in", u, err)
	}
	f.advance(accounts.SignInWindow - time1s)
	if _, err := f.svc.SignIn(f.ctx, "ed@example.org", password, "client-new"); !errors.Is(err, accounts.ErrLockedOut) {
		t.Errorf("just before the window ends: %v, want ErrLockedOut", err)
	}
	f.advance(2 * time1s)
	if _, err := f.svc.SignIn(f.ctx, "ed@example.org", password, "client-new"); err != nil {
		t.Errorf("after the window: %v, want signed in", err)
	}
}

// Ensure one client that fails with MaxSignInFailures emails is locked out for every
// account, while other clients are not, and that the failures name neither.
func TestSignIn_ClientLockedOutForEveryAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", realHash())
	for i := range accounts.MaxSignInFailures {
		if _, err := f.svc.SignIn(f.ctx, "guess"+strconv.Itoa(i)+"@example.org", password, "client-a"); err != accounts.ErrWrongCredentials {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if _, err := f.svc.SignIn(f.ctx, "ed@example.org", password, "client-a"); !errors.Is(err, accounts.ErrLockedOut) {
		t.Errorf("the guessing client: %v, want ErrLockedOut", err)
	}
	if _, err := f.svc.SignIn(f.ctx, "ed@example.org", password, "client-b"); err != nil {
		t.Errorf("another client: %v, want signed in", err)
	}
	if n := f.count(t, `SELECT count(*) FROM sign_in_failures WHERE subject LIKE '%example.org%' OR subject LIKE '%guess%'`); n != 0 {
		t.Errorf("%d failures name an email", n)
	}
}
