// Package media stores the images staff upload for articles: it checks that a file is
// an image that may be stored, writes it to the media folder under a name made from
// its content, records it, and opens it again to be served.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrUploadsOff means the Service has no media folder, so images can be neither
// stored nor served.
var ErrUploadsOff = errors.New("image uploads are off: no media folder is configured")

// ErrFileMissing means an image is recorded but its file cannot be opened from the
// media folder (not restored with the database, perhaps). It wraps the cause.
var ErrFileMissing = errors.New("image file missing")

// Service stores and opens uploaded images. It is safe for concurrent use.
type Service struct {
	store *store.Store
	dir   string
	now   func() time.Time
}

// New returns a Service keeping images in dir (created at the first upload), or with
// uploads off when dir is empty. now is the clock (time.Now when nil).
func New(st *store.Store, dir string, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, dir: dir, now: now}
}

// Dir returns the media folder, "" when uploads are off.
func (s *Service) Dir() string {
	return s.dir
}

// Upload is an image sent to be stored.
type Upload struct {
	// Open opens the file's content; nil when no file was chosen. The content is read
	// only up to one byte past model.MaxMediaSize.
	Open func() (io.ReadCloser, error)
	// Size is the file's size when known before reading it (as a multipart.FileHeader
	// knows it), or -1: a file known to be empty or too large is refused unread.
	Size int64
	// Alt is the alt text as typed.
	Alt string
	// UserID is the account uploading it; nil for none.
	UserID *int64
}

// Saved is an image stored by Save.
type Saved struct {
	// Media is the image as recorded: when it was stored before, with the alt text it
	// was first given.
	Media *model.Media
	// Markdown shows the image in an article, `![alt](/media/NAME)`, with the alt text
	// of this upload (alt text is per use: the same picture may need a different
	// description in another article).
	Markdown string
	// Reused is true when the image was stored already, so that nothing new was
	// recorded.
	Reused bool
}

// Save stores an uploaded image. The file's kind is judged by its content only, never
// by its name or declared type: it must be a complete PNG, JPEG or WebP image of at
// most model.MaxMediaSize bytes, model.MaxMediaSide pixels a side and
// model.MaxMediaPixels pixels in all (as its header states them; no pixel is decoded).
// The alt text is required, at most model.MaxMediaAlt characters; it is trimmed and put
// on one line.
//
// The file is named by its content, so storing the same image again writes nothing
// and returns the image already recorded, with Reused set (and its file written again
// if it had gone missing). A file is written so that it is whole or absent, even after
// a crash.
//
// Returns a *model.ValidationError when the upload is refused, with a message for the
// person uploading under "image" and/or "alt"; nothing is written then. Returns
// ErrUploadsOff when the Service has no folder. Any other error (the disk, the
// database) is unexpected; a file written before its row failed stays, unserved, and
// the next upload of the image reuses it.
func (s *Service) Save(ctx context.Context, u Upload) (*Saved, error) {
	var v model.ValidationError
	alt := model.NormalizeAlt(u.Alt)
	model.ValidateAlt(&v, alt)
	data, kind := readImage(&v, u)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if s.dir == "" {
		return nil, ErrUploadsOff
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	name := digest[:16] + "." + kind.ext

	existing, err := s.store.MediaByFileName(ctx, name)
	switch {
	case err == nil:
		if err := s.ensureFile(name, data); err != nil {
			return nil, err
		}
		return &Saved{Media: existing, Markdown: model.MediaMarkdown(alt, existing.URL()), Reused: true}, nil
	case !errors.Is(err, model.ErrNotFound):
		return nil, err
	}
	if err := writeFileAtomic(s.dir, name, data); err != nil {
		return nil, err
	}
	m := &model.Media{FileName: name, ContentType: kind.contentType, Size: int64(len(data)), Alt: alt,
		SHA256: digest, UserID: u.UserID, CreatedAt: s.now()}
	if err := s.store.CreateMedia(ctx, m); err != nil {
		if !errors.Is(err, model.ErrConflict) {
			return nil, err
		}
		// The same image was stored at the same moment by someone else.
		if existing, err = s.store.MediaByFileName(ctx, name); err != nil {
			return nil, err
		}
		return &Saved{Media: existing, Markdown: model.MediaMarkdown(alt, existing.URL()), Reused: true}, nil
	}
	return &Saved{Media: m, Markdown: model.MediaMarkdown(alt, m.URL())}, nil
}

// nameShape is the only shape of a stored image's name: 16 hex digits of its SHA-256
// and its extension. It has no slash or dot-dot, so it cannot leave the folder.
var nameShape = regexp.MustCompile(`^[0-9a-f]{16}\.(png|jpg|webp)$`)

// ValidName reports whether name has the shape of a stored image's name.
func ValidName(name string) bool {
	return nameShape.MatchString(name)
}

// Open returns the image recorded under name and its file, open for reading, which
// the caller closes. Only names recorded are opened, from the media folder and
// nothing else: no path, and no symbolic link, that leads out of it.
//
// Returns model.ErrNotFound when name is not the name of a recorded image (or uploads
// are off), and an error wrapping ErrFileMissing (and the cause, such as
// fs.ErrNotExist) when it is recorded but its file cannot be opened or is not a
// regular file.
func (s *Service) Open(ctx context.Context, name string) (*model.Media, *os.File, error) {
	if s.dir == "" || !ValidName(name) {
		return nil, nil, model.ErrNotFound
	}
	m, err := s.store.MediaByFileName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	// os.Root refuses any path, or symbolic link, that leads out of the folder.
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return m, nil, fmt.Errorf("%w: %w", ErrFileMissing, err)
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return m, nil, fmt.Errorf("%w: %w", ErrFileMissing, err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return m, nil, fmt.Errorf("%w: not a regular file", ErrFileMissing)
	}
	return m, f, nil
}

// KindLabel names the kind of image a content type stands for, for people: PNG, JPEG
// or WebP ("" for any other type).
func KindLabel(contentType string) string {
	return kinds[contentType].label
}
