package wxr

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
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsWPStem  = "http://wordpress.org/export/1."
)

// knownVersions are the WXR versions WordPress has written.
var knownVersions = map[string]bool{"1.0": true, "1.1": true, "1.2": true}

// SyntaxError reports a file that is not well-formed XML, with the position where the
// reader gave up. Line and Column start at 1; Column counts bytes.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("wxr: line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// ErrNotWXR is returned for a well-formed document that is not an RSS export.
var ErrNotWXR = errors.New("wxr: not a WordPress export")

// Read streams the export r to h. Parts are delivered as soon as they are read, so a
// file that turns out to be broken halfway has had its first items delivered already.
//
// Returns a *SyntaxError for a file that is not well-formed XML, an error wrapping
// ErrNotWXR for a document without <rss><channel>, the error of h.Item if it returns
// one, or the read error of r with the position reached.
func Read(r io.Reader, h Handler) error {
	s := xmlsafe.NewReader(toUTF8(r, h.Warning))
	d := xml.NewDecoder(s)
	rd := &reader{d: d, h: h}
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil } // toUTF8 converted it
	err := rd.document()
	if n := s.Replaced(); n > 0 {
		h.Warning(fmt.Sprintf("replaced %d characters that XML does not allow", n))
	}
	return err
}

type reader struct {
	d        *xml.Decoder
	h        Handler
	site     Site
	siteSent bool
}

func (rd *reader) warnf(format string, args ...any) {
	line, _ := rd.d.InputPos()
	rd.h.Warning(fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...))
}

// token returns the next token; an end of file inside the document is a *SyntaxError.
func (rd *reader) token() (xml.Token, error) {
	t, err := rd.d.Token()
	if err == nil {
		return t, nil
	}
	line, col := rd.d.InputPos()
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, &SyntaxError{Line: se.Line, Column: col, Msg: se.Msg}
	case err == io.EOF:
		return nil, err
	default:
		return nil, fmt.Errorf("wxr: line %d, column %d: %w", line, col, err)
	}
}

// inner returns the next token inside an element, where the end of the file is an error.
func (rd *reader) inner() (xml.Token, error) {
	t, err := rd.token()
	if err == io.EOF {
		line, col := rd.d.InputPos()
		return nil, &SyntaxError{Line: line, Column: col, Msg: "unexpected EOF"}
	}
	return t, err
}

// skip consumes the rest of the element whose start was just read.
func (rd *reader) skip() error {
	depth := 1
	for depth > 0 {
		t, err := rd.inner()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// text returns the character data of the element whose start was just read, CDATA
// sections joined, and the text of any nested element included.
func (rd *reader) text() (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		t, err := rd.inner()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return b.String(), nil
}

// trimmed is text with surrounding white space removed, for scalar fields.
func (rd *reader) trimmed() (string, error) {
	s, err := rd.text()
	return strings.TrimSpace(s), err
}

func (rd *reader) int64(field string) (int64, error) {
	s, err := rd.trimmed()
	if err != nil || s == "" {
		return 0, err
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil {
		rd.warnf("%s %q is not a number; read as 0", field, s)
		return 0, nil
	}
	return n, nil
}

const dateLayout = "2006-01-02 15:04:05"

func (rd *reader) date(field string) (time.Time, error) {
	s, err := rd.trimmed()
	if err != nil || s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, err
	}
	t, perr := time.ParseInLocation(dateLayout, s, time.UTC)
	if perr != nil {
		rd.warnf("%s %q is not a date; read as unknown", field, s)
		return time.Time{}, nil
	}
	return t, nil
}

// Element kinds by namespace.
const (
	spaceNone = iota
	spaceWP
	spaceContent
	spaceExcerpt
	spaceDC
	spaceOther
)

func space(n xml.Name) int {
	switch {
	case n.Space == "":
		return spaceNone
	case strings.HasPrefix(n.Space, nsWPStem) && strings.HasSuffix(n.Space, "/excerpt/"):
		return spaceExcerpt
	case strings.HasPrefix(n.Space, nsWPStem):
		return spaceWP
	case n.Space == nsContent:
		return spaceContent
	case n.Space == nsDC:
		return spaceDC
	}
	// An undeclared prefix is left as the name's space by encoding/xml.
	switch n.Space {
	case "wp":
		return spaceWP
	case "content":
		return spaceContent
	case "excerpt":
		return spaceExcerpt
	case "dc":
		return spaceDC
	}
	return spaceOther
}

func attr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (rd *reader) document() error {
	for {
		t, err := rd.token()
		if err == io.EOF {
			return fmt.Errorf("%w: the file holds no element", ErrNotWXR)
		}
		if err != nil {
			return err
		}
		if se, ok := t.(xml.StartElement); ok {
			if se.Name.Local != "rss" {
				return fmt.Errorf("%w: the document is <%s>, not <rss>", ErrNotWXR, se.Name.Local)
			}
			break
		}
	}
	channels := 0
	for {
		t, err := rd.inner()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "channel" && space(t.Name) == spaceNone {
				channels++
				if err := rd.channel(); err != nil {
					return err
				}
			} else if err := rd.skip(); err != nil {
				return err
			}
		case xml.EndElement:
			if channels == 0 {
				return fmt.Errorf("%w: <rss> has no <channel>", ErrNotWXR)
			}
			// Read to the end so that garbage after </rss> is reported too.
			for {
				if _, err := rd.token(); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
			}
		}
	}
}

func (rd *reader) sendSite() {
	if rd.siteSent {
		return
	}
	rd.siteSent = true
	switch v := rd.site.Version; {
	case v == "":
		rd.warnf("the file has no wp:wxr_version; read as WXR 1.2")
	case !knownVersions[v]:
		rd.warnf("unknown WXR version %q; read as WXR 1.2", v)
	}
	rd.h.Site(rd.site)
}

func (rd *reader) channel() error {
	for {
		t, err := rd.inner()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.EndElement:
			rd.sendSite()
			return nil
		case xml.StartElement:
			if err := rd.channelElement(t); err != nil {
				return err
			}
		}
	}
}

