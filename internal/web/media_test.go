package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/webp"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Tiny valid WebP files (1×1), as published in Modernizr's WebP feature tests.
var (
	webpLossless = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	webpLossy    = []byte("RIFF\x22\x00\x00\x00WEBPVP8 \x16\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00\x0e\xc0\xfe\x25\xa4\x00\x03\x70\x00\x00\x00\x00")
)

// mediaSite is the site with uploads kept in a media folder beside a stand-in database
// file and go.mod, which no image address may reach.
func mediaSite(t testing.TB) (*site, string) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "media")
	for _, name := range []string{"fascicle.db", "go.mod"} {
		if err := os.WriteFile(filepath.Join(parent, name), []byte("SECRET "+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return newSiteWith(t, func(o *web.Options) { o.MediaDir = dir }), dir
}

// uploadForm is the image upload form as a browser sends it.
type uploadForm struct {
	FileName string // "" sends the file field empty, as when no file is chosen
	Type     string // the Content-Type the browser declares for the file
	Data     []byte
	Alt      string
}

func (f uploadForm) body(t testing.TB) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("alt", f.Alt); err != nil {
		t.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="image"; filename="`+f.FileName+`"`)
	h.Set("Content-Type", cmpOr(f.Type, "application/octet-stream"))
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(f.Data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

// upload posts the form to /admin/media as the holder of cookie.
func (s *site) upload(t testing.TB, cookie *http.Cookie, f uploadForm) *response {
	t.Helper()
	body, contentType := f.body(t)
	req := httptest.NewRequest(http.MethodPost, "/admin/media", body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func pngImage(t testing.TB, w, h int) []byte {
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

// noisePNG is a PNG of random pixels, which does not compress: about 4 bytes a pixel.
func noisePNG(t testing.TB, side int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegImage(t testing.TB) []byte {
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

func gifImage(t testing.TB) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mediaName(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:16] + "." + ext
}

// mediaFiles lists the files in the media folder (none if it does not exist).
func mediaFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
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

// Ensure a real PNG, JPEG and WebP (lossless and lossy) are each stored under the
// hash of their content, recorded with the type found in their content, and shown
// first in the library with the Markdown to paste.
func TestMediaUpload_AcceptsPNGJPEGWebP(t *testing.T) {
	t.Parallel()
	for _, w := range [][]byte{webpLossless, webpLossy} {
		if _, err := webp.Decode(bytes.NewReader(w)); err != nil {
			t.Fatalf("the WebP fixture is not a valid WebP: %v", err)
		}
	}
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAuthor))
	cases := []struct {
		name, file, declared, contentType, ext string
		data                                   []byte
	}{
		{"PNG", "chart.png", "image/png", "image/png", "png", pngImage(t, 64, 48)},
		{"JPEG", "Photo.JPG", "image/jpeg", "image/jpeg", "jpg", jpegImage(t)},
		{"WebPLossless", "tiny.webp", "image/webp", "image/webp", "webp", webpLossless},
		// Declared wrongly and named without extension: the content decides.
		{"WebPLossy", "download", "application/octet-stream", "image/webp", "webp", webpLossy},
	}
	var want []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alt := "Diagram of " + tc.name + " [figure 1] with *stars*"
			res := s.upload(t, cookie, uploadForm{FileName: tc.file, Type: tc.declared, Data: tc.data, Alt: alt}).wantStatus(http.StatusSeeOther)
			if got := res.Header.Get("Location"); got != "/admin/media?done=uploaded" {
				t.Fatalf("Location = %q", got)
			}
			name := mediaName(tc.data, tc.ext)
			stored, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.Equal(stored, tc.data) {
				t.Fatalf("stored file %s: %v (equal: %v)", name, err, bytes.Equal(stored, tc.data))
			}
			if n := s.count(t, `SELECT count(*) FROM media WHERE file_name = ? AND content_type = ? AND size = ? AND alt = ? AND user_id IS NOT NULL`,
				name, tc.contentType, len(tc.data), alt); n != 1 {
				t.Fatalf("media rows for %s = %d", name, n)
			}
			page := s.getAs(t, cookie, res.Header.Get("Location")).wantStatus(http.StatusOK)
			markdown := `![Diagram of ` + tc.name + ` \[figure 1\] with \*stars\*](/media/` + name + `)`
			page.wantContains("Image uploaded. Copy its Markdown into an article.", html.EscapeString(markdown),
				`<img src="/media/`+name+`" alt="`+html.EscapeString(alt)+`"`)
			first := page.Body[strings.Index(page.Body, `<li class="media-item`):]
			if !strings.HasPrefix(first, `<li class="media-item media-just">`) || !strings.Contains(first[:strings.Index(first, "</li>")], name) {
				t.Errorf("the new image is not first and marked; list starts:\n%.600s", first)
			}
			want = append(want, name)
		})
	}

	slices.Sort(want)
	if got := mediaFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("media folder holds %v, want exactly %v (no temporary files)", got, want)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("media folder: %v, mode %v", err, info.Mode().Perm())
	}
}

