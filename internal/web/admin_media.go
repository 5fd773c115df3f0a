package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
)

// MediaPerPage is the length of a page of the image library.
const MediaPerPage = 30

type mediaPage struct {
	layout
	Items   []mediaItem
	Alt     string // the alt text typed, kept when an upload is refused
	Errors  map[string]string
	Total   int
	Page    int
	PrevURL string
	NextURL string
}

// mediaItem is one image of the library as shown.
type mediaItem struct {
	*model.Media
	Kind      string // PNG, JPEG or WebP
	SizeLabel string
	Just      bool // the image just uploaded
}

// GET /admin/media?page=N lists the uploaded images, newest first, with a form to
// upload one. After an upload of an image that was already there, image=NAME puts it
// first.
func (s *Server) adminMedia(c *gin.Context) {
	page, ok := pageNumber(c)
	if !ok {
		s.notFound(c)
		return
	}
	s.showMedia(c, http.StatusOK, page, "", nil)
}

func (s *Server) showMedia(c *gin.Context, status, page int, alt string, errs map[string]string) {
	ctx := c.Request.Context()
	total, err := s.store.CountMedia(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	lastPage := max(1, (total+MediaPerPage-1)/MediaPerPage)
	if page > lastPage {
		s.notFound(c)
		return
	}
	list, err := s.store.ListMedia(ctx, MediaPerPage, (page-1)*MediaPerPage)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := mediaPage{layout: s.adminLayout(c, "Images"), Alt: alt, Errors: errs, Total: total, Page: page}
	if page > 1 {
		view.PrevURL = pageURL("/admin/media", page-1)
	}
	if page < lastPage {
		view.NextURL = pageURL("/admin/media", page+1)
	}
	// An image uploaded again keeps its place in the list; show it first as well.
	if name := c.Query("image"); status == http.StatusOK && media.ValidName(name) {
		just, err := s.store.MediaByFileName(ctx, name)
		switch {
		case err == nil:
			view.Items = append(view.Items, newMediaItem(just, true))
		case !errors.Is(err, model.ErrNotFound):
			s.fail(c, err)
			return
		}
	}
	for _, m := range list {
		if len(view.Items) > 0 && view.Items[0].FileName == m.FileName {
			continue
		}
		view.Items = append(view.Items, newMediaItem(m, false))
	}
	if c.Query("done") == "uploaded" && page == 1 && len(view.Items) > 0 {
		view.Items[0].Just = true
	}
	s.render(c, status, "admin/media", view)
}

func newMediaItem(m *model.Media, just bool) mediaItem {
	return mediaItem{Media: m, Kind: media.KindLabel(m.ContentType), SizeLabel: byteSize(m.Size), Just: just}
}

// POST /admin/media stores an uploaded image (form fields image and alt) and shows it
// first in the library.
func (s *Server) adminMediaPost(c *gin.Context) {
	file, ok := s.formUpload(c, "image")
	if !ok {
		return
	}
	alt := c.PostForm("alt")
	saved, err := s.storeUpload(c, file, alt)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		s.showMedia(c, http.StatusUnprocessableEntity, 1, alt, invalid.Fields)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	if saved.Reused {
		c.Redirect(http.StatusSeeOther, "/admin/media?done=uploaded-again&image="+url.QueryEscape(saved.Media.FileName))
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/media?done=uploaded")
}

// byteSize writes a file size for people: 950 bytes, 34 KB, 1.2 MB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
}
