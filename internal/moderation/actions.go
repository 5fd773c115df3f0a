package moderation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Action is something a moderator does to replies, one at a time or to those ticked
// in the queue. Its value is the one the queue's forms send.
type Action string

// The actions, and the rule each follows.
const (
	// ActionApprove shows replies to readers, from any other status.
	ActionApprove Action = "approve"
	// ActionUnapprove puts replies back among the held ones.
	ActionUnapprove Action = "unapprove"
	// ActionSpam marks replies as spam. A pending or approved reply remembers which it
	// was, so that a restore can put it back; one moved from the trash keeps what it
	// remembered there.
	ActionSpam Action = "spam"
	// ActionTrash moves replies to the trash, remembering as ActionSpam does.
	ActionTrash Action = "trash"
	// ActionRestore brings replies in spam or trash back to the status they had before,
	// or to pending when that is not known (spam on arrival), and forgets it.
	ActionRestore Action = "restore"
	// ActionDelete removes replies in spam or trash for good; others must be sent to
	// one of them first, so that nothing readers see vanishes in one click. The replies
	// that answered a deleted one move up a level, so the rest of a thread survives.
	ActionDelete Action = "delete"
)

// Actions lists every action.
var Actions = []Action{ActionApprove, ActionUnapprove, ActionSpam, ActionTrash, ActionRestore, ActionDelete}

// moveTo is the status each action gives a reply, for those that move one to a status
// of the action's own.
var moveTo = map[Action]model.CommentStatus{
	ActionApprove: model.CommentApproved, ActionUnapprove: model.CommentPending,
	ActionSpam: model.CommentSpam, ActionTrash: model.CommentTrash,
}

// Valid reports whether a is one of the actions.
func (a Action) Valid() bool {
	_, moves := moveTo[a]
	return moves || a == ActionRestore || a == ActionDelete
}

var (
	// ErrReplyNotFound means there is no reply with the ID given, made up or deleted
	// for good since the page was loaded. It matches model.ErrNotFound.
	ErrReplyNotFound = fmt.Errorf("reply %w", model.ErrNotFound)
	// ErrUnknownAction means the action is not one of Actions.
	ErrUnknownAction = errors.New("unknown moderation action")
)

// replyNotFound turns the store's model.ErrNotFound for a reply into ErrReplyNotFound.
func replyNotFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return ErrReplyNotFound
	}
	return err
}

// Outcome is what one action did to one reply.
type Outcome struct {
	// Changed reports whether the action changed the reply: approving an approved
	// reply, or deleting a pending one, does not.
	Changed bool
	// Before and After are the reply's status before and after; After is "" once the
	// reply is deleted.
	Before, After model.CommentStatus
	// Undo is the action that puts the reply back where it was, and "" when none
	// does: nothing changed, or the reply is deleted.
	Undo Action
}

// Moderate does action to the reply id as moderator by, and says what that did. The
// reply remembers who moved it and when. Returns ErrReplyNotFound if there is no
// reply id, and ErrUnknownAction.
func (s *Service) Moderate(ctx context.Context, by *model.User, action Action, id int64) (Outcome, error) {
	if !action.Valid() {
		return Outcome{}, ErrUnknownAction
	}
	now := s.now().UTC()
	var out Outcome
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		states, err := tx.CommentStates(ctx, []int64{id})
		if err != nil {
			return err
		}
		if len(states) == 0 {
			return ErrReplyNotFound
		}
		n, err := apply(ctx, tx, by, action, states, now)
		out = outcome(action, states[0], n > 0)
		return err
	})
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// outcome is what action did to a reply that was in state st, and changed or not.
func outcome(action Action, st store.CommentState, changed bool) Outcome {
	out := Outcome{Changed: changed, Before: st.Status, After: st.Status}
	switch {
	case !changed:
		return out
	case action == ActionDelete:
		out.After = ""
		return out
	}
	if status, _, ok := after(action, st); ok {
		out.After = status
	}
	out.Undo = undo(out.Before, out.After)
	return out
}