// Ensure an upload that is not an acceptable image is refused with 422 and a clear
// message, keeps the alt text typed, and writes nothing: no file, no row.
func TestMediaUpload_Refused(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	goodPNG := pngImage(t, 32, 32)
	badCRC := bytes.Clone(goodPNG)
	badCRC[len(badCRC)-20] ^= 0xFF // inside the image data, not the header
	cases := []struct {
		name string
		form uploadForm
		msg  string
	}{
		{"TextNamedPNG", uploadForm{FileName: "x.png", Type: "image/png", Data: []byte("just some notes, not a picture\n")},
			"This file is not a PNG, JPEG or WebP image, whatever its name says."},
		{"HTMLDeclaredPNG", uploadForm{FileName: "pic.png", Type: "image/png", Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
			"This file is not a PNG, JPEG or WebP image, whatever its name says."},
		{"HTMLAfterPNGSignature", uploadForm{FileName: "pic.png", Type: "image/png", Data: append([]byte("\x89PNG\r\n\x1a\n"), "<html><script>alert(1)</script>"...)},
			"This PNG image is damaged or incomplete"},
		{"GIF", uploadForm{FileName: "anim.gif", Type: "image/gif", Data: gifImage(t)},
			"GIF images cannot be uploaded."},
		{"GIFNamedPNG", uploadForm{FileName: "anim.png", Type: "image/png", Data: gifImage(t)},
			"GIF images cannot be uploaded."},
		{"TruncatedPNG", uploadForm{FileName: "cut.png", Type: "image/png", Data: goodPNG[:len(goodPNG)/2]},
			"This PNG image is damaged or incomplete, so it cannot be used."},
		{"TruncatedPNGHeader", uploadForm{FileName: "cut.png", Type: "image/png", Data: goodPNG[:20]},
			"This PNG image is damaged or incomplete, so it cannot be used."},
		{"CorruptPNG", uploadForm{FileName: "bad.png", Type: "image/png", Data: badCRC},
			"This PNG image is damaged or incomplete, so it cannot be used."},
		{"TruncatedJPEG", uploadForm{FileName: "cut.jpg", Type: "image/jpeg", Data: jpegImage(t)[:300]},
			"This JPEG image is damaged or incomplete, so it cannot be used."},
		{"TruncatedWebP", uploadForm{FileName: "cut.webp", Type: "image/webp", Data: webpLossless[:len(webpLossless)-4]},
			"This WebP image is damaged or incomplete, so it cannot be used."},
		{"TooManyPixels", uploadForm{FileName: "wide.png", Type: "image/png", Data: pngImage(t, 10_001, 1)},
			"This image is 10001 × 1 pixels; at most 10,000 pixels a side can be uploaded."},
		{"Empty", uploadForm{FileName: "empty.png", Type: "image/png", Data: nil},
			"This file is empty. Choose the image again."},
		{"NoFile", uploadForm{FileName: "", Data: nil},
			"Choose an image to upload."},
		{"OverFiveMB", uploadForm{FileName: "big.png", Type: "image/png", Data: append(bytes.Clone(goodPNG), make([]byte, model.MaxMediaSize+1-len(goodPNG))...)},
			"This image is larger than 5 MB."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Alt = `Chart of "twitches" & <cramps>`
			res := s.upload(t, cookie, tc.form).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("The image was not uploaded.", html.EscapeString(tc.msg),
				`value="`+html.EscapeString(tc.form.Alt)+`"`).wantNotContains("Image uploaded.")
		})
	}
	t.Run("MissingAlt", func(t *testing.T) {
		res := s.upload(t, cookie, uploadForm{FileName: "ok.png", Type: "image/png", Data: goodPNG, Alt: " \n\t "}).wantStatus(http.StatusUnprocessableEntity)
		res.wantContains("Describe the image for readers who cannot see it (the alt text).")
	})
	t.Run("AltTooLong", func(t *testing.T) {
		alt := strings.Repeat("é", model.MaxMediaAlt+1)
		res := s.upload(t, cookie, uploadForm{FileName: "ok.png", Type: "image/png", Data: goodPNG, Alt: alt}).wantStatus(http.StatusUnprocessableEntity)
		res.wantContains("Keep the description to 300 characters or fewer", `value="`+alt+`"`)
	})

	if files := mediaFiles(t, dir); len(files) != 0 {
		t.Errorf("refused uploads left files in the media folder: %v", files)
	}
	if n := s.count(t, `SELECT count(*) FROM media`); n != 0 {
		t.Errorf("refused uploads left %d rows in the media table", n)
	}
	// The longest alt text accepted is 300 characters, counted as characters.
	s.upload(t, cookie, uploadForm{FileName: "ok.png", Type: "image/png", Data: goodPNG, Alt: strings.Repeat("é", model.MaxMediaAlt)}).wantStatus(http.StatusSeeOther)
}

