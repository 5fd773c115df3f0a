package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// OutboxPageSize is how many messages one page of the outbox lists.
const OutboxPageSize = 50

// outboxTab is one status the outbox page lists, with its count.
type outboxTab struct {
	Status  model.OutboxStatus // "" for all
	Label   string
	Count   int
	Current bool
	URL     string
}

type outboxPage struct {
	layout
	MailOn   bool
	Server   string
	Tabs     []outboxTab
	Messages []model.OutboxMessage
	Page     int
	Pages    int
	Prev     string
	Next     string
}

// GET /admin/outbox?status=&page= lists the mail and webhook deliveries, queued, sent,
// failed (with the server's answer) or cancelled, newest first; never an address.
func (s *Server) adminOutbox(c *gin.Context) {
	ctx := c.Request.Context()
	status := model.OutboxStatus(c.Query("status"))
	counts, err := s.store.OutboxCounts(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := outboxPage{layout: s.adminLayout(c, "Outbox"), MailOn: s.mail.On(), Server: s.mail.Server()}
	total := 0
	for _, n := range counts {
		total += n
	}
	known := status == ""
	for _, t := range []outboxTab{
		{Status: "", Label: "All", Count: total},
		{Status: model.OutboxQueued, Label: "Queued", Count: counts[model.OutboxQueued]},
		{Status: model.OutboxSent, Label: "Sent", Count: counts[model.OutboxSent]},
		{Status: model.OutboxFailed, Label: "Failed", Count: counts[model.OutboxFailed]},
		{Status: model.OutboxCancelled, Label: "Cancelled", Count: counts[model.OutboxCancelled]},
	} {
		t.Current = t.Status == status
		known = known || t.Current
		t.URL = "/admin/outbox"
		if t.Status != "" {
			t.URL += "?status=" + string(t.Status)
		}
		view.Tabs = append(view.Tabs, t)
	}
	if !known {
		s.notFound(c)
		return
	}
	page, ok := pageNumber(c)
	if !ok {
		s.notFound(c)
		return
	}
	view.Page = page
	list, n, err := s.store.Outbox(ctx, store.OutboxFilter{Status: status, Limit: OutboxPageSize, Offset: (view.Page - 1) * OutboxPageSize})
	if err != nil {
		s.fail(c, err)
		return
	}
	view.Messages = list
	view.Pages = max(1, (n+OutboxPageSize-1)/OutboxPageSize)
	link := func(page int) string {
		q := url.Values{}
		if status != "" {
			q.Set("status", string(status))
		}
		q.Set("page", strconv.Itoa(page))
		return "/admin/outbox?" + q.Encode()
	}
	if view.Page > 1 {
		view.Prev = link(view.Page - 1)
	}
	if view.Page < view.Pages {
		view.Next = link(view.Page + 1)
	}
	s.render(c, http.StatusOK, "admin/outbox", view)
}
