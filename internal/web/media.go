package web

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// mediaName is the only shape of an uploaded image's name: 16 hex digits of its
// SHA-256 and its extension. It has no slash or dot-dot, so it cannot leave the folder.
var mediaName = regexp.MustCompile(`^[0-9a-f]{16}\.(png|jpg|webp)$`)

// GET /media/:name serves an uploaded image. Only names recorded in the media table
// are served, from the media folder and nothing else, with the stored content type.
// The name is a content hash, so the file never changes and is cached for a year.
func (s *Server) mediaFile(c *gin.Context) {
	name := c.Param("name")
	if s.mediaDir == "" || !mediaName.MatchString(name) {
		s.notFound(c)
		return
	}
	m, err := s.store.MediaByFileName(c.Request.Context(), name)
	if err != nil {
		s.fail(c, err)
		return
	}
	// os.Root refuses any path, or symbolic link, that leads out of the folder.
	root, err := os.OpenRoot(s.mediaDir)
	if err != nil {
		s.missingMediaFile(c, m, err)
		return
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		s.missingMediaFile(c, m, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		s.missingMediaFile(c, m, errors.New("not a regular file"))
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+m.SHA256+`"`)
	http.ServeContent(c.Writer, c.Request, name, info.ModTime(), f)
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