func (rd *reader) channelElement(se xml.StartElement) error {
	var err error
	switch sp, local := space(se.Name), se.Name.Local; {
	case sp == spaceNone && local == "title":
		rd.site.Title, err = rd.trimmed()
	case sp == spaceNone && local == "link":
		rd.site.Link, err = rd.trimmed()
	case sp == spaceNone && local == "item":
		rd.sendSite()
		var it Item
		if it, err = rd.item(); err == nil {
			return rd.h.Item(it)
		}
	case sp == spaceWP && local == "wxr_version":
		rd.site.Version, err = rd.trimmed()
	case sp == spaceWP && local == "base_site_url":
		rd.site.BaseSiteURL, err = rd.trimmed()
	case sp == spaceWP && local == "base_blog_url":
		rd.site.BaseBlogURL, err = rd.trimmed()
	case sp == spaceWP && local == "author":
		rd.sendSite()
		var a Author
		if a, err = rd.author(); err == nil {
			rd.h.Author(a)
		}
	case sp == spaceWP && (local == "category" || local == "tag" || local == "term"):
		rd.sendSite()
		var term Term
		if term, err = rd.term(local); err == nil {
			rd.h.Term(term)
		}
	default:
		err = rd.skip()
	}
	return err
}

// fields calls f for each child element of the element just started, until its end.
// f must consume the child entirely (read its text or skip it).
func (rd *reader) fields(f func(se xml.StartElement, sp int) error) error {
	for {
		t, err := rd.inner()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if err := f(t, space(t.Name)); err != nil {
				return err
			}
		}
	}
}

func (rd *reader) author() (Author, error) {
	var a Author
	err := rd.fields(func(se xml.StartElement, sp int) error {
		if sp != spaceWP {
			return rd.skip()
		}
		var err error
		switch se.Name.Local {
		case "author_id":
			a.ID, err = rd.int64("wp:author_id")
		case "author_login":
			a.Login, err = rd.trimmed()
		case "author_email":
			a.Email, err = rd.trimmed()
		case "author_display_name":
			a.DisplayName, err = rd.trimmed()
		case "author_first_name":
			a.FirstName, err = rd.trimmed()
		case "author_last_name":
			a.LastName, err = rd.trimmed()
		default:
			err = rd.skip()
		}
		return err
	})
	return a, err
}

// term reads wp:category, wp:tag or wp:term.
func (rd *reader) term(kind string) (Term, error) {
	t := Term{Kind: kind}
	if kind == "tag" {
		t.Kind = "post_tag"
	}
	err := rd.fields(func(se xml.StartElement, sp int) error {
		if sp != spaceWP {
			return rd.skip()
		}
		var err error
		switch se.Name.Local {
		case "term_id":
			t.ID, err = rd.int64("wp:term_id")
		case "category_nicename", "tag_slug", "term_slug":
			t.Slug, err = rd.trimmed()
		case "cat_name", "tag_name", "term_name":
			t.Name, err = rd.trimmed()
		case "category_parent", "term_parent":
			t.Parent, err = rd.trimmed()
		case "category_description", "tag_description", "term_description":
			t.Description, err = rd.text()
		case "term_taxonomy":
			t.Kind, err = rd.trimmed()
		default:
			err = rd.skip()
		}
		return err
	})
	return t, err
}

