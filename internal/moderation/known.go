package moderation

import (
	"context"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// knownCommenter reports whether reply c comes from a commenter the site already
// trusts, for the policy's AutoApproveKnown: the browser that sends it proves that
// one of its latest replies (sub.EarlierReplies, from a signed cookie) was approved
// under the same name and email.
//
// Name and email alone would not do: anyone can read a commenter's name on the page,
// and whether a reply under it with a guessed email went out at once or was held would
// confirm the guess. Without the cookie of an approved reply the email decides nothing.
// Staff are not asked: their signed-in account is better proof (see classify).
func knownCommenter(ctx context.Context, tx *store.Store, c *model.Comment, sub Submission) (bool, error) {
	return tx.IsApprovedReplyBy(ctx, sub.EarlierReplies, c.AuthorName, c.AuthorEmail)
}