// Ensure the upload routes accept bodies up to MaxUploadBody, refuse larger ones with
// 413 before reading them, and refuse a streamed body of undeclared length (which
// browsers never send) with 411 without reading it; other routes keep the small limit.
func TestMediaUpload_BodyLimit(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAdmin))
	t.Run("LargeImageAccepted", func(t *testing.T) {
		data := noisePNG(t, 700) // about 2 MB, far over the 256 KB of other forms
		if len(data) < 1<<20 {
			t.Fatalf("test image is only %d bytes", len(data))
		}
		s.upload(t, cookie, uploadForm{FileName: "noise.png", Type: "image/png", Data: data, Alt: "Noise"}).wantStatus(http.StatusSeeOther)
	})
	tooLarge := uploadForm{FileName: "huge.png", Type: "image/png", Data: make([]byte, web.MaxUploadBody), Alt: "Huge"}
	t.Run("DeclaredTooLarge", func(t *testing.T) {
		s.upload(t, cookie, tooLarge).wantStatus(http.StatusRequestEntityTooLarge).
			wantContains("Submission too large", "An image may be at most 5 MB")
	})
	t.Run("StreamedTooLarge", func(t *testing.T) {
		body, contentType := tooLarge.body(t)
		req := httptest.NewRequest(http.MethodPost, "/admin/media", io.MultiReader(body))
		req.ContentLength = -1
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(cookie)
		s.do(t, req).wantStatus(http.StatusLengthRequired).wantContains("Length required", "sent with its length")
	})
	t.Run("OtherRoutesKeepSmallLimit", func(t *testing.T) {
		form := url.Values{"name": {strings.Repeat("a", web.MaxRequestBody)}}
		s.postForm(t, "/admin/users", form, cookie).wantStatus(http.StatusRequestEntityTooLarge).wantContains("(256 KB)")
	})

	if n, files := s.count(t, `SELECT count(*) FROM media`), mediaFiles(t, dir); n != 1 || len(files) != 1 {
		t.Errorf("after one accepted upload: %d rows, files %v", n, files)
	}
}

