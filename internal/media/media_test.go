package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Tiny valid WebP files (1×1), as published in Modernizr's WebP feature tests.
var (
	webpLossless = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	webpLossy    = []byte("RIFF\x22\x00\x00\x00WEBPVP8 \x16\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00\x0e\xc0\xfe\x25\xa4\x00\x03\x70\x00\x00\x00\x00")
)

// clock is the time every test Service reads.
var clock = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// fixture is a Service on a new database in a temporary folder, with its media folder
// (not created yet) beside the database.
type fixture struct {
	svc   *media.Service
	store *store.Store
	dir   string
	user  *model.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	parent := t.TempDir()
	st, err := store.Open(filepath.Join(parent, "fascicle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	user := &model.User{Name: "Writer", Role: model.RoleAuthor}
	if err := st.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "media")
	return &fixture{svc: media.New(st, dir, func() time.Time { return clock }), store: st, dir: dir, user: user}
}

// upload is a file of data with alt text, its size known, as a form sends it.
func upload(data []byte, alt string) media.Upload {
	return media.Upload{
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		Size: int64(len(data)),
		Alt:  alt,
	}
}

// files lists the files in the media folder (none if it does not exist).
func (f *fixture) files(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(f.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func (f *fixture) rows(t *testing.T) int {
	t.Helper()
	n, err := f.store.CountMedia(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func nameOf(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:16] + "." + ext
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, 0, color.NRGBA{R: uint8(x), G: 92, B: 74, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, G: 40, B: 40, A: 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Ensure a PNG, a JPEG and a WebP (lossless and lossy) are each written whole under the
// hash of their content, recorded with the type found in their content, the alt text
// on one line, the uploader and the time, and given Markdown with the alt text escaped.
func TestSave_AcceptsPNGJPEGWebP(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, contentType, ext, label string
		data                          []byte
	}{
		{"PNG", "image/png", "png", "PNG", pngImage(t, 64, 48)},
		{"JPEG", "image/jpeg", "jpg", "JPEG", jpegImage(t)},
		{"WebPLossless", "image/webp", "webp", "WebP", webpLossless},
		{"WebPLossy", "image/webp", "webp", "WebP", webpLossy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			u := upload(tc.data, "  Diagram of "+tc.name+"\n[figure 1]   with *stars* ")
			u.UserID = &f.user.ID
			saved, err := f.svc.Save(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			alt := "Diagram of " + tc.name + " [figure 1] with *stars*"
			name := nameOf(tc.data, tc.ext)
			sum := sha256.Sum256(tc.data)
			m := saved.Media
			if saved.Reused || m.ID == 0 || m.FileName != name || m.ContentType != tc.contentType || m.Size != int64(len(tc.data)) ||
				m.Alt != alt || m.SHA256 != hex.EncodeToString(sum[:]) || m.UserID == nil || *m.UserID != f.user.ID || !m.CreatedAt.Equal(clock) {
				t.Errorf("saved %+v (reused %v)", m, saved.Reused)
			}
			if want := `![Diagram of ` + tc.name + ` \[figure 1\] with \*stars\*](/media/` + name + `)`; saved.Markdown != want {
				t.Errorf("Markdown = %q, want %q", saved.Markdown, want)
			}
			if media.KindLabel(m.ContentType) != tc.label {
				t.Errorf("KindLabel(%q) = %q", m.ContentType, media.KindLabel(m.ContentType))
			}
			stored, err := os.ReadFile(filepath.Join(f.dir, name))
			if err != nil || !bytes.Equal(stored, tc.data) {
				t.Fatalf("stored file %s: %v (equal: %v)", name, err, bytes.Equal(stored, tc.data))
			}
			if got := f.files(t); !slices.Equal(got, []string{name}) {
				t.Errorf("media folder holds %v, want only %s (no temporary files)", got, name)
			}
			for path, want := range map[string]fs.FileMode{f.dir: 0o755, filepath.Join(f.dir, name): 0o644} {
				if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
					t.Errorf("%s: %v, mode %v, want %v", path, err, info.Mode().Perm(), want)
				}
			}
			recorded, err := f.store.MediaByFileName(context.Background(), name)
			if err != nil || recorded.ID != m.ID || recorded.Alt != alt {
				t.Errorf("recorded %+v, %v", recorded, err)
			}
		})
	}
}

// Ensure an upload that is not an acceptable image, or has no usable alt text, is
// refused with a ValidationError naming the field and saying what is wrong, and writes
// nothing: no folder, no file, no row.
func TestSave_Refused(t *testing.T) {
	t.Parallel()
	goodPNG := pngImage(t, 32, 32)
	badCRC := bytes.Clone(goodPNG)
	badCRC[len(badCRC)-20] ^= 0xFF // inside the image data, not the header
	tooBig := append(bytes.Clone(goodPNG), make([]byte, model.MaxMediaSize+1-len(goodPNG))...)
	unread := func(size int64) media.Upload {
		return media.Upload{Size: size, Alt: "A", Open: func() (io.ReadCloser, error) {
			t.Error("a file refused by its size was opened")
			return nil, errors.New("opened")
		}}
	}
	unknownSize := func(data []byte) media.Upload {
		u := upload(data, "A")
		u.Size = -1
		return u
	}
	failing := media.Upload{Size: 100, Alt: "A", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(bytes.NewReader(goodPNG[:10]), iotestErrReader{})), nil
	}}
	cases := []struct {
		name   string
		upload media.Upload
		field  string
		msg    string
	}{
		{"TextNamedPNG", upload([]byte("just some notes, not a picture\n"), "A"), "image",
			"This file is not a PNG, JPEG or WebP image, whatever its name says."},
		{"HTML", upload([]byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "A"), "image",
			"This file is not a PNG, JPEG or WebP image, whatever its name says."},
		{"HTMLAfterPNGSignature", upload(append([]byte("\x89PNG\r\n\x1a\n"), "<html><script>alert(1)</script>"...), "A"), "image",
			"This PNG image is damaged or incomplete"},
		{"GIF", upload(gifImage(t), "A"), "image", "GIF images cannot be uploaded."},
		{"TruncatedPNG", upload(goodPNG[:len(goodPNG)/2], "A"), "image", "This PNG image is damaged or incomplete, so it cannot be used."},
		{"TruncatedPNGHeader", upload(goodPNG[:20], "A"), "image", "This PNG image is damaged or incomplete, so it cannot be used."},
		{"CorruptPNG", upload(badCRC, "A"), "image", "This PNG image is damaged or incomplete, so it cannot be used."},
		{"TruncatedJPEG", upload(jpegImage(t)[:300], "A"), "image", "This JPEG image is damaged or incomplete, so it cannot be used."},
		{"TruncatedWebP", upload(webpLossless[:len(webpLossless)-4], "A"), "image", "This WebP image is damaged or incomplete, so it cannot be used."},
		{"TooManyPixels", upload(pngImage(t, 10_001, 1), "A"), "image",
			"This image is 10001 × 1 pixels; at most 10,000 pixels a side can be uploaded."},
		{"Empty", upload(nil, "A"), "image", "This file is empty. Choose the image again."},
		{"EmptyUnknownSize", unknownSize(nil), "image", "This file is empty. Choose the image again."},
		{"KnownEmptyUnread", unread(0), "image", "This file is empty. Choose the image again."},
		{"NoFile", media.Upload{Alt: "A"}, "image", "Choose an image to upload."},
		{"OverFiveMB", upload(tooBig, "A"), "image", "This image is larger than 5 MB."},
		{"OverFiveMBUnknownSize", unknownSize(tooBig), "image", "This image is larger than 5 MB."},
		{"KnownOverFiveMBUnread", unread(model.MaxMediaSize + 1), "image", "This image is larger than 5 MB."},
		{"CannotOpen", media.Upload{Size: 10, Alt: "A", Open: func() (io.ReadCloser, error) { return nil, fs.ErrNotExist }},
			"image", "The file could not be read. Choose it again."},
		{"CannotRead", failing, "image", "The file could not be read. Choose it again."},
		{"MissingAlt", upload(goodPNG, " \n\t "), "alt", "Describe the image for readers who cannot see it (the alt text)."},
		{"AltTooLong", upload(goodPNG, strings.Repeat("é", model.MaxMediaAlt+1)), "alt", "Keep the description to 300 characters or fewer"},
		{"AltControl", upload(goodPNG, "bell\a"), "alt", "The description contains characters that cannot be shown."},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			saved, err := f.svc.Save(context.Background(), tc.upload)
			var invalid *model.ValidationError
			if !errors.As(err, &invalid) || saved != nil {
				t.Fatalf("Save = %+v, %v; want a ValidationError", saved, err)
			}
			if got := invalid.Fields[tc.field]; !strings.HasPrefix(got, tc.msg) {
				t.Errorf("%s: %q, want %q", tc.field, got, tc.msg)
			}
			if len(invalid.Fields) != 1 {
				t.Errorf("fields %v, want only %s", invalid.Fields, tc.field)
			}
		})
	}
	t.Run("BothFields", func(t *testing.T) {
		_, err := f.svc.Save(context.Background(), media.Upload{Alt: ""})
		var invalid *model.ValidationError
		if !errors.As(err, &invalid) || invalid.Fields["image"] == "" || invalid.Fields["alt"] == "" {
			t.Errorf("err = %v, want messages for image and alt", err)
		}
	})
	if files := f.files(t); files != nil {
		t.Errorf("refused uploads left files: %v", files)
	}
	if _, err := os.Stat(f.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused uploads created the media folder: %v", err)
	}
	if n := f.rows(t); n != 0 {
		t.Errorf("refused uploads left %d rows", n)
	}
	// The longest alt text accepted is 300 characters, counted as characters.
	if _, err := f.svc.Save(context.Background(), upload(goodPNG, strings.Repeat("é", model.MaxMediaAlt))); err != nil {
		t.Errorf("300 characters of alt text: %v", err)
	}
}

