// Package xmlsafe passes an export to encoding/xml with every character XML 1.0
// forbids replaced, for the readers of WordPress and Disqus exports.
package xmlsafe

import (
	"io"
	"unicode/utf8"
)

// Reader passes an export through with every character XML 1.0 forbids replaced,
// so that one stray control character pasted into a post does not stop the import.
//
// Control characters other than tab, line feed and carriage return become a space
// (one byte for one, so line and column stay those of the file); bytes that are not
// UTF-8 and the non-characters U+FFFE and U+FFFF become U+FFFD. Valid UTF-8 is kept as
// is, including sequences cut across two reads.
type Reader struct {
	r        io.Reader
	in       []byte // raw bytes; in[:carry] is an incomplete sequence from the last read
	carry    int
	buf      []byte // sanitized bytes not yet returned: out is a tail of buf
	out      []byte
	err      error
	replaced int
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, in: make([]byte, 32*1024), buf: make([]byte, 0, 32*1024+64)}
}

func (s *Reader) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		n, err := s.r.Read(s.in[s.carry:])
		s.err = err
		end := s.carry + n
		s.buf = s.buf[:0]
		i := 0
		for i < end {
			b := s.in[i]
			if b < utf8.RuneSelf {
				if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
					b = ' '
					s.replaced++
				}
				s.buf = append(s.buf, b)
				i++
				continue
			}
			if s.err == nil && !utf8.FullRune(s.in[i:end]) {
				break // the rest of this character comes with the next read
			}
			r, size := utf8.DecodeRune(s.in[i:end])
			if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				s.buf = append(s.buf, "\uFFFD"...)
				s.replaced++
			} else {
				s.buf = append(s.buf, s.in[i:i+size]...)
			}
			i += size
		}
		s.carry = copy(s.in, s.in[i:end])
		s.out = s.buf
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

// Replaced is how many characters have been replaced so far.
func (s *Reader) Replaced() int { return s.replaced }
