package web

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"

	"github.com/gin-gonic/gin"
)

// The reply form's "shown at" stamp (token.FormStamp) must be the time this reader was
// shown the form, also when the page came from the page cache: otherwise the minimum
// time to fill in the form measures the age of the cache, and a robot posting at once
// from a page cached minutes ago passes it. So a page rendered for the cache holds a
// slot where the stamp goes, and every response fills it in: the cached bytes stay
// shared (compressed once, around the slot), and each response costs one HMAC and a
// checksum of the few kilobytes after the form.

// formStampSlot is what a cached page holds in place of the stamp.
const formStampSlot = "form-shown-slot"

// formStampAttr is the slot as rendered: an attribute no reader's text can make, as
// every quote they type is escaped.
var formStampAttr = []byte(`name="form_shown" value="` + formStampSlot + `"`)

// formStampFor returns what the article page's form_shown field holds: the slot when
// the page is rendered for the cache (cachePage fills it in for each response), and
// otherwise the stamp of now.
func (s *Server) formStampFor(c *gin.Context) string {
	if _, captured := c.Writer.(*captureWriter); captured {
		return formStampSlot
	}
	return s.tokens.FormStamp(s.now())
}

// fillFormStamp returns body with its stamp slot, if any, filled with stamp.
func fillFormStamp(body []byte, stamp string) []byte {
	i := bytes.Index(body, formStampAttr)
	if i < 0 {
		return body
	}
	at := i + len(formStampAttr) - len(formStampSlot) - 1
	out := make([]byte, 0, len(body)+len(stamp))
	out = append(out, body[:at]...)
	out = append(out, stamp...)
	return append(out, body[at+len(formStampSlot):]...)
}

// formSlot is where a cached page's stamp goes, with the page compressed around it:
// a gzip stream is the compressed text before the slot (ending byte-aligned), the
// stamp as a stored block, and the compressed text after it, then the checksum of the
// whole, which each response finishes from the checksum of the text before.
type formSlot struct {
	at        int // offset of the slot in the body; -1 when the page has none
	gzBefore  []byte
	gzAfter   []byte
	crcBefore uint32
}

func newFormSlot(body []byte) formSlot {
	i := bytes.Index(body, formStampAttr)
	if i < 0 {
		return formSlot{at: -1}
	}
	at := i + len(formStampAttr) - len(formStampSlot) - 1
	before, after := body[:at], body[at+len(formStampSlot):]
	var b, a bytes.Buffer
	zw, _ := flate.NewWriter(&b, flate.BestSpeed)
	zw.Write(before)
	zw.Flush() // ends byte-aligned, not final: the stamp's stored block follows
	zw, _ = flate.NewWriter(&a, flate.BestSpeed)
	zw.Write(after)
	zw.Close()
	return formSlot{at: at, gzBefore: b.Bytes(), gzAfter: a.Bytes(), crcBefore: crc32.ChecksumIEEE(before)}
}

// gzipHeader is a gzip member's header: deflate, no name, no time, unknown system.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// gzipLen is the length of the gzip stream that writeGzip makes with a stamp of n bytes.
func (f *formSlot) gzipLen(n int) int {
	return len(gzipHeader) + len(f.gzBefore) + 5 + n + len(f.gzAfter) + 8
}

// appendGzip appends page body, compressed, with stamp in its slot, to dst.
func (f *formSlot) appendGzip(dst, body []byte, stamp string) []byte {
	after := body[f.at+len(formStampSlot):]
	n := uint16(len(stamp))
	crc := crc32.Update(crc32.Update(f.crcBefore, crc32.IEEETable, []byte(stamp)), crc32.IEEETable, after)
	dst = append(dst, gzipHeader...)
	dst = append(dst, f.gzBefore...)
	dst = append(dst, 0, byte(n), byte(n>>8), byte(^n), byte(^n>>8)) // a stored block's header
	dst = append(dst, stamp...)
	dst = append(dst, f.gzAfter...)
	dst = binary.LittleEndian.AppendUint32(dst, crc)
	return binary.LittleEndian.AppendUint32(dst, uint32(len(body)-len(formStampSlot)+len(stamp)))
}
