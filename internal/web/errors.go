package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// errorPage is the view of every error page.
type errorPage struct {
	layout
	Status    int
	Heading   string
	Message   string
	Back      string // on staff pages, the list to go back to; "" for none
	BackLabel string
}

// fail answers with the status that err stands for: 404 for model.ErrNotFound, 409 for
// model.ErrConflict, and the "Internal error" page for anything unexpected.
func (s *Server) fail(c *gin.Context, err error) {
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.notFound(c)
	case errors.Is(err, model.ErrUnavailable):
		s.log.ErrorContext(c.Request.Context(), "database unavailable", "error", err.Error())
		c.Header("Retry-After", "5")
		s.renderError(c, http.StatusServiceUnavailable, "Please try again",
			"The site could not do this just now. Please try again in a moment.")
	case errors.Is(err, model.ErrConflict):
		s.renderError(c, http.StatusConflict, "Conflict", "This change collides with another one. Reload the page and try again.")
	default:
		s.serverError(c, err)
	}
}

func (s *Server) notFound(c *gin.Context) {
	s.renderError(c, http.StatusNotFound, "Page not found",
		"There is no page at this address. It may have moved, or the link may be mistyped.")
}

// notFoundIn answers 404 for an action on something that is not there, made up or
// removed by someone else since the page was loaded, with a link back to its list.
func (s *Server) notFoundIn(c *gin.Context, heading, message, back, backLabel string) {
	s.renderErrorPage(c, errorPage{Status: http.StatusNotFound, Heading: heading, Message: message, Back: back, BackLabel: backLabel})
}

// methodNotAllowed runs after gin has set the Allow header.
func (s *Server) methodNotAllowed(c *gin.Context) {
	s.renderError(c, http.StatusMethodNotAllowed, "Method not allowed",
		"This address does not accept a "+c.Request.Method+" request.")
}

func (s *Server) bodyTooLarge(c *gin.Context) {
	c.Header("Connection", "close")
	message := "What you sent is larger than this site accepts (256 KB). Shorten it and try again."
	if bodyLimit(c, MaxRequestBody) > MaxRequestBody {
		message = "What you sent is larger than this site accepts. An image may be at most 5 MB: make it smaller and try again."
	}
	s.renderError(c, http.StatusRequestEntityTooLarge, "Submission too large", message)
}

// serverError logs the cause and shows only "Internal error" to the reader.
func (s *Server) serverError(c *gin.Context, err error) {
	s.log.ErrorContext(c.Request.Context(), "internal error",
		"method", c.Request.Method, "path", c.Request.URL.Path, "error", err.Error())
	s.renderError(c, http.StatusInternalServerError, "Internal error",
		"Something went wrong on our side. Please try again in a moment.")
}

// renderError shows the error page with status, and stops the handler chain.
func (s *Server) renderError(c *gin.Context, status int, heading, message string) {
	s.renderErrorPage(c, errorPage{Status: status, Heading: heading, Message: message})
}

// renderErrorPage is renderError for a page with more than a status and a message.
func (s *Server) renderErrorPage(c *gin.Context, page errorPage) {
	c.Abort()
	if c.Writer.Written() {
		return
	}
	c.Header("Cache-Control", "no-store")
	page.layout = s.layout(c, page.Heading, "")
	if staff(c) != nil && strings.HasPrefix(c.Request.URL.Path, "/admin/") {
		// A staff member who meets an error in the staff pages keeps their header.
		page.layout = s.adminLayout(c, page.Heading)
	}
	page.NoIndex = true
	s.render(c, page.Status, "error", page)
}
