package disqus

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/importer/xmlsafe"
)

// Namespace URIs matched by Read.
const (
	nsDisqus    = "http://disqus.com"
	nsInternals = "http://disqus.com/disqus-internals"
)

// SyntaxError reports a file that is not well-formed XML, with where it stops.
type SyntaxError = xmlsafe.SyntaxError

// ErrNotDisqus is returned for a well-formed document that is not a Disqus export.
var ErrNotDisqus = errors.New("disqus: not a Disqus export")

// Read streams the export r to h.
//
// Returns a *SyntaxError for a file that is not well-formed XML, an error wrapping
// ErrNotDisqus for a document whose root is not <disqus> of http://disqus.com, the
// error of h.Thread or h.Post if one returns one, or the read error of r with the
// position reached.
func Read(r io.Reader, h Handler) error {
	s := xmlsafe.NewReader(r)
	d := xmlsafe.NewDecoder(s, "disqus")
	rd := &reader{d: d, h: h}
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if !strings.EqualFold(label, "us-ascii") {
			rd.warnf("the file declares the encoding %q; it is read as UTF-8", label)
		}
		return in, nil
	}
	err := rd.document()
	if n := s.Replaced(); n > 0 {
		h.Warning(fmt.Sprintf("replaced %d characters that XML does not allow", n))
	}
	return err
}

type reader struct {
	d *xmlsafe.Decoder
	h Handler
}

func (rd *reader) warnf(format string, args ...any) {
	line, _ := rd.d.InputPos()
	rd.h.Warning(fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...))
}

// bool reads a flag; one that is empty or not a boolean is false.
func (rd *reader) bool(field string) (bool, error) {
	s, err := rd.d.Trimmed()
	if err != nil || s == "" {
		return false, err
	}
	b, perr := strconv.ParseBool(s)
	if perr != nil {
		rd.warnf("<%s> %q is not true or false; read as false", field, s)
	}
	return b, nil
}

// date reads an ISO 8601 time; one without a zone is taken as UTC.
func (rd *reader) date(field string) (time.Time, error) {
	s, err := rd.d.Trimmed()
	if err != nil || s == "" {
		return time.Time{}, err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, perr := time.Parse(layout, s); perr == nil {
			return t.UTC(), nil
		}
	}
	rd.warnf("<%s> %q is not a date; read as unknown", field, s)
	return time.Time{}, nil
}

// ours reports whether an element is one of the export's: in the Disqus namespace,
// or in none for a file that declares none.
func ours(n xml.Name) bool { return n.Space == nsDisqus || n.Space == "" }

// dsqID returns the element's dsq:id as a number, 0 when it has none; one that is
// present but not a number is reported as a warning. An undeclared dsq: prefix is
// read as the Disqus internals namespace.
func (rd *reader) dsqID(se xml.StartElement) int64 {
	for _, a := range se.Attr {
		if a.Name.Local != "id" || (a.Name.Space != nsInternals && a.Name.Space != "dsq") {
			continue
		}
		v := strings.TrimSpace(a.Value)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			rd.warnf("<%s> has the dsq:id %q, which is not a number; read as none", se.Name.Local, v)
			return 0
		}
		return n
	}
	return 0
}

func (rd *reader) document() error {
	for {
		t, err := rd.d.Token()
		if err == io.EOF {
			return fmt.Errorf("%w: the file holds no element", ErrNotDisqus)
		}
		if err != nil {
			return err
		}
		if se, ok := t.(xml.StartElement); ok {
			if se.Name.Local != "disqus" || !ours(se.Name) {
				hint := ""
				if se.Name.Local == "rss" {
					hint = " (a WordPress export is imported with fascicle import wordpress)"
				}
				return fmt.Errorf("%w: the document is <%s>, not <disqus> of %s%s", ErrNotDisqus, se.Name.Local, nsDisqus, hint)
			}
			break
		}
	}
	for {
		t, err := rd.d.Inner()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if err := rd.element(t); err != nil {
				return err
			}
		case xml.EndElement:
			return rd.end()
		}
	}
}

