package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// A ban sends a commenter's new replies to spam, silently, by the blind index of their
// email or the hash of their address, until it ends or is lifted. A moderator bans
// from one of the commenter's replies, so that no other value can be banned and no
// email or address is ever typed or shown.

// ErrBanNotFound means there is no ban with the ID given: made up, or lifted already,
// which cannot be told apart as a lifted ban leaves no trace. It matches
// model.ErrNotFound.
var ErrBanNotFound = fmt.Errorf("ban %w", model.ErrNotFound)

// BanLength is how long a new ban lasts.
type BanLength string

// The lengths a ban may have.
const (
	BanPermanent  BanLength = "permanent"
	BanOneDay     BanLength = "1d"
	BanSevenDays  BanLength = "7d"
	BanThirtyDays BanLength = "30d"
	BanUntilDate  BanLength = "date" // until BanRequest.Until
)

// banFor is how long each fixed length lasts from the moment of the ban.
var banFor = map[BanLength]time.Duration{
	BanOneDay: 24 * time.Hour, BanSevenDays: 7 * 24 * time.Hour, BanThirtyDays: 30 * 24 * time.Hour,
}

// BanRequest is a moderator's ban of the sender of a reply.
type BanRequest struct {
	CommentID int64         // the reply whose email or address is banned
	Kind      model.BanKind // by email or by address
	Length    BanLength
	// Until is the day the ban ends with BanUntilDate: it ends as that day begins, in
	// UTC. Zero when no date was given.
	Until  time.Time
	Reason string      // why, for the other moderators
	By     *model.User // the moderator, if known
}

// Ban bans the sender of the reply r.CommentID, and returns the ban as saved. Returns
// *model.ValidationError (fields model.FieldBanKind, FieldBanUntil, FieldBanReason)
// for a reply written from a staff account, a kind the reply has nothing to ban by, a
// missing length or date, an end that is not in the future or a wrong reason; and
// ErrReplyNotFound if there is no such reply.
func (s *Service) Ban(ctx context.Context, r BanRequest) (*model.Ban, error) {
	now := s.now().UTC()
	ban := &model.Ban{Kind: r.Kind, Reason: strings.TrimSpace(r.Reason), CommentID: &r.CommentID, CreatedAt: now}
	if r.By != nil {
		ban.CreatedBy = &r.By.ID
	}
	var v model.ValidationError
	switch d, fixed := banFor[r.Length]; {
	case fixed:
		until := now.Add(d)
		ban.Until = &until
	case r.Length == BanPermanent:
	case r.Length == BanUntilDate && !r.Until.IsZero():
		y, m, d := r.Until.UTC().Date()
		until := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		ban.Until = &until
	default:
		v.Add(model.FieldBanUntil, "Choose how long the ban lasts; for “Until a date”, enter the date.")
	}
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		reply, err := tx.Comment(ctx, r.CommentID)
		if err != nil {
			return replyNotFound(err)
		}
		switch ban.Kind {
		case model.BanEmail:
			ban.Value = reply.EmailIndex
		case model.BanClient:
			ban.Value = reply.ClientHash
		}
		if reply.UserID != nil {
			v.Add(model.FieldBanKind, "This reply was written from a staff account; staff cannot be banned.")
		}
		if err := v.Merge(ban.Validate(now)); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		return tx.CreateBan(ctx, ban)
	})
	if err != nil {
		return nil, err
	}
	return ban, nil
}

// LiftBan deletes the ban id, in force or ended. Returns ErrBanNotFound if there is no
// such ban.
func (s *Service) LiftBan(ctx context.Context, id int64) error {
	err := s.store.LiftBan(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return ErrBanNotFound
	}
	return err
}

// banReason returns why c goes to spam if a ban in force at now matches its email or
// its address (the longest-lasting ban, if several do), or "" if none does.
func banReason(ctx context.Context, tx *store.Store, c *model.Comment, now time.Time) (string, error) {
	index, err := tx.EmailIndex(c.AuthorEmail)
	if err != nil {
		return "", err
	}
	ban, err := tx.ActiveBan(ctx, index, c.ClientHash, now)
	if err != nil || ban == nil {
		return "", err
	}
	return ban.HeldReason(), nil
}
