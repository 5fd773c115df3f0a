package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// grayPNG is a w×h PNG of one grey, a few kilobytes however many pixels it has.
func grayPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngClaiming is a small, complete PNG whose header says it is w×h pixels (its
// image data, of 1×1 pixels, does not fill them).
func pngClaiming(t *testing.T, w, h int) []byte {
	t.Helper()
	data := grayPNG(t, 1, 1)
	ihdr := data[8:] // length, "IHDR", width, height, …, CRC
	binary.BigEndian.PutUint32(ihdr[8:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[12:], uint32(h))
	binary.BigEndian.PutUint32(ihdr[21:], crc32.ChecksumIEEE(ihdr[4:21]))
	return data
}

// jpegClaiming is a small, complete JPEG whose header says it is w×h pixels: the
// pixels a browser would allocate, whatever the file holds.
func jpegClaiming(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	sof := bytes.Index(data, []byte{0xFF, 0xC0}) // baseline frame header: length, precision, height, width
	if sof < 0 {
		t.Fatal("no SOF0 marker in the encoded JPEG")
	}
	binary.BigEndian.PutUint16(data[sof+5:], uint16(h))
	binary.BigEndian.PutUint16(data[sof+7:], uint16(w))
	return data
}

// webpClaiming is the 1×1 lossless WebP with its header saying it is w×h pixels.
func webpClaiming(w, h int) []byte {
	data := bytes.Clone(webpLossless)
	// After "VP8L", its size and the signature byte: 14 bits of width-1, 14 of
	// height-1, then the alpha bit and the version, kept as they are.
	bits := binary.LittleEndian.Uint32(data[21:25])
	bits = bits&^(1<<28-1) | uint32(w-1) | uint32(h-1)<<14
	binary.LittleEndian.PutUint32(data[21:25], bits)
	return data
}

// Ensure an image of more than 25 million pixels, width × height as its header states
// them, is refused in every format that can be stored, with a message naming its size
// and the limit, however small the file; and that one of exactly 25 million is stored.
func TestSave_PixelLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	big := grayPNG(t, 5001, 5001)
	if len(big) > 200<<10 {
		t.Fatalf("the 5001 × 5001 test PNG is %d bytes; it should be tiny", len(big))
	}
	refused := []struct {
		name string
		data []byte
		msg  string
	}{
		{"PNG", big, "This image is 5001 × 5001 pixels, 25,010,001 in all; at most 25,000,000 pixels " +
			"(for example 5000 × 5000) can be uploaded. Make it smaller and upload it again."},
		{"PNGTenThousandSquare", pngClaiming(t, 10_000, 10_000), "This image is 10000 × 10000 pixels, 100,000,000 in all; " +
			"at most 25,000,000 pixels (for example 5000 × 5000) can be uploaded. Make it smaller and upload it again."},
		{"JPEG", jpegClaiming(t, 8000, 4000), "This image is 8000 × 4000 pixels, 32,000,000 in all; " +
			"at most 25,000,000 pixels (for example 5000 × 5000) can be uploaded. Make it smaller and upload it again."},
		{"WebP", webpClaiming(5001, 5000), "This image is 5001 × 5000 pixels, 25,005,000 in all; " +
			"at most 25,000,000 pixels (for example 5000 × 5000) can be uploaded. Make it smaller and upload it again."},
	}
	for _, tc := range refused {
		t.Run("Refused"+tc.name, func(t *testing.T) {
			saved, err := f.svc.Save(context.Background(), upload(tc.data, "A grey square"))
			var invalid *model.ValidationError
			if !errors.As(err, &invalid) || saved != nil {
				t.Fatalf("Save = %+v, %v; want a ValidationError", saved, err)
			}
			if got := invalid.Fields["image"]; got != tc.msg {
				t.Errorf("image: %q\nwant %q", got, tc.msg)
			}
			if len(invalid.Fields) != 1 {
				t.Errorf("fields %v, want only image", invalid.Fields)
			}
		})
	}
	if files := f.files(t); files != nil {
		t.Errorf("refused uploads left files: %v", files)
	}
	if n := f.rows(t); n != 0 {
		t.Errorf("refused uploads left %d rows", n)
	}

	accepted := []struct {
		name, ext string
		data      []byte
	}{
		{"PNG", "png", grayPNG(t, 5000, 5000)},
		{"JPEG", "jpg", jpegClaiming(t, 5000, 5000)},
		{"WebP", "webp", webpClaiming(10_000, 2500)},
	}
	for _, tc := range accepted {
		t.Run("Accepted"+tc.name, func(t *testing.T) {
			saved, err := f.svc.Save(context.Background(), upload(tc.data, "A grey square"))
			if err != nil {
				t.Fatalf("Save: %v", err)
			}
			if want := nameOf(tc.data, tc.ext); saved.Media.FileName != want {
				t.Errorf("stored as %q, want %q", saved.Media.FileName, want)
			}
		})
	}
}

// Ensure the test images say what they claim: DecodeConfig reads the sizes the tests
// above rely on.
func TestSave_PixelLimitFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		data   []byte
		format string
		w, h   int
	}{
		{"PNG", pngClaiming(t, 10_000, 10_000), "png", 10_000, 10_000},
		{"JPEG", jpegClaiming(t, 8000, 4000), "jpeg", 8000, 4000},
		{"WebP", webpClaiming(5001, 5000), "webp", 5001, 5000},
	} {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(tc.data))
		if err != nil || format != tc.format || cfg.Width != tc.w || cfg.Height != tc.h {
			t.Errorf("%s: DecodeConfig = %d × %d %q, %v; want %d × %d %q", tc.name, cfg.Width, cfg.Height, format, err, tc.w, tc.h, tc.format)
		}
	}
}
