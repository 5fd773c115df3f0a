package wxr

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
)

// declaredEncoding finds the encoding named by an XML declaration.
var declaredEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// toUTF8 returns the export r as UTF-8. Old WordPress sites wrote their exports in
// the database's character set (ISO-8859-1 and windows-1252 are common), and a file
// saved by an editor may be UTF-16 with a byte order mark: both are converted, so that
// the rest of the reader sees one encoding. An encoding it does not know is read as
// UTF-8 after a warning. The decoder is then told to take any label as it is.
func toUTF8(r io.Reader, warn func(string)) io.Reader {
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(1024)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3) // encoding/xml does not expect the UTF-8 byte order mark
		return br
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Reader(br)
	}
	m := declaredEncoding.FindSubmatch(head)
	if m == nil {
		return br
	}
	label := strings.ToLower(string(m[1]))
	switch label {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return br
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		warn(fmt.Sprintf("line 1: the file declares the encoding %q, which is not known here; it is read as UTF-8", string(m[1])))
		return br
	}
	if name == "utf-8" {
		return br
	}
	return enc.NewDecoder().Reader(br)
}
