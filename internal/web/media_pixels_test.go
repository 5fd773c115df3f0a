package web_test

import (
	"bytes"
	"html"
	"image"
	"image/png"
	"net/http"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure an author's upload of a PNG of 5001 × 5001 pixels, a few kilobytes on disk,
// is refused with 422 and a message naming its size and the limit, and stores
// nothing; and that both upload forms say the limit beside the file field.
func TestMediaUpload_RefusedOverPixelLimit(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAuthor))

	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, image.NewGray(image.Rect(0, 0, 5001, 5001))); err != nil {
		t.Fatal(err)
	}
	const msg = "This image is 5001 × 5001 pixels, 25,010,001 in all; at most 25,000,000 pixels " +
		"(for example 5000 × 5000) can be uploaded. Make it smaller and upload it again."
	res := s.upload(t, cookie, uploadForm{FileName: "grey.png", Type: "image/png", Data: buf.Bytes(), Alt: "A grey square"}).
		wantStatus(http.StatusUnprocessableEntity)
	res.wantContains("The image was not uploaded.", `<span class="field-error" id="image-error">`+html.EscapeString(msg)+`</span>`).
		wantNotContains("Image uploaded.")
	if files := mediaFiles(t, dir); len(files) != 0 {
		t.Errorf("the refused upload left files in the media folder: %v", files)
	}
	if n := s.count(t, `SELECT count(*) FROM media`); n != 0 {
		t.Errorf("the refused upload left %d rows in the media table", n)
	}

	const hint = "at most 5 MB, 10,000 pixels a side and 25 million pixels in all (5000 × 5000, for example)"
	s.getAs(t, cookie, "/admin/media").wantStatus(http.StatusOK).
		wantContains(`<span class="hint" id="image-hint">A PNG, JPEG or WebP file, ` + hint + `.</span>`)
	s.getAs(t, cookie, "/admin/articles/new").wantStatus(http.StatusOK).
		wantContains(`<p class="hint" id="image-hint">A PNG, JPEG or WebP file, ` + hint + `. It is added to the end of the body as Markdown.</p>`)
}
