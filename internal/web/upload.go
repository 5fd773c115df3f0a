package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
)

// saveUpload stores an image uploaded by the signed-in staff member and returns it with
// the Markdown that shows it in an article, `![alt](/media/<name>)`, built from alt as
// typed. file is the form's file field (nil when none was chosen; see formUpload). The
// rules are media.Service.Save's.
//
// A refused upload returns a *model.ValidationError whose Fields hold a message for
// "image" and/or "alt", written for the person uploading; show them and keep what was
// typed (the browser cannot keep the chosen file). Nothing is written then. Any other
// error is unexpected: pass it to s.fail.
//
// The request body must be allowed to reach MaxUploadBody: add the route to
// uploadRoutes in middleware.go. Get file with formUpload, or call allowSlowUpload
// before the form is first read, so a slow connection has time to send the image.
func (s *Server) saveUpload(c *gin.Context, file *multipart.FileHeader, alt string) (*model.Media, string, error) {
	saved, err := s.storeUpload(c, file, alt)
	if err != nil {
		return nil, "", err
	}
	return saved.Media, saved.Markdown, nil
}

// storeUpload is saveUpload, also telling whether the image was already stored.
func (s *Server) storeUpload(c *gin.Context, file *multipart.FileHeader, alt string) (*media.Saved, error) {
	upload := media.Upload{Alt: alt}
	if file != nil {
		upload.Open = func() (io.ReadCloser, error) { return file.Open() }
		upload.Size = file.Size
	}
	var userID int64
	if u := staff(c); u != nil {
		userID = u.ID
		upload.UserID = &userID
	}
	ctx := c.Request.Context()
	saved, err := s.media.Save(ctx, upload)
	if err == nil && !saved.Reused {
		s.log.InfoContext(ctx, "image uploaded", "file", saved.Media.FileName, "bytes", saved.Media.Size, "user", userID)
	}
	return saved, err
}

// UploadTimeout is how long a signed-in staff member's upload may take to arrive and be
// answered: the server's own timeouts (a minute) are too short for 6 MB on a slow line.
const UploadTimeout = 5 * time.Minute

// allowSlowUpload gives the request UploadTimeout to be read and answered. Call it in
// an upload route's handler, once the sender is known to be staff, before anything
// reads the form.
func allowSlowUpload(c *gin.Context) {
	deadline := time.Now().Add(UploadTimeout)
	rc := http.NewResponseController(c.Writer)
	// Not every connection can change its deadlines (tests' recorders cannot); the
	// server's own then apply.
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
}

// formUpload returns the file sent in the form field, or nil when none was chosen,
// giving the upload UploadTimeout to arrive. When ok is false it has answered already
// (413 when the body passed MaxUploadBody, 400 for a form that cannot be read) and the
// handler must stop.
func (s *Server) formUpload(c *gin.Context, field string) (file *multipart.FileHeader, ok bool) {
	allowSlowUpload(c)
	file, err := c.FormFile(field)
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return file, true
	case errors.Is(err, http.ErrMissingFile):
		return nil, true
	case errors.As(err, &tooLarge):
		s.bodyTooLarge(c)
	default:
		s.renderError(c, http.StatusBadRequest, "Bad request", "The form could not be read. Go back, reload the page and try again.")
	}
	return nil, false
}

// postedFile returns the file sent in a form field, once readForm has read the form,
// or nil when none was chosen or the form is not multipart.
func postedFile(c *gin.Context, field string) *multipart.FileHeader {
	if f := c.Request.MultipartForm; f != nil && len(f.File[field]) > 0 {
		return f.File[field][0]
	}
	return nil
}
