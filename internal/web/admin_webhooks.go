package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/model"
)

// WebhookDeliveriesShown is how many of a webhook's latest deliveries its page lists.
const WebhookDeliveriesShown = 50

// webhookForm is the form to add a webhook, as the administrator filled it.
type webhookForm struct {
	URL    string
	Secret string
	Events map[model.EventKind]bool
}

type webhooksPage struct {
	layout
	Hooks  []model.Webhook
	Events []model.EventKind
	Form   webhookForm
	Errors map[string]string
}

// GET /admin/webhooks lists the webhooks and offers the form to add one, every event
// ticked and a random secret filled in.
func (s *Server) adminWebhooks(c *gin.Context) {
	form := webhookForm{Secret: mail.NewWebhookSecret(), Events: map[model.EventKind]bool{}}
	for _, k := range model.WebhookEvents {
		form.Events[k] = true
	}
	s.showWebhooks(c, http.StatusOK, form, nil)
}

func (s *Server) showWebhooks(c *gin.Context, status int, form webhookForm, errs map[string]string) {
	hooks, err := s.mail.Webhooks(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	title := "Webhooks"
	if errs != nil {
		title = "Error: " + title
	}
	s.render(c, status, "admin/webhooks", webhooksPage{
		layout: s.adminLayout(c, title), Hooks: hooks, Events: model.WebhookEvents, Form: form, Errors: errs,
	})
}

// POST /admin/webhooks adds a webhook: url, secret and the events ticked.
func (s *Server) adminWebhookCreate(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	form := webhookForm{URL: c.PostForm("url"), Secret: c.PostForm("secret"), Events: map[model.EventKind]bool{}}
	var events []model.EventKind
	for _, e := range c.PostFormArray("events") {
		form.Events[model.EventKind(e)] = true
		events = append(events, model.EventKind(e))
	}
	w, err := s.mail.AddWebhook(c.Request.Context(), staff(c), mail.NewWebhook{URL: form.URL, Secret: form.Secret, Events: events})
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		s.showWebhooks(c, http.StatusUnprocessableEntity, form, invalid.Fields)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/webhooks/"+strconv.FormatInt(w.ID, 10)+"?done=webhook-added")
}

type webhookPage struct {
	layout
	Hook       *model.Webhook
	Deliveries []model.OutboxMessage
}

// GET /admin/webhooks/:id shows a webhook and its latest deliveries with the answers
// its server gave.
func (s *Server) adminWebhook(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	w, deliveries, err := s.mail.Webhook(c.Request.Context(), id, WebhookDeliveriesShown)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin/webhook", webhookPage{layout: s.adminLayout(c, "Webhook"), Hook: w, Deliveries: deliveries})
}

// POST /admin/webhooks/:id/delete removes a webhook and its deliveries.
func (s *Server) adminWebhookDelete(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	if err := s.mail.DeleteWebhook(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/webhooks?done=webhook-deleted")
}