func (rd *reader) meta() (Meta, error) {
	var m Meta
	err := rd.fields(func(se xml.StartElement, sp int) error {
		var err error
		switch {
		case sp == spaceWP && se.Name.Local == "meta_key":
			m.Key, err = rd.trimmed()
		case sp == spaceWP && se.Name.Local == "meta_value":
			m.Value, err = rd.text()
		default:
			err = rd.skip()
		}
		return err
	})
	return m, err
}

func (rd *reader) item() (Item, error) {
	var it Item
	err := rd.fields(func(se xml.StartElement, sp int) error {
		var err error
		switch local := se.Name.Local; sp {
		case spaceNone:
			switch local {
			case "title":
				it.Title, err = rd.trimmed()
			case "link":
				it.Link, err = rd.trimmed()
			case "guid":
				it.GUID, err = rd.trimmed()
			case "category":
				t := Term{Kind: "category"}
				if d, ok := attr(se, "domain"); ok && d != "" {
					t.Kind = d
				}
				t.Slug, _ = attr(se, "nicename")
				t.Name, err = rd.trimmed()
				it.Terms = append(it.Terms, t)
			default:
				err = rd.skip()
			}
		case spaceContent:
			if local == "encoded" {
				it.Content, err = rd.text()
			} else {
				err = rd.skip()
			}
		case spaceExcerpt:
			if local == "encoded" {
				it.Excerpt, err = rd.text()
			} else {
				err = rd.skip()
			}
		case spaceDC:
			if local == "creator" {
				it.Creator, err = rd.trimmed()
			} else {
				err = rd.skip()
			}
		case spaceWP:
			err = rd.itemWP(&it, local)
		default:
			err = rd.skip()
		}
		return err
	})
	if it.PostDateGMT.IsZero() {
		it.PostDateGMT = it.PostDate
	}
	return it, err
}

func (rd *reader) itemWP(it *Item, local string) error {
	var err error
	switch local {
	case "post_id":
		it.PostID, err = rd.int64("wp:post_id")
	case "post_date":
		it.PostDate, err = rd.date("wp:post_date")
	case "post_date_gmt":
		it.PostDateGMT, err = rd.date("wp:post_date_gmt")
	case "comment_status":
		it.CommentStatus, err = rd.trimmed()
	case "post_name":
		it.Slug, err = rd.trimmed()
	case "status":
		it.Status, err = rd.trimmed()
	case "post_parent":
		it.ParentID, err = rd.int64("wp:post_parent")
	case "menu_order":
		var n int64
		n, err = rd.int64("wp:menu_order")
		it.MenuOrder = int(n)
	case "post_type":
		it.PostType, err = rd.trimmed()
	case "post_password":
		it.Password, err = rd.text()
	case "attachment_url":
		it.AttachmentURL, err = rd.trimmed()
	case "postmeta":
		var m Meta
		if m, err = rd.meta(); err == nil {
			it.Meta = append(it.Meta, m)
		}
	case "comment":
		var c Comment
		if c, err = rd.comment(); err == nil {
			it.Comments = append(it.Comments, c)
		}
	default:
		err = rd.skip()
	}
	return err
}

func (rd *reader) comment() (Comment, error) {
	var c Comment
	err := rd.fields(func(se xml.StartElement, sp int) error {
		if sp != spaceWP {
			return rd.skip()
		}
		var err error
		switch se.Name.Local {
		case "comment_id":
			c.ID, err = rd.int64("wp:comment_id")
		case "comment_parent":
			c.ParentID, err = rd.int64("wp:comment_parent")
		case "comment_user_id":
			c.UserID, err = rd.int64("wp:comment_user_id")
		case "comment_author":
			c.Author, err = rd.trimmed()
		case "comment_author_email":
			c.AuthorEmail, err = rd.trimmed()
		case "comment_author_url":
			c.AuthorURL, err = rd.trimmed()
		case "comment_author_IP":
			c.AuthorIP, err = rd.trimmed()
		case "comment_content":
			c.Content, err = rd.text()
		case "comment_approved":
			c.Approved, err = rd.trimmed()
		case "comment_type":
			c.Type, err = rd.trimmed()
		case "comment_date":
			c.Date, err = rd.date("wp:comment_date")
		case "comment_date_gmt":
			c.DateGMT, err = rd.date("wp:comment_date_gmt")
		case "commentmeta":
			var m Meta
			if m, err = rd.meta(); err == nil {
				c.Meta = append(c.Meta, m)
			}
		default:
			err = rd.skip()
		}
		return err
	})
	if c.DateGMT.IsZero() {
		c.DateGMT = c.Date
	}
	return c, err
}