// iotestErrReader fails every read.
type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// Ensure the same image stored twice is written and recorded once: the second Save
// says so and returns the first record, with Markdown using its own alt text.
func TestSave_SameImageTwiceReuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	data := pngImage(t, 20, 20)
	first, err := f.svc.Save(ctx, upload(data, "First description"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Save(ctx, upload(pngImage(t, 21, 20), "Another image")); err != nil {
		t.Fatal(err)
	}
	second, err := f.svc.Save(ctx, upload(data, "Second description"))
	if err != nil {
		t.Fatal(err)
	}
	name := nameOf(data, "png")
	if !second.Reused || second.Media.ID != first.Media.ID || second.Media.Alt != "First description" {
		t.Errorf("second save: %+v, reused %v; want the first record", second.Media, second.Reused)
	}
	if want := "![Second description](/media/" + name + ")"; second.Markdown != want {
		t.Errorf("Markdown = %q, want %q", second.Markdown, want)
	}
	if files := f.files(t); len(files) != 2 || !slices.Contains(files, name) {
		t.Errorf("media folder = %v, want the two distinct images", files)
	}
	if n := f.rows(t); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}

// Ensure storing again an image whose file has gone missing, or been cut short,
// writes the file again and keeps the one record.
func TestSave_RewritesMissingFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	data := jpegImage(t)
	first, err := f.svc.Save(ctx, upload(data, "Photo"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.dir, first.Media.FileName)
	for name, damage := range map[string]func() error{
		"Removed":   func() error { return os.Remove(path) },
		"Truncated": func() error { return os.Truncate(path, 10) },
	} {
		if err := damage(); err != nil {
			t.Fatal(err)
		}
		again, err := f.svc.Save(ctx, upload(data, "Photo again"))
		if err != nil || !again.Reused || again.Media.ID != first.Media.ID {
			t.Fatalf("%s: Save = %+v, %v", name, again, err)
		}
		if stored, err := os.ReadFile(path); err != nil || !bytes.Equal(stored, data) {
			t.Errorf("%s: file not written again: %v", name, err)
		}
	}
	if n := f.rows(t); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}

// Ensure one image stored by several people at once is recorded once, every one of
// them gets that record, and only one is told it was new.
func TestSave_SameImageAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	data := pngImage(t, 16, 16)
	results := make([]*media.Saved, 8)
	errs := make([]error, len(results))
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i], errs[i] = f.svc.Save(context.Background(), upload(data, "Same")) })
	}
	wg.Wait()
	fresh := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("upload %d: %v", i, errs[i])
		}
		if r.Media.ID != results[0].Media.ID {
			t.Errorf("upload %d has record %d, not %d", i, r.Media.ID, results[0].Media.ID)
		}
		if !r.Reused {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d uploads were told the image was new, want 1", fresh)
	}
	if n, files := f.rows(t), f.files(t); n != 1 || !slices.Equal(files, []string{nameOf(data, "png")}) {
		t.Errorf("%d rows and files %v, want one of each", n, files)
	}
}

