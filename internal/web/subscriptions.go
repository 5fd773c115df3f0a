package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/mail"
)

// The pages that the links in readers' messages open (see package mail's
// subscriptions.go): a page with a button, since opening a link must change nothing
// (mail scanners open links), and the page that says it is done. The token in the
// address is all they go by; they show no address.

type subscriptionPage struct {
	layout
	Confirm bool   // the confirmation page; the unsubscribe page otherwise
	Action  string // where the button posts: the page's own address, with its token
	Done    bool
}

// GET /subscriptions/confirm?token=T shows the button that confirms the address a
// confirmation link was sent to.
func (s *Server) subscriptionConfirm(c *gin.Context) {
	linkPageHeaders(c)
	token := c.Query("token")
	if err := s.mail.CheckConfirmLink(c.Request.Context(), token); err != nil {
		s.fail(c, err)
		return
	}
	s.renderSubscription(c, subscriptionPage{Confirm: true, Action: mail.ConfirmPath + "?token=" + url.QueryEscape(token)})
}

// POST /subscriptions/confirm?token=T confirms the address the link was sent to.
func (s *Server) subscriptionConfirmPost(c *gin.Context) {
	linkPageHeaders(c)
	if !s.readForm(c) {
		return
	}
	if err := s.mail.ConfirmSubscription(c.Request.Context(), c.Query("token")); err != nil {
		s.fail(c, err)
		return
	}
	s.renderSubscription(c, subscriptionPage{Confirm: true, Done: true})
}

// GET /subscriptions/unsubscribe?token=T shows the button that ends the subscriptions
// of the address an unsubscribe link was sent to.
func (s *Server) subscriptionUnsubscribe(c *gin.Context) {
	linkPageHeaders(c)
	token := c.Query("token")
	if err := s.mail.CheckUnsubscribeLink(c.Request.Context(), token); err != nil {
		s.fail(c, err)
		return
	}
	s.renderSubscription(c, subscriptionPage{Action: mail.UnsubscribePath + "?token=" + url.QueryEscape(token)})
}

// POST /subscriptions/unsubscribe?token=T ends the subscriptions of the address the
// link was sent to: from the page's button, or from a mail program's unsubscribe
// button (RFC 8058 one-click: body List-Unsubscribe=One-Click, no cookie, often no
// Origin), which is why this route takes requests from anywhere (Route.CrossSite).
func (s *Server) subscriptionUnsubscribePost(c *gin.Context) {
	linkPageHeaders(c)
	if !s.readForm(c) {
		return
	}
	if err := s.mail.Unsubscribe(c.Request.Context(), c.Query("token")); err != nil {
		s.fail(c, err)
		return
	}
	s.renderSubscription(c, subscriptionPage{Done: true})
}

// linkPageHeaders keeps the pages of links in mail out of search engines and caches,
// and their address, which holds the token, out of Referer headers.
func linkPageHeaders(c *gin.Context) {
	c.Header("X-Robots-Tag", "noindex, nofollow")
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
}

func (s *Server) renderSubscription(c *gin.Context, page subscriptionPage) {
	title := "Stop emails about replies"
	switch {
	case page.Confirm && page.Done:
		title = "Subscription confirmed"
	case page.Confirm:
		title = "Confirm your subscription"
	case page.Done:
		title = "Unsubscribed"
	}
	page.layout = s.layout(c, title, "")
	page.NoIndex = true
	s.render(c, http.StatusOK, "subscription", page)
}
