package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	_ "image/jpeg" // registers JPEG with image.DecodeConfig
	_ "image/png"  // registers PNG with image.DecodeConfig
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"
	_ "golang.org/x/image/webp" // registers WebP with image.DecodeConfig

	"github.com/fascicle/fascicle/internal/model"
)

// imageKinds are the kinds of image that can be uploaded: the content type that
// http.DetectContentType finds in the file, the name image.DecodeConfig gives its
// format, and the extension of the stored file.
var imageKinds = map[string]struct{ format, ext, label string }{
	"image/png":  {"png", "png", "PNG"},
	"image/jpeg": {"jpeg", "jpg", "JPEG"},
	"image/webp": {"webp", "webp", "WebP"},
}

// saveUpload stores an image uploaded by the signed-in staff member and returns it with
// the Markdown that shows it in an article, `![alt](/media/<name>)`, built from alt as
// typed (alt text is per use: the same picture may need a different description in
// another article).
//
// file is the form's file field (nil when none was chosen; see formUpload). The file's
// kind is judged by its content only, never by its name or declared Content-Type: it
// must be a complete PNG, JPEG or WebP image of at most model.MaxMediaSize bytes and
// model.MaxMediaSide pixels a side. alt is required, at most model.MaxMediaAlt
// characters; it is trimmed and put on one line.
//
// A refused upload returns a *model.ValidationError whose Fields hold a message for
// "image" and/or "alt", written for the person uploading; show them and keep what was
// typed (the browser cannot keep the chosen file). Nothing is written then. Any other
// error is unexpected: pass it to s.fail.
//
// The stored file is named by its content, so uploading the same image again writes
// nothing and returns the image already recorded (with the alt text it was first given;
// the Markdown returned still uses the alt passed in).
//
// The request body must be allowed to reach MaxUploadBody: add the route to
// uploadRoutes in middleware.go. Get file with formUpload, or call allowSlowUpload
// before the form is first read, so a slow connection has time to send the image.
func (s *Server) saveUpload(c *gin.Context, file *multipart.FileHeader, alt string) (*model.Media, string, error) {
	m, markdown, _, err := s.storeUpload(c, file, alt)
	return m, markdown, err
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

// storeUpload is saveUpload, also telling whether the image was already stored.
func (s *Server) storeUpload(c *gin.Context, file *multipart.FileHeader, alt string) (m *model.Media, markdown string, reused bool, err error) {
	ctx := c.Request.Context()
	var v model.ValidationError
	alt = model.NormalizeAlt(alt)
	model.ValidateAlt(&v, alt)
	data, contentType, ext := checkUpload(&v, file)
	if err := v.Err(); err != nil {
		return nil, "", false, err
	}
	if s.mediaDir == "" {
		return nil, "", false, errors.New("image uploads are off: no media folder is configured")
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	name := digest[:16] + "." + ext

	existing, err := s.store.MediaByFileName(ctx, name)
	switch {
	case err == nil:
		if err := s.ensureMediaFile(name, data); err != nil {
			return nil, "", false, err
		}
		return existing, model.MediaMarkdown(alt, existing.URL()), true, nil
	case !errors.Is(err, model.ErrNotFound):
		return nil, "", false, err
	}
	if err := writeFileAtomic(s.mediaDir, name, data); err != nil {
		return nil, "", false, err
	}
	m = &model.Media{FileName: name, ContentType: contentType, Size: int64(len(data)), Alt: alt,
		SHA256: digest, CreatedAt: s.now()}
	var userID int64
	if u := staff(c); u != nil {
		userID = u.ID
		m.UserID = &userID
	}
	if err := s.store.CreateMedia(ctx, m); err != nil {
		if !errors.Is(err, model.ErrConflict) {
			// The file stays: without its row it is never served, and the next upload
			// of the same image reuses it.
			return nil, "", false, err
		}
		// The same image was uploaded at the same moment by someone else.
		if existing, err = s.store.MediaByFileName(ctx, name); err != nil {
			return nil, "", false, err
		}
		return existing, model.MediaMarkdown(alt, existing.URL()), true, nil
	}
	s.log.InfoContext(ctx, "image uploaded", "file", name, "bytes", m.Size, "user", userID)
	return m, model.MediaMarkdown(alt, m.URL()), false, nil
}

// checkUpload reads the uploaded file and checks that it is an image that may be
// stored, recording in v what is wrong under "image". It returns the file's content,
// its content type and the extension of its stored name.
func checkUpload(v *model.ValidationError, file *multipart.FileHeader) (data []byte, contentType, ext string) {
	switch {
	case file == nil:
		v.Add("image", "Choose an image to upload.")
		return nil, "", ""
	case file.Size == 0:
		v.Add("image", "This file is empty. Choose the image again.")
		return nil, "", ""
	case file.Size > model.MaxMediaSize:
		v.Add("image", tooBigMessage)
		return nil, "", ""
	}
	f, err := file.Open()
	if err != nil {
		v.Add("image", "The file could not be read. Choose it again.")
		return nil, "", ""
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, model.MaxMediaSize+1))
	switch {
	case err != nil:
		v.Add("image", "The file could not be read. Choose it again.")
		return nil, "", ""
	case len(data) == 0:
		v.Add("image", "This file is empty. Choose the image again.")
		return nil, "", ""
	case len(data) > model.MaxMediaSize:
		v.Add("image", tooBigMessage)
		return nil, "", ""
	}
	contentType, problem := inspectImage(data)
	if problem != "" {
		v.Add("image", problem)
		return nil, "", ""
	}
	return data, contentType, imageKinds[contentType].ext
}

const tooBigMessage = "This image is larger than 5 MB. Make it smaller (for example, save it at most 2000 pixels wide) and upload it again."

// inspectImage judges data by its content alone: its kind from its first bytes
// (http.DetectContentType), its size from its header (image.DecodeConfig), and its
// completeness from its structure, so that a renamed text file, a damaged or
// truncated image and an absurdly large one are refused. It returns the content type,
// or a message saying what is wrong.
func inspectImage(data []byte) (contentType, problem string) {
	contentType = http.DetectContentType(data)
	kind, ok := imageKinds[contentType]
	if !ok {
		if contentType == "image/gif" {
			return "", "GIF images cannot be uploaded. Save it as PNG (or JPEG for a photo) and upload that."
		}
		return "", "This file is not a PNG, JPEG or WebP image, whatever its name says. Only those kinds of image can be uploaded."
	}
	damaged := "This " + kind.label + " image is damaged or incomplete, so it cannot be used. Save it again and upload the new file."
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != kind.format || !imageComplete(contentType, data) {
		return "", damaged
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return "", damaged
	}
	if cfg.Width > model.MaxMediaSide || cfg.Height > model.MaxMediaSide {
		return "", fmt.Sprintf("This image is %d × %d pixels; at most 10,000 pixels a side can be uploaded. Make it smaller and upload it again.", cfg.Width, cfg.Height)
	}
	return contentType, ""
}

// imageComplete checks the structure of the whole file, which the header alone does
// not show: every PNG chunk intact up to IEND, a JPEG's scan ended by EOI, every WebP
// chunk within the RIFF container. It decodes no pixels, so a small file that claims
// a huge image costs no memory.
func imageComplete(contentType string, data []byte) bool {
	switch contentType {
	case "image/png":
		return pngComplete(data)
	case "image/jpeg":
		return jpegComplete(data)
	case "image/webp":
		return webpComplete(data)
	}
	return false
}

// pngComplete reports whether every chunk after the signature is whole, with a correct
// CRC, up to and including IEND.
func pngComplete(data []byte) bool {
	const signature = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(signature)) {
		return false
	}
	p := data[len(signature):]
	for len(p) >= 12 {
		n := uint64(binary.BigEndian.Uint32(p[:4]))
		if n > 1<<31-1 || uint64(len(p)) < 12+n {
			return false
		}
		if crc32.ChecksumIEEE(p[4:8+n]) != binary.BigEndian.Uint32(p[8+n:12+n]) {
			return false
		}
		if string(p[4:8]) == "IEND" {
			return true
		}
		p = p[12+n:]
	}
	return false
}

