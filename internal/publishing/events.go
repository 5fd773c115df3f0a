package publishing

import (
	"context"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// What publishing tells the newsroom about, by mail and webhook (see package mail):
// text sent for medical review, a reviewer's request for changes, a review that makes
// text ready to publish, and a publication. Each event is recorded in the transaction
// of the change itself, so a step that is refused tells no one anything. A minor
// change goes live without review and tells no one.
//
// An event names the article, who took the step (ActorID, 0 for the scheduler) and
// who wrote the text (UserID): the article's author, or whoever last changed its
// pending change.

// record writes event kind about article a, whose working text was written by writer,
// as done by actor (nil for the scheduler) now.
func record(ctx context.Context, tx *store.Store, kind model.EventKind, a *model.Article, writer int64, actor *int64, now time.Time) error {
	e := model.Event{Kind: kind, ArticleID: a.ID, UserID: writer, CreatedAt: now.UTC()}
	if actor != nil {
		e.ActorID = *actor
	}
	return tx.RecordEvent(ctx, e)
}

// writerOf returns who wrote a's working text: whoever last changed its pending
// change, or its author.
func writerOf(a *model.Article) int64 {
	if a.Pending != nil && a.Pending.EditedBy != nil {
		return *a.Pending.EditedBy
	}
	return a.AuthorID
}