// end reads what follows </disqus>, where only comments, processing instructions
// and white space may be: anything else means a broken or concatenated file.
func (rd *reader) end() error {
	for {
		t, err := rd.d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			return rd.d.Errorf("<%s> after the end of the export", t.Name.Local)
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) > 0 {
				return rd.d.Errorf("text after the end of the export")
			}
		}
	}
}

// element reads one child of <disqus>.
func (rd *reader) element(se xml.StartElement) error {
	switch {
	case ours(se.Name) && se.Name.Local == "thread":
		th, err := rd.thread(se)
		if err != nil {
			return err
		}
		return rd.h.Thread(th)
	case ours(se.Name) && se.Name.Local == "post":
		p, err := rd.post(se)
		if err != nil {
			return err
		}
		return rd.h.Post(p)
	default: // categories and anything Disqus adds later
		return rd.d.Skip()
	}
}

// fields calls f for each child element of the element just started that is one of
// the export's, until its end; others are skipped. f must consume the child entirely
// (read its text or skip it).
func (rd *reader) fields(f func(se xml.StartElement) error) error {
	for {
		t, err := rd.d.Inner()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if !ours(t.Name) {
				err = rd.d.Skip()
			} else {
				err = f(t)
			}
			if err != nil {
				return err
			}
		}
	}
}

func (rd *reader) thread(start xml.StartElement) (Thread, error) {
	th := Thread{ID: rd.dsqID(start)}
	err := rd.fields(func(se xml.StartElement) error {
		var err error
		switch se.Name.Local {
		case "link":
			th.Link, err = rd.d.Trimmed()
		case "title":
			th.Title, err = rd.d.Trimmed()
		case "forum":
			th.Forum, err = rd.d.Trimmed()
		case "createdAt":
			th.CreatedAt, err = rd.date("createdAt")
		case "isClosed":
			th.IsClosed, err = rd.bool("isClosed")
		case "isDeleted":
			th.IsDeleted, err = rd.bool("isDeleted")
		default: // <id>, <category>, <message>, <author>, <ipAddress>…
			err = rd.d.Skip()
		}
		return err
	})
	return th, err
}

func (rd *reader) post(start xml.StartElement) (Post, error) {
	p := Post{ID: rd.dsqID(start)}
	err := rd.fields(func(se xml.StartElement) error {
		var err error
		switch se.Name.Local {
		case "message":
			p.Message, err = rd.d.Text()
		case "createdAt":
			p.CreatedAt, err = rd.date("createdAt")
		case "isDeleted":
			p.IsDeleted, err = rd.bool("isDeleted")
		case "isSpam":
			p.IsSpam, err = rd.bool("isSpam")
		case "isApproved":
			var s string
			if s, err = rd.d.Trimmed(); err == nil && s != "" {
				if b, perr := strconv.ParseBool(s); perr == nil {
					p.IsApproved = &b
				} else {
					rd.warnf("<isApproved> %q is not true or false; read as unknown", s)
				}
			}
		case "author":
			p.Author, err = rd.author()
		case "ipAddress":
			p.IPAddress, err = rd.d.Trimmed()
		case "thread":
			p.ThreadID = rd.dsqID(se)
			err = rd.d.Skip()
		case "parent":
			p.ParentID = rd.dsqID(se)
			err = rd.d.Skip()
		default: // <id>, <isHighlighted>…
			err = rd.d.Skip()
		}
		return err
	})
	return p, err
}

func (rd *reader) author() (Author, error) {
	var a Author
	err := rd.fields(func(se xml.StartElement) error {
		var err error
		switch se.Name.Local {
		case "name":
			a.Name, err = rd.d.Trimmed()
		case "email":
			a.Email, err = rd.d.Trimmed()
		case "username":
			a.Username, err = rd.d.Trimmed()
		case "isAnonymous":
			a.IsAnonymous, err = rd.bool("isAnonymous")
		default:
			err = rd.d.Skip()
		}
		return err
	})
	return a, err
}