// Ensure the same image uploaded twice is stored once: one file, one row, and the
// second upload says so and shows that image first.
func TestMediaUpload_SameImageTwiceReusesFile(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAuthor))
	data := pngImage(t, 20, 20)
	name := mediaName(data, "png")
	s.upload(t, cookie, uploadForm{FileName: "a.png", Type: "image/png", Data: data, Alt: "First description"}).wantStatus(http.StatusSeeOther)
	s.upload(t, cookie, uploadForm{FileName: "other.png", Type: "image/png", Data: pngImage(t, 21, 20), Alt: "Another image"}).wantStatus(http.StatusSeeOther)
	res := s.upload(t, cookie, uploadForm{FileName: "b.png", Type: "image/png", Data: data, Alt: "Second description"}).wantStatus(http.StatusSeeOther)
	if got, want := res.Header.Get("Location"), "/admin/media?done=uploaded-again&image="+name; got != want {
		t.Fatalf("Location = %q, want %q", got, want)
	}
	if files := mediaFiles(t, dir); len(files) != 2 || !slices.Contains(files, name) {
		t.Errorf("media folder = %v, want the two distinct images", files)
	}
	if n := s.count(t, `SELECT count(*) FROM media WHERE file_name = ?`, name); n != 1 {
		t.Errorf("rows for the image = %d, want 1", n)
	}
	page := s.getAs(t, cookie, res.Header.Get("Location")).wantStatus(http.StatusOK)
	page.wantContains("This image was already uploaded, so the same file is used.")
	first := page.Body[strings.Index(page.Body, `<li class="media-item`):]
	first = first[:strings.Index(first, "</li>")]
	if !strings.Contains(first, "media-just") || !strings.Contains(first, name) {
		t.Errorf("the re-uploaded image is not first:\n%s", first)
	}
	if n := strings.Count(page.Body, `<img src="/media/`+name+`"`); n != 1 {
		t.Errorf("the image is listed %d times, want once", n)
	}
}

