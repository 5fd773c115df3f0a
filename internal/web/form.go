package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"
)

// maxFormMemory is how much of a multipart form is held in memory; larger files go to
// temporary files. The body limit (limitBody) caps the whole request.
const maxFormMemory = 32 << 20

// readForm parses the posted form, URL-encoded or multipart, for every POST handler.
// It answers the request itself and returns false when the form cannot be read: 413
// when it is larger than the route accepts, 400 otherwise.
func (s *Server) readForm(c *gin.Context) bool {
	var err error
	if mediaType, _, _ := mime.ParseMediaType(c.ContentType()); mediaType == "multipart/form-data" {
		err = c.Request.ParseMultipartForm(maxFormMemory)
	} else {
		err = c.Request.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooLarge):
		s.bodyTooLarge(c)
	default:
		s.renderError(c, http.StatusBadRequest, "Bad request", "The form could not be read. Go back and send it again.")
	}
	return false
}
