package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/static"
)

// asset is one embedded static file.
type asset struct {
	body        []byte
	gzipped     []byte // for text files; nil when compression does not pay
	contentType string
	etag        string
	hashedName  string // e.g. css/site.1a2b3c4d5e6f.css
}

// assets serves the embedded static files under content-hashed names, which can be
// cached for a year because a change to a file changes its name.
type assets struct {
	byName   map[string]*asset // css/site.css
	byHashed map[string]*asset // css/site.1a2b3c4d5e6f.css
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	var zw *gzip.Writer
	err := fs.WalkDir(static.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(name, "/") {
			return err
		}
		body, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		contentType := mime.TypeByExtension(ext)
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		f := &asset{
			body:        body,
			contentType: contentType,
			etag:        `"` + hash + `"`,
			hashedName:  strings.TrimSuffix(name, ext) + "." + hash + ext,
		}
		if strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "javascript") || strings.Contains(contentType, "svg") {
			var gz bytes.Buffer
			if zw == nil {
				zw, _ = gzip.NewWriterLevel(&gz, gzip.BestCompression)
			} else {
				zw.Reset(&gz) // one compressor for all files: each holds about a megabyte
			}
			zw.Write(body)
			zw.Close()
			if gz.Len() < len(body)*9/10 {
				f.gzipped = gz.Bytes()
			}
		}
		a.byName[name] = f
		a.byHashed[f.hashedName] = f
		return nil
	})
	return a, err
}

// url returns the address of a static file by its plain name; templates call it, so a
// missing file fails at the first render in tests rather than as a broken link.
func (a *assets) url(name string) (string, error) {
	f, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + f.hashedName, nil
}

// GET /static/*path
func (s *Server) staticFile(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("path"), "/")
	f, immutable := s.assets.byHashed[name]
	if !immutable {
		// Plain names keep working for links made by hand, but are revalidated.
		if f = s.assets.byName[name]; f == nil {
			s.notFound(c)
			return
		}
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	h.Set("Vary", "Accept-Encoding")
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if f.gzipped != nil && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		c.Data(http.StatusOK, f.contentType, f.gzipped)
		return
	}
	c.Data(http.StatusOK, f.contentType, f.body)
}
