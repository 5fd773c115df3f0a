package mail

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// The newsroom hears about the articles waiting for them (package publishing records
// the events): reviewers when text is sent for medical review, unless they wrote it;
// the writers of the text (the article's author, and whoever changed a pending
// change) when a reviewer asks for changes, with the notes, and when it is published;
// editors and administrators when text is reviewed and ready to publish. Nobody is
// told about a step they took themselves, and only staff who can sign in are told.

// newsroomMessage is what a message to the newsroom says.
type newsroomMessage struct {
	Name      string // the recipient's
	Title     string // the text's title
	StaffURL  string // the article's staff page
	PublicURL string // where readers read it, once published
	Change    bool   // a change to a published article, rather than a new one (not said of publication)
	Page      bool   // a page such as About, rather than an article
	Actor     string // who took the step; "" for the scheduler
	Notes     string // what the reviewer asked to change
	Writer    bool   // the recipient wrote the text
}

// planNewsroom mails reviewers, authors and editors about articles waiting for them.
func (s *Service) planNewsroom(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	var wants func(u *model.User, a *model.Article) bool
	writes := func(u *model.User, a *model.Article) bool { return u.ID == a.AuthorID || u.ID == e.UserID }
	switch e.Kind {
	case model.EventReviewRequested:
		wants = func(u *model.User, a *model.Article) bool {
			return u.Role.Can(model.PermReviewArticles) && !writes(u, a)
		}
	case model.EventReviewed:
		wants = func(u *model.User, _ *model.Article) bool { return u.Role.Can(model.PermPublish) }
	case model.EventChangesRequested, model.EventPublished:
		wants = writes
	default:
		return nil, nil
	}
	if !s.On() {
		return nil, nil
	}
	a, err := tx.Article(ctx, e.ArticleID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	staff, err := tx.ActiveStaff(ctx)
	if err != nil {
		return nil, err
	}
	msg := newsroomMessage{
		Title: a.Working().Title, StaffURL: s.publicURL + "/admin/articles/" + strconv.FormatInt(a.ID, 10),
		PublicURL: s.publicURL + a.Path(), Change: a.Pending != nil, Page: a.IsPage(),
	}
	if e.Kind == model.EventPublished {
		// The live text, new or changed: the message reads the same for both.
		msg.Title, msg.Change = a.Title, false
	}
	if e.Kind == model.EventChangesRequested && a.ChangesRequested != nil {
		msg.Notes = a.ChangesRequested.Notes
	}
	if e.ActorID != 0 {
		actor, err := tx.User(ctx, e.ActorID)
		switch {
		case err == nil:
			msg.Actor = actor.Name
		case !errors.Is(err, model.ErrNotFound):
			return nil, err
		}
	}
	name := templateOf[e.Kind]
	var out []outgoing
	for _, u := range staff {
		if u.ID == e.ActorID || !wants(u, a) {
			continue
		}
		m := msg
		m.Name, m.Writer = u.Name, writes(u, a)
		o, err := s.mailTo(name, u.EmailAddress(), "event:"+strconv.FormatInt(e.ID, 10)+":user:"+strconv.FormatInt(u.ID, 10), m)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// templateOf names the message of each newsroom event.
var templateOf = map[model.EventKind]string{
	model.EventReviewRequested:  "review_requested",
	model.EventChangesRequested: "changes_requested",
	model.EventReviewed:         "reviewed",
	model.EventPublished:        "published",
}
