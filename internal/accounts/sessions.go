package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Session lifetimes.
const (
	SessionLifetime = 12 * time.Hour // absolute: sign in again after this
	SessionIdle     = time.Hour      // a session unused this long ends
	// sessionTouchEvery limits how often a session's last use is written.
	sessionTouchEvery = time.Minute
)

// ErrNoSession means a session token opens nothing: it was never issued, was signed
// out, expired, sat idle too long, or its account can no longer sign in.
var ErrNoSession = errors.New("no such session")

// StartSession signs user in with a new session and returns its token, for the cookie;
// only the token's hash is stored. The session whose token the browser had before
// (previous, "" for none) ends, so that a token planted before sign-in is worthless.
// Ending it, clearing out stale sessions, creating the new one and recording the
// sign-in happen in one transaction: all or none. Returns model.ErrNotFound if the
// account does not exist.
func (s *Service) StartSession(ctx context.Context, user *model.User, previous string) (string, error) {
	now := s.now().UTC()
	token, hash := auth.NewToken()
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		if previous != "" {
			if err := tx.DeleteSession(ctx, auth.TokenHash(previous)); err != nil {
				return err
			}
		}
		if err := tx.DeleteStaleSessions(ctx, now, SessionIdle); err != nil {
			return err
		}
		sess := &store.Session{TokenHash: hash, UserID: user.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return tx.RecordSignIn(ctx, user.ID, now)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// SessionUser returns the account signed in with token, and keeps the session alive:
// its last use is written at most once a minute. Returns ErrNoSession.
func (s *Service) SessionUser(ctx context.Context, token string) (*model.User, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	now := s.now().UTC()
	sess, user, err := s.store.SessionUser(ctx, auth.TokenHash(token), now, SessionIdle)
	if errors.Is(err, model.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) > sessionTouchEvery {
		if err := s.store.TouchSession(ctx, sess.TokenHash, now); err != nil {
			return nil, err
		}
	}
	return user, nil
}

// SignOut ends the session of token, if there is one; the account's other sessions
// go on.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, auth.TokenHash(token))
}
