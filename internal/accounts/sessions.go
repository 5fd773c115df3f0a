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

// Client is where a sign-in comes from, as much as is kept of it.
type Client struct {
	// Subject names the client for the lock-out without revealing it (a keyed hash of
	// its address); "" counts the account alone.
	Subject string
	// Network is the client's anonymised network (/24 or /48), never its address.
	Network string
	// UserAgent is the browser's User-Agent header; only BrowserSummary of it is kept.
	UserAgent string
}

// StartSession signs user in with a new session and returns its token, for the cookie;
// only the token's hash is stored, with the client's network and browser summary. The
// session whose token the browser had before (previous, "" for none) ends, so that a
// token planted before sign-in is worthless. Ending it, clearing out stale sessions,
// creating the new one and recording the sign-in happen in one transaction: all or
// none. Returns model.ErrNotFound if the account does not exist.
func (s *Service) StartSession(ctx context.Context, user *model.User, previous string, from Client) (string, error) {
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
		sess := &store.Session{TokenHash: hash, UserID: user.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime),
			Network: from.Network, Browser: BrowserSummary(from.UserAgent)}
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

// RecentSignIn is one open session of an account, as its owner sees it in their list of
// sign-ins.
type RecentSignIn struct {
	At       time.Time // when the person signed in
	LastSeen time.Time // when the session was last used, to the minute
	Network  string    // "203.0.113.0/24"; "" when unknown
	Browser  string    // "Firefox 128 on Linux"
	Current  bool      // the session of the browser asking
}

// SignIns returns the open sessions of user, newest first, marking the one of token
// (the session asking).
func (s *Service) SignIns(ctx context.Context, user *model.User, token string) ([]RecentSignIn, error) {
	sessions, err := s.store.UserSessions(ctx, user.ID, s.now().UTC(), SessionIdle)
	if err != nil {
		return nil, err
	}
	current := auth.TokenHash(token)
	list := make([]RecentSignIn, len(sessions))
	for i, sess := range sessions {
		list[i] = RecentSignIn{At: sess.CreatedAt, LastSeen: sess.LastSeenAt, Network: sess.Network, Browser: sess.Browser,
			Current: sess.TokenHash == current}
		if list[i].Browser == "" {
			list[i].Browser = unknownBrowser
		}
	}
	return list, nil
}

// SignOutOthers ends every session of user except the one of token, and returns how
// many it ended.
func (s *Service) SignOutOthers(ctx context.Context, user *model.User, token string) (int, error) {
	return s.store.DeleteOtherSessions(ctx, user.ID, auth.TokenHash(token))
}