// undo returns the action that moves a reply from status to back to status from, the
// way it came: a reply moved into spam or trash from outside them is restored (which
// puts it back where it was remembered to be); any other goes back by the action that
// leads to its old status. That is exact for the actions the queue's rows offer; a
// reply approved straight from the bin (a bulk action) goes back to it remembering
// approved. It returns "" when the status did not change (closing a reply's reports,
// which no action reopens).
func undo(from, to model.CommentStatus) Action {
	switch {
	case from == to:
		return ""
	case inBin(to) && !inBin(from):
		return ActionRestore
	case from == model.CommentPending:
		return ActionUnapprove
	}
	for action, status := range moveTo {
		if status == from {
			return action
		}
	}
	return ""
}

// ModerateAll does action to the replies ids as moderator by, and returns how many it
// changed. The IDs of replies that do not exist (deleted by another moderator since
// the queue was loaded, say) are skipped, as are replies the action does not change.
// Returns ErrUnknownAction.
func (s *Service) ModerateAll(ctx context.Context, by *model.User, action Action, ids []int64) (int, error) {
	if !action.Valid() {
		return 0, ErrUnknownAction
	}
	if len(ids) == 0 {
		return 0, nil
	}
	now := s.now().UTC()
	n := 0
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		// In chunks, so that no statement carries more values than SQLite takes.
		for chunk := range slices.Chunk(ids, bulkChunk) {
			states, err := tx.CommentStates(ctx, chunk)
			if err != nil {
				return err
			}
			changed, err := apply(ctx, tx, by, action, states, now)
			if err != nil {
				return err
			}
			n += changed
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// bulkChunk is how many replies one statement of a bulk action reaches.
const bulkChunk = 500

// apply does action to the replies in states as moderator by, inside tx, and returns
// how many changed.
func apply(ctx context.Context, tx *store.Store, by *model.User, action Action, states []store.CommentState, now time.Time) (int, error) {
	if action == ActionDelete {
		var binned []int64
		for _, st := range states {
			if inBin(st.Status) {
				binned = append(binned, st.ID)
			}
		}
		return tx.DeleteComments(ctx, binned)
	}
	// One update for each outcome: an action has at most a few.
	type outcome struct{ status, previous model.CommentStatus }
	groups := map[outcome][]int64{}
	for _, st := range states {
		status, previous, ok := after(action, st)
		if ok {
			o := outcome{status, previous}
			groups[o] = append(groups[o], st.ID)
		}
	}
	// A moderator's decision closes the reply's reports from readers, also when it
	// keeps the reply as it is (approving a reported, approved reply).
	all := make([]int64, len(states))
	for i, st := range states {
		all[i] = st.ID
	}
	closed, err := tx.CloseReports(ctx, all, now)
	if err != nil {
		return 0, err
	}
	articleOf := make(map[int64]int64, len(states))
	for _, st := range states {
		articleOf[st.ID] = st.ArticleID
	}
	changed := 0
	for o, ids := range groups {
		n, err := tx.SetCommentStatus(ctx, ids, o.status, o.previous, now)
		if err != nil {
			return 0, err
		}
		if by != nil {
			if err := tx.NoteModerator(ctx, ids, by.ID, now); err != nil {
				return 0, err
			}
		}
		if o.status == model.CommentApproved {
			if err := recordApprovals(ctx, tx, by, ids, articleOf, now); err != nil {
				return 0, err
			}
		}
		changed += n
	}
	return max(changed, closed), nil
}

// after returns the status and previous status of a reply in state st once action
// (any but ActionDelete) is done, and false if the action does not change it.
func after(action Action, st store.CommentState) (status, previous model.CommentStatus, ok bool) {
	if action == ActionRestore {
		if !inBin(st.Status) {
			return "", "", false
		}
		status = st.PreviousStatus
		if status != model.CommentPending && status != model.CommentApproved {
			status = model.CommentPending // unknown, or damaged: hold it to be safe
		}
		return status, "", true
	}
	status = moveTo[action]
	if st.Status == status {
		return "", "", false
	}
	previous = st.PreviousStatus
	if inBin(status) && (st.Status == model.CommentPending || st.Status == model.CommentApproved) {
		previous = st.Status
	}
	return status, previous, true
}

// inBin reports whether status is one that readers never see and a reply can be
// deleted from: spam or trash.
func inBin(status model.CommentStatus) bool {
	return status == model.CommentSpam || status == model.CommentTrash
}