// Ensure an uploaded image is served with its stored type, nosniff, a year's cache and
// the site's usual Content-Security-Policy, answers HEAD and If-None-Match, and that
// nothing else is served from /media/: not unknown names, not files outside the
// folder, not files in it that were never uploaded.
func TestMediaFile_Serving(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAuthor))
	data := jpegImage(t)
	name := mediaName(data, "jpg")
	s.upload(t, cookie, uploadForm{FileName: "x.jpg", Type: "image/jpeg", Data: data, Alt: "A photo"}).wantStatus(http.StatusSeeOther)
	csp := s.get(t, "/").Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self'") {
		t.Fatalf("CSP lacks img-src 'self': %q", csp)
	}

	t.Run("Get", func(t *testing.T) {
		res := s.get(t, "/media/"+name).wantStatus(http.StatusOK)
		for header, want := range map[string]string{
			"Content-Type":            "image/jpeg",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "public, max-age=31536000, immutable",
			"Content-Security-Policy": csp,
		} {
			if got := res.Header.Get(header); got != want {
				t.Errorf("%s = %q, want %q", header, got, want)
			}
		}
		if res.Body != string(data) {
			t.Errorf("body is %d bytes, not the %d uploaded", len(res.Body), len(data))
		}
		req := httptest.NewRequest(http.MethodGet, "/media/"+name, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		s.do(t, req).wantStatus(http.StatusNotModified)
	})
	t.Run("Head", func(t *testing.T) {
		res := s.do(t, httptest.NewRequest(http.MethodHead, "/media/"+name, nil)).wantStatus(http.StatusOK)
		if res.Body != "" || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("Content-Length") != itoa(int64(len(data))) {
			t.Errorf("HEAD: body %d bytes, type %q, length %q", len(res.Body), res.Header.Get("Content-Type"), res.Header.Get("Content-Length"))
		}
	})

	// A file in the folder that was never uploaded, and a recorded name that is a link
	// to a file outside the folder.
	stray := "0123456789abcdef.png"
	if err := os.WriteFile(filepath.Join(dir, stray), pngImage(t, 2, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	link := "fedcba9876543210.png"
	if err := os.Symlink(filepath.Join(dir, "..", "fascicle.db"), filepath.Join(dir, link)); err != nil {
		t.Fatal(err)
	}
	s.exec(t, `INSERT INTO media (file_name, content_type, size, alt, sha256, created_at) VALUES (?, 'image/png', 10, 'x', 'x', CURRENT_TIMESTAMP)`, link)
	missing := "00000000000000ff.webp"
	s.exec(t, `INSERT INTO media (file_name, content_type, size, alt, sha256, created_at) VALUES (?, 'image/webp', 10, 'x', 'x', CURRENT_TIMESTAMP)`, missing)
	for _, target := range []string{
		"/media/" + stray,
		"/media/" + link,
		"/media/" + missing,
		"/media/" + strings.ToUpper(name[:16]) + ".jpg",
		"/media/" + name[:16] + ".png",
		"/media/" + name + ".jpg",
		"/media/..%2fgo.mod",
		"/media/..%2ffascicle.db",
		"/media/../fascicle.db",
		"/media/%2e%2e/fascicle.db",
		"/media/",
		"/media",
		"/media/fascicle.db",
	} {
		t.Run(target, func(t *testing.T) {
			res := s.get(t, target)
			if res.Code != http.StatusNotFound && !(res.Code == http.StatusMovedPermanently && target == "/media/") {
				t.Errorf("status = %d, want 404", res.Code)
			}
			res.wantNotContains("SECRET", "\x89PNG")
		})
	}
}

// Ensure only staff who write articles can open the image library: moderators and
// reviewers are refused, and anonymous visitors are sent to sign in, storing nothing.
func TestMediaPage_Roles(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	for _, role := range []model.Role{model.RoleAuthor, model.RoleEditor, model.RoleAdmin} {
		t.Run(string(role), func(t *testing.T) {
			cookie := s.signIn(t, s.addUser(t, role))
			s.getAs(t, cookie, "/admin/media").wantStatus(http.StatusOK).
				wantContains(`<a href="/admin/media">Images</a>`, `enctype="multipart/form-data"`, `name="image"`, `name="alt"`, "No images yet.")
		})
	}
	for _, role := range []model.Role{model.RoleModerator, model.RoleReviewer} {
		t.Run(string(role), func(t *testing.T) {
			cookie := s.signIn(t, s.addUser(t, role))
			s.getAs(t, cookie, "/admin/media").wantStatus(http.StatusForbidden)
			s.upload(t, cookie, uploadForm{FileName: "a.png", Type: "image/png", Data: pngImage(t, 4, 4), Alt: "A"}).wantStatus(http.StatusForbidden)
			s.getAs(t, cookie, "/admin/").wantStatus(http.StatusOK).wantNotContains(`href="/admin/media"`)
		})
	}
	t.Run("Anonymous", func(t *testing.T) {
		res := s.get(t, "/admin/media").wantStatus(http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != "/admin/login?next=%2Fadmin%2Fmedia" {
			t.Errorf("Location = %q", got)
		}
		res = s.upload(t, nil, uploadForm{FileName: "a.png", Type: "image/png", Data: pngImage(t, 4, 4), Alt: "A"}).wantStatus(http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != "/admin/login" {
			t.Errorf("Location = %q", got)
		}
	})

	if n, files := s.count(t, `SELECT count(*) FROM media`), mediaFiles(t, dir); n != 0 || len(files) != 0 {
		t.Errorf("refused uploads stored %d rows, files %v", n, files)
	}
}

// Ensure a Markdown image in an article body, as the library gives it to paste, renders
// as an <img> with that address and the alt text as typed (markup characters and
// all, which the sanitiser once dropped with the whole alt), under a policy that lets
// the browser load it from this site.
func TestArticle_RendersUploadedImage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alt := `Fig. [2]: *not* bold, <b>not</b> markup & "quoted"`
	snippet := model.MediaMarkdown(alt, "/media/0123456789abcdef.png")
	s.exec(t, `UPDATE articles SET body_markdown = body_markdown || ? WHERE slug = ?`,
		"\n\n![Muscle fibres in a fascicle](/media/x.png)\n\n"+snippet+"\n", strings.TrimPrefix(articlePath, "/articles/"))
	res := s.get(t, articlePath).wantStatus(http.StatusOK)
	res.wantContains(`<img src="/media/x.png" alt="Muscle fibres in a fascicle"`,
		// Straight quotes become typographic ones, as everywhere in article text.
		`<img src="/media/0123456789abcdef.png" alt="Fig. [2]: *not* bold, &lt;b&gt;not&lt;/b&gt; markup &amp; “quoted”"`)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") {
		t.Errorf("CSP = %q, which does not let the page load its own images", csp)
	}
}
