package accounts_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure StartSession issues a new token whose hash alone is stored, ends the session
// the browser had, and records the sign-in.
func TestStartSession_ReplacesPreviousAndRecordsSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.addAccount(t, "ed@example.org", placeholderHash)
	first, err := f.svc.StartSession(f.ctx, u, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.SessionUser(f.ctx, first); err != nil || got.ID != u.ID {
		t.Fatalf("SessionUser(first) = %v, %v", got, err)
	}
	f.advance(time.Minute)
	second, err := f.svc.StartSession(f.ctx, u, first, accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if second == "" || second == first {
		t.Fatalf("second token %q, first %q", second, first)
	}
	if _, err := f.svc.SessionUser(f.ctx, first); err != accounts.ErrNoSession {
		t.Errorf("SessionUser(first) after signing in again = %v, want ErrNoSession", err)
	}
	if n := f.count(t, `SELECT count(*) FROM sessions WHERE user_id = ? AND token_hash = ?`, u.ID, auth.TokenHash(second)); n != 1 {
		t.Errorf("%d sessions under the second token's hash, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM sessions`); n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM sessions WHERE token_hash IN (?, ?)`, first, second); n != 0 {
		t.Error("a token is stored in clear")
	}
	stored, err := f.st.User(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.LastSignInAt == nil || !stored.LastSignInAt.Equal(f.now) {
		t.Errorf("LastSignInAt = %v, want %v", stored.LastSignInAt, f.now)
	}
}

// Ensure a StartSession that fails part-way leaves no half-written session: the old
// session and the stale ones it would have deleted are still there, and no new one.
func TestStartSession_FailureLeavesNoHalfWrittenSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.addAccount(t, "ed@example.org", placeholderHash)
	previous, err := f.svc.StartSession(f.ctx, u, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	stale := f.now.Add(-2 * accounts.SessionLifetime)
	if _, err := f.db.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('stale', ?, ?, ?, ?)`,
		u.ID, stale, stale, stale.Add(accounts.SessionLifetime)); err != nil {
		t.Fatal(err)
	}
	signedInAt := f.now
	f.advance(time.Minute)
	// Creating a session for an account that does not exist fails after both deletes.
	token, err := f.svc.StartSession(f.ctx, &model.User{ID: u.ID + 100}, previous, accounts.Client{})
	if !errors.Is(err, model.ErrNotFound) || token != "" {
		t.Fatalf("StartSession for a missing account = %q, %v; want model.ErrNotFound", token, err)
	}
	if got, err := f.svc.SessionUser(f.ctx, previous); err != nil || got.ID != u.ID {
		t.Errorf("the previous session after the failure: %v, %v; want it kept", got, err)
	}
	if n := f.count(t, `SELECT count(*) FROM sessions WHERE token_hash = 'stale'`); n != 1 {
		t.Error("the stale session was deleted by a failed StartSession")
	}
	if n := f.count(t, `SELECT count(*) FROM sessions`); n != 2 {
		t.Errorf("%d sessions, want the 2 from before", n)
	}
	if stored, err := f.st.User(f.ctx, u.ID); err != nil || stored.LastSignInAt == nil || !stored.LastSignInAt.Equal(signedInAt) {
		t.Errorf("the account's last sign-in after the failure: %v, %v; want %v", stored, err, signedInAt)
	}
}

// Ensure a session ends after SessionIdle without use, and SessionLifetime after
// sign-in however often it is used; its last use is written at most once a minute.
func TestSessionUser_IdleAndLifetime(t *testing.T) {
	t.Parallel()
	t.Run("ErrIdle", func(t *testing.T) {
		f := newFixture(t)
		token, err := f.svc.StartSession(f.ctx, f.addAccount(t, "ed@example.org", placeholderHash), "", accounts.Client{})
		if err != nil {
			t.Fatal(err)
		}
		f.advance(accounts.SessionIdle - time1s)
		if _, err := f.svc.SessionUser(f.ctx, token); err != nil {
			t.Fatalf("used just within the idle time: %v", err)
		}
		f.advance(accounts.SessionIdle + time1s)
		if _, err := f.svc.SessionUser(f.ctx, token); err != accounts.ErrNoSession {
			t.Errorf("idle too long: %v, want ErrNoSession", err)
		}
	})
	t.Run("ErrLifetime", func(t *testing.T) {
		f := newFixture(t)
		token, err := f.svc.StartSession(f.ctx, f.addAccount(t, "ed@example.org", placeholderHash), "", accounts.Client{})
		if err != nil {
			t.Fatal(err)
		}
		var used time.Duration
		for every := 50 * time.Minute; used+every < accounts.SessionLifetime; used += every {
			f.advance(every)
			if _, err := f.svc.SessionUser(f.ctx, token); err != nil {
				t.Fatalf("%v after sign-in: %v", used+every, err)
			}
		}
		f.advance(accounts.SessionLifetime - used + time1s)
		if _, err := f.svc.SessionUser(f.ctx, token); err != accounts.ErrNoSession {
			t.Errorf("past the lifetime: %v, want ErrNoSession", err)
		}
	})
	t.Run("TouchedAtMostOnceAMinute", func(t *testing.T) {
		f := newFixture(t)
		token, err := f.svc.StartSession(f.ctx, f.addAccount(t, "ed@example.org", placeholderHash), "", accounts.Client{})
		if err != nil {
			t.Fatal(err)
		}
		started := f.now
		lastSeen := func() time.Time {
			t.Helper()
			var at time.Time
			if err := f.db.QueryRow(`SELECT last_seen_at FROM sessions`).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at
		}
		f.advance(30 * time.Second)
		f.svc.SessionUser(f.ctx, token)
		if got := lastSeen(); !got.Equal(started) {
			t.Errorf("last_seen_at after 30 s = %v, want %v (not written)", got, started)
		}
		f.advance(time.Minute)
		f.svc.SessionUser(f.ctx, token)
		if got := lastSeen(); !got.Equal(f.now) {
			t.Errorf("last_seen_at after 90 s = %v, want %v", got, f.now)
		}
	})
}

// Ensure a session opens nothing once its account cannot sign in, and that an empty
// or made-up token opens nothing either.
func TestSessionUser_NoSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.addAccount(t, "ed@example.org", placeholderHash)
	token, err := f.svc.StartSession(f.ctx, u, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	for _, made := range []string{"", "made-up", auth.TokenHash(token)} {
		if _, err := f.svc.SessionUser(f.ctx, made); err != accounts.ErrNoSession {
			t.Errorf("SessionUser(%q) = %v, want ErrNoSession", made, err)
		}
	}
	if _, err := f.db.Exec(`UPDATE users SET password_hash = '' WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionUser(f.ctx, token); err != accounts.ErrNoSession {
		t.Errorf("after the account lost its password: %v, want ErrNoSession", err)
	}
}

// Ensure SignOut ends that session only, and that signing out without one is fine.
func TestSignOut_EndsOnlyThatSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.addAccount(t, "ed@example.org", placeholderHash)
	laptop, err := f.svc.StartSession(f.ctx, u, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	phone, err := f.svc.StartSession(f.ctx, u, "", accounts.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SignOut(f.ctx, laptop); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionUser(f.ctx, laptop); err != accounts.ErrNoSession {
		t.Errorf("signed-out session: %v, want ErrNoSession", err)
	}
	if got, err := f.svc.SessionUser(f.ctx, phone); err != nil || got.ID != u.ID {
		t.Errorf("the other session: %v, %v; want it kept", got, err)
	}
	for _, token := range []string{"", "made-up", laptop} {
		if err := f.svc.SignOut(f.ctx, token); err != nil {
			t.Errorf("SignOut(%q) = %v, want nil", token, err)
		}
	}
}
