package web

import (
	"errors"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
)

// GET /media/:name serves an uploaded image. Only names recorded in the media table
// are served, from the media folder and nothing else (see media.Service.Open), with
// the stored content type. The name is a content hash, so the file never changes and
// is cached for a year.
func (s *Server) mediaFile(c *gin.Context) {
	m, f, err := s.media.Open(c.Request.Context(), c.Param("name"))
	switch {
	case errors.Is(err, media.ErrFileMissing):
		s.missingMediaFile(c, m, err)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.missingMediaFile(c, m, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+m.SHA256+`"`)
	http.ServeContent(c.Writer, c.Request, m.FileName, info.ModTime(), f)
}

// missingMediaFile answers 404 for an image whose row exists but whose file cannot be
// opened, and logs it: the media folder was not restored with the database, perhaps.
func (s *Server) missingMediaFile(c *gin.Context, m *model.Media, err error) {
	level := "image file missing"
	if !errors.Is(err, fs.ErrNotExist) {
		level = "image file unreadable"
	}
	s.log.WarnContext(c.Request.Context(), level, "file", m.FileName, "error", err.Error())
	s.notFound(c)
}
