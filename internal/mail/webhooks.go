package mail

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// WebhookPayload is the JSON body of a webhook delivery. It never carries an email.
type WebhookPayload struct {
	Event   model.EventKind `json:"event"`
	Time    time.Time       `json:"time"`
	Article *WebhookArticle `json:"article,omitempty"`
	Reply   *WebhookReply   `json:"reply,omitempty"`
}

// WebhookArticle is the article an event is about.
type WebhookArticle struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// WebhookReply is the reply an event is about: its name and an excerpt, and the
// address where moderators (pending) or readers (approved) find it.
type WebhookReply struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id,omitempty"`
	Name     string `json:"name"`
	Excerpt  string `json:"excerpt"`
	URL      string `json:"url"`
}

// excerptBytes is how much of a reply a message or webhook quotes.
const excerptBytes = 280

// planWebhooks queues a delivery of e to every webhook that wants its kind.
func (s *Service) planWebhooks(ctx context.Context, tx *store.Store, e model.Event, now time.Time) ([]outgoing, error) {
	hooks, err := tx.Webhooks(ctx)
	if err != nil || len(hooks) == 0 {
		return nil, err
	}
	var wanted []model.Webhook
	for _, h := range hooks {
		if h.Wants(e.Kind) {
			wanted = append(wanted, h)
		}
	}
	if len(wanted) == 0 {
		return nil, nil
	}
	payload, err := s.webhookPayload(ctx, tx, e)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil // what it was about is gone already
	}
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	out := make([]outgoing, len(wanted))
	for i, h := range wanted {
		out[i] = outgoing{
			name: string(e.Kind), webhookID: h.ID, commentID: e.CommentID, body: body,
			dedupe: "webhook:" + strconv.FormatInt(h.ID, 10) + ":event:" + strconv.FormatInt(e.ID, 10),
		}
	}
	return out, nil
}

func (s *Service) webhookPayload(ctx context.Context, tx *store.Store, e model.Event) (*WebhookPayload, error) {
	p := &WebhookPayload{Event: e.Kind, Time: e.CreatedAt.UTC()}
	if e.ArticleID != 0 {
		a, err := tx.Article(ctx, e.ArticleID)
		if err != nil {
			return nil, err
		}
		p.Article = &WebhookArticle{ID: a.ID, Title: a.Title, URL: s.publicURL + a.Path()}
	}
	if e.CommentID != 0 {
		c, err := tx.Comment(ctx, e.CommentID)
		if err != nil {
			return nil, err
		}
		r := &WebhookReply{ID: c.ID, Name: c.AuthorName, Excerpt: model.Excerpt(c.Body, excerptBytes)}
		if c.ParentID != nil {
			r.ParentID = *c.ParentID
		}
		if c.Status == model.CommentApproved && p.Article != nil {
			r.URL = p.Article.URL + "#comment-" + strconv.FormatInt(c.ID, 10)
		} else {
			r.URL = s.publicURL + "/admin/comments/" + strconv.FormatInt(c.ID, 10) + "/edit"
		}
		p.Reply = r
	}
	return p, nil
}