// jpegComplete reports whether the marker segments before the first scan are whole
// and the data after it holds the end-of-image marker. Inside a scan a 0xFF byte is
// always followed by 0x00 or a restart marker, so EOI cannot appear there by chance.
func jpegComplete(data []byte) bool {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return false
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return false
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // no length
			i += 2
			continue
		case marker == 0xD9: // EOI before any scan
			return false
		}
		length := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if length < 2 || i+2+length > len(data) {
			return false
		}
		i += 2 + length
		if marker == 0xDA { // start of scan: the entropy-coded data follows
			return bytes.Contains(data[i:], []byte{0xFF, 0xD9})
		}
	}
	return false
}

// webpComplete reports whether the RIFF container is whole: its declared size fits the
// file and every chunk in it is whole.
func webpComplete(data []byte) bool {
	if len(data) < 20 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return false
	}
	size := uint64(binary.LittleEndian.Uint32(data[4:8]))
	if size < 12 || 8+size > uint64(len(data)) {
		return false
	}
	p := data[12 : 8+size]
	for len(p) > 0 {
		if len(p) < 8 {
			return false
		}
		n := uint64(binary.LittleEndian.Uint32(p[4:8]))
		if 8+n > uint64(len(p)) {
			return false
		}
		p = p[min(8+n+n&1, uint64(len(p))):]
	}
	return true
}

// ensureMediaFile writes the file of an image already recorded if it has gone missing.
func (s *Server) ensureMediaFile(name string, data []byte) error {
	info, err := os.Stat(filepath.Join(s.mediaDir, name))
	if err == nil && info.Mode().IsRegular() && info.Size() == int64(len(data)) {
		return nil
	}
	return writeFileAtomic(s.mediaDir, name, data)
}

// writeFileAtomic writes data to dir/name so that the file is either absent or whole,
// even after a crash: it writes a temporary file in the same folder, flushes it to
// disk, renames it over name, and flushes the folder. It creates dir if needed.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("media folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("media file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("media file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync media file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close media file: %w", err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("rename media file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; not every filesystem can, so errors are ignored
		d.Close()
	}
	return nil
}
