package xmlsafe

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"encoding/xml"
)

// SyntaxError reports a file that is not well-formed XML, with the position where the
// reader gave up. Line and Column start at 1; Column counts bytes. Source names the
// format being read ("wxr", "disqus").
type SyntaxError struct {
	Source       string
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s: line %d, column %d: %s", e.Source, e.Line, e.Column, e.Msg)
}

// Decoder is an xml.Decoder for the export readers: it reports errors with their
// position as *SyntaxError, and reads an element's text or passes over it.
type Decoder struct {
	*xml.Decoder
	source string
}

// NewDecoder returns a Decoder of r for the format named source.
func NewDecoder(r io.Reader, source string) *Decoder {
	return &Decoder{Decoder: xml.NewDecoder(r), source: source}
}

// Errorf returns a *SyntaxError at the decoder's position.
func (d *Decoder) Errorf(format string, args ...any) *SyntaxError {
	line, col := d.InputPos()
	return &SyntaxError{Source: d.source, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// Token returns the next token; a file that is not well-formed is a *SyntaxError, its
// end io.EOF.
func (d *Decoder) Token() (xml.Token, error) {
	t, err := d.Decoder.Token()
	if err == nil {
		return t, nil
	}
	line, col := d.InputPos()
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, &SyntaxError{Source: d.source, Line: se.Line, Column: col, Msg: se.Msg}
	case err == io.EOF:
		return nil, err
	default:
		return nil, fmt.Errorf("%s: line %d, column %d: %w", d.source, line, col, err)
	}
}

// Inner returns the next token inside an element, where the end of the file is a
// *SyntaxError.
func (d *Decoder) Inner() (xml.Token, error) {
	t, err := d.Token()
	if err == io.EOF {
		return nil, d.Errorf("unexpected EOF")
	}
	return t, err
}

// Skip consumes the rest of the element whose start was just read.
func (d *Decoder) Skip() error {
	_, err := d.content(false)
	return err
}

// Text returns the character data of the element whose start was just read, CDATA
// sections joined, and the text of any nested element included.
func (d *Decoder) Text() (string, error) {
	return d.content(true)
}

// Trimmed is Text with surrounding white space removed, for scalar fields.
func (d *Decoder) Trimmed() (string, error) {
	s, err := d.Text()
	return strings.TrimSpace(s), err
}

// content reads to the end of the element whose start was just read, keeping its
// character data if keep.
func (d *Decoder) content(keep bool) (string, error) {
	var b strings.Builder
	for depth := 1; depth > 0; {
		t, err := d.Inner()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			if keep {
				b.Write(t)
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return b.String(), nil
}
