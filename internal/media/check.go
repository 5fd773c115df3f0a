package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	_ "image/jpeg" // registers JPEG with image.DecodeConfig
	_ "image/png"  // registers PNG with image.DecodeConfig
	"io"
	"net/http"
	"strconv"

	_ "golang.org/x/image/webp" // registers WebP with image.DecodeConfig

	"github.com/fascicle/fascicle/internal/model"
)

// kind is a kind of image that can be stored.
type kind struct {
	contentType string // as http.DetectContentType finds it in the file
	format      string // the name image.DecodeConfig gives the format
	ext         string // the extension of the stored file
	label       string // for people
}

// kinds are the kinds of image that can be stored, by content type.
var kinds = map[string]kind{
	"image/png":  {"image/png", "png", "png", "PNG"},
	"image/jpeg": {"image/jpeg", "jpeg", "jpg", "JPEG"},
	"image/webp": {"image/webp", "webp", "webp", "WebP"},
}

const tooBigMessage = "This image is larger than 5 MB. Make it smaller (for example, save it at most 2000 pixels wide) and upload it again."

// readImage reads the uploaded file and checks that it is an image that may be
// stored, recording in v what is wrong under "image". It returns the file's content
// and its kind.
func readImage(v *model.ValidationError, u Upload) (data []byte, k kind) {
	switch {
	case u.Open == nil:
		v.Add("image", "Choose an image to upload.")
		return nil, kind{}
	case u.Size == 0:
		v.Add("image", "This file is empty. Choose the image again.")
		return nil, kind{}
	case u.Size > model.MaxMediaSize:
		v.Add("image", tooBigMessage)
		return nil, kind{}
	}
	f, err := u.Open()
	if err != nil {
		v.Add("image", "The file could not be read. Choose it again.")
		return nil, kind{}
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, model.MaxMediaSize+1))
	switch {
	case err != nil:
		v.Add("image", "The file could not be read. Choose it again.")
		return nil, kind{}
	case len(data) == 0:
		v.Add("image", "This file is empty. Choose the image again.")
		return nil, kind{}
	case len(data) > model.MaxMediaSize:
		v.Add("image", tooBigMessage)
		return nil, kind{}
	}
	k, problem := inspectImage(data)
	if problem != "" {
		v.Add("image", problem)
		return nil, kind{}
	}
	return data, k
}

// inspectImage judges data by its content alone: its kind from its first bytes
// (http.DetectContentType), its size from its header (image.DecodeConfig), and its
// completeness from its structure, so that a renamed text file, a damaged or
// truncated image and an absurdly large one are refused. It returns the kind, or a
// message saying what is wrong.
func inspectImage(data []byte) (k kind, problem string) {
	contentType := http.DetectContentType(data)
	k, ok := kinds[contentType]
	if !ok {
		if contentType == "image/gif" {
			return kind{}, "GIF images cannot be uploaded. Save it as PNG (or JPEG for a photo) and upload that."
		}
		return kind{}, "This file is not a PNG, JPEG or WebP image, whatever its name says. Only those kinds of image can be uploaded."
	}
	damaged := "This " + k.label + " image is damaged or incomplete, so it cannot be used. Save it again and upload the new file."
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != k.format || !imageComplete(contentType, data) {
		return kind{}, damaged
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return kind{}, damaged
	}
	if cfg.Width > model.MaxMediaSide || cfg.Height > model.MaxMediaSide {
		return kind{}, fmt.Sprintf("This image is %d × %d pixels; at most 10,000 pixels a side can be uploaded. Make it smaller and upload it again.", cfg.Width, cfg.Height)
	}
	if pixels := int64(cfg.Width) * int64(cfg.Height); pixels > model.MaxMediaPixels {
		return kind{}, fmt.Sprintf("This image is %d × %d pixels, %s in all; at most %s pixels (for example 5000 × 5000) can be uploaded. Make it smaller and upload it again.",
			cfg.Width, cfg.Height, thousands(pixels), thousands(model.MaxMediaPixels))
	}
	return k, ""
}

// thousands writes n ≥ 0 with a comma between groups of three digits: 25,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