// Ensure a Service without a folder refuses to store a valid image with ErrUploadsOff
// (still refusing an invalid one as invalid) and opens nothing.
func TestSave_UploadsOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	off := media.New(f.store, "", nil)
	ctx := context.Background()
	if _, err := off.Save(ctx, upload(pngImage(t, 4, 4), "A")); !errors.Is(err, media.ErrUploadsOff) {
		t.Errorf("valid image: err = %v, want ErrUploadsOff", err)
	}
	var invalid *model.ValidationError
	if _, err := off.Save(ctx, upload([]byte("text"), "A")); !errors.As(err, &invalid) {
		t.Errorf("invalid image: err = %v, want a ValidationError", err)
	}
	saved, err := f.svc.Save(ctx, upload(pngImage(t, 4, 4), "A"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := off.Open(ctx, saved.Media.FileName); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Open without a folder: err = %v, want ErrNotFound", err)
	}
	if n := f.rows(t); n != 1 {
		t.Errorf("%d rows, want only the one stored with a folder", n)
	}
}

// Ensure Open gives a recorded image's file, and nothing else: not names of another
// shape, not files in the folder that were never recorded, not a recorded name that
// is a link out of the folder, a folder, or a file that has gone.
func TestOpen(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	data := jpegImage(t)
	saved, err := f.svc.Save(ctx, upload(data, "A photo"))
	if err != nil {
		t.Fatal(err)
	}
	name := saved.Media.FileName

	m, file, err := f.svc.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(file)
	file.Close()
	if err != nil || !bytes.Equal(got, data) || m.ID != saved.Media.ID || m.ContentType != "image/jpeg" {
		t.Errorf("Open = %+v, %d bytes, %v", m, len(got), err)
	}

	secret := filepath.Join(filepath.Dir(f.dir), "fascicle.db")
	stray := "0123456789abcdef.png"
	if err := os.WriteFile(filepath.Join(f.dir, stray), pngImage(t, 2, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	link, folder, gone := "fedcba9876543210.png", "00000000000000aa.png", "00000000000000ff.webp"
	if err := os.Symlink(secret, filepath.Join(f.dir, link)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(f.dir, folder), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{link, folder, gone} {
		if err := f.store.CreateMedia(ctx, &model.Media{FileName: n, ContentType: "image/png", Size: 10, Alt: "x", SHA256: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{stray, strings.ToUpper(name[:16]) + ".jpg", name[:16] + ".png", name + ".jpg",
		"../fascicle.db", "..%2ffascicle.db", "fascicle.db", "", "."} {
		if m, file, err := f.svc.Open(ctx, n); !errors.Is(err, model.ErrNotFound) || m != nil || file != nil {
			t.Errorf("Open(%q) = %v, %v, %v; want ErrNotFound", n, m, file, err)
		}
	}
	for _, n := range []string{link, folder, gone} {
		m, file, err := f.svc.Open(ctx, n)
		if !errors.Is(err, media.ErrFileMissing) || file != nil || m == nil || m.FileName != n {
			t.Errorf("Open(%q) = %v, %v, %v; want the record and ErrFileMissing", n, m, file, err)
		}
		if n == gone && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q): %v does not say the file does not exist", n, err)
		}
	}
}

// Ensure only names of the stored shape (16 lower-case hex digits and png, jpg or
// webp) are valid, and kinds are labelled for people.
func TestValidNameAndKindLabel(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"0123456789abcdef.png": true, "0123456789abcdef.jpg": true, "0123456789abcdef.webp": true,
		"0123456789ABCDEF.png": false, "0123456789abcdef.jpeg": false, "0123456789abcde.png": false,
		"0123456789abcdef.png.png": false, "../0123456789abcd.png": false, "0123456789abcdef.gif": false, "": false,
	} {
		if got := media.ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v", name, got)
		}
	}
	for contentType, want := range map[string]string{"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP", "image/gif": ""} {
		if got := media.KindLabel(contentType); got != want {
			t.Errorf("KindLabel(%q) = %q, want %q", contentType, got, want)
		}
	}
}
