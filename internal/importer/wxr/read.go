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

// SyntaxError reports a file that is not well-formed XML, with where it stops.
type SyntaxError = xmlsafe.SyntaxError

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
	d := xmlsafe.NewDecoder(s, "wxr")
	rd := &reader{d: d, h: h}
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil } // toUTF8 converted it
	err := rd.document()
	if n := s.Replaced(); n > 0 {
		h.Warning(fmt.Sprintf("replaced %d characters that XML does not allow", n))
	}
	return err
}

type reader struct {
	d        *xmlsafe.Decoder
	h        Handler
	site     Site
	siteSent bool
}

func (rd *reader) warnf(format string, args ...any) {
	line, _ := rd.d.InputPos()
	rd.h.Warning(fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...))
}

func (rd *reader) int64(field string) (int64, error) {
	s, err := rd.d.Trimmed()
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
	s, err := rd.d.Trimmed()
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
		t, err := rd.d.Token()
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
		t, err := rd.d.Inner()
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
			} else if err := rd.d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			if channels == 0 {
				return fmt.Errorf("%w: <rss> has no <channel>", ErrNotWXR)
			}
			// Read to the end so that garbage after </rss> is reported too.
			for {
				if _, err := rd.d.Token(); err == io.EOF {
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
		t, err := rd.d.Inner()
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
		rd.site.Title, err = rd.d.Trimmed()
	case sp == spaceNone && local == "link":
		rd.site.Link, err = rd.d.Trimmed()
	case sp == spaceNone && local == "item":
		rd.sendSite()
		var it Item
		if it, err = rd.item(); err == nil {
			return rd.h.Item(it)
		}
	case sp == spaceWP && local == "wxr_version":
		rd.site.Version, err = rd.d.Trimmed()
	case sp == spaceWP && local == "base_site_url":
		rd.site.BaseSiteURL, err = rd.d.Trimmed()
	case sp == spaceWP && local == "base_blog_url":
		rd.site.BaseBlogURL, err = rd.d.Trimmed()
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
		err = rd.d.Skip()
	}
	return err
}

// fields calls f for each child element of the element just started, until its end.
// f must consume the child entirely (read its text or skip it).
func (rd *reader) fields(f func(se xml.StartElement, sp int) error) error {
	for {
		t, err := rd.d.Inner()
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
			return rd.d.Skip()
		}
		var err error
		switch se.Name.Local {
		case "author_id":
			a.ID, err = rd.int64("wp:author_id")
		case "author_login":
			a.Login, err = rd.d.Trimmed()
		case "author_email":
			a.Email, err = rd.d.Trimmed()
		case "author_display_name":
			a.DisplayName, err = rd.d.Trimmed()
		case "author_first_name":
			a.FirstName, err = rd.d.Trimmed()
		case "author_last_name":
			a.LastName, err = rd.d.Trimmed()
		default:
			err = rd.d.Skip()
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
			return rd.d.Skip()
		}
		var err error
		switch se.Name.Local {
		case "term_id":
			t.ID, err = rd.int64("wp:term_id")
		case "category_nicename", "tag_slug", "term_slug":
			t.Slug, err = rd.d.Trimmed()
		case "cat_name", "tag_name", "term_name":
			t.Name, err = rd.d.Trimmed()
		case "category_parent", "term_parent":
			t.Parent, err = rd.d.Trimmed()
		case "category_description", "tag_description", "term_description":
			t.Description, err = rd.d.Text()
		case "term_taxonomy":
			t.Kind, err = rd.d.Trimmed()
		default:
			err = rd.d.Skip()
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
			m.Key, err = rd.d.Trimmed()
		case sp == spaceWP && se.Name.Local == "meta_value":
			m.Value, err = rd.d.Text()
		default:
			err = rd.d.Skip()
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
				it.Title, err = rd.d.Trimmed()
			case "link":
				it.Link, err = rd.d.Trimmed()
			case "guid":
				it.GUID, err = rd.d.Trimmed()
			case "category":
				t := Term{Kind: "category"}
				if d, ok := attr(se, "domain"); ok && d != "" {
					t.Kind = d
				}
				t.Slug, _ = attr(se, "nicename")
				t.Name, err = rd.d.Trimmed()
				it.Terms = append(it.Terms, t)
			default:
				err = rd.d.Skip()
			}
		case spaceContent:
			if local == "encoded" {
				it.Content, err = rd.d.Text()
			} else {
				err = rd.d.Skip()
			}
		case spaceExcerpt:
			if local == "encoded" {
				it.Excerpt, err = rd.d.Text()
			} else {
				err = rd.d.Skip()
			}
		case spaceDC:
			if local == "creator" {
				it.Creator, err = rd.d.Trimmed()
			} else {
				err = rd.d.Skip()
			}
		case spaceWP:
			err = rd.itemWP(&it, local)
		default:
			err = rd.d.Skip()
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
		it.CommentStatus, err = rd.d.Trimmed()
	case "post_name":
		it.Slug, err = rd.d.Trimmed()
	case "status":
		it.Status, err = rd.d.Trimmed()
	case "post_parent":
		it.ParentID, err = rd.int64("wp:post_parent")
	case "menu_order":
		var n int64
		n, err = rd.int64("wp:menu_order")
		it.MenuOrder = int(n)
	case "post_type":
		it.PostType, err = rd.d.Trimmed()
	case "post_password":
		it.Password, err = rd.d.Text()
	case "attachment_url":
		it.AttachmentURL, err = rd.d.Trimmed()
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
		err = rd.d.Skip()
	}
	return err
}

func (rd *reader) comment() (Comment, error) {
	var c Comment
	err := rd.fields(func(se xml.StartElement, sp int) error {
		if sp != spaceWP {
			return rd.d.Skip()
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
			c.Author, err = rd.d.Trimmed()
		case "comment_author_email":
			c.AuthorEmail, err = rd.d.Trimmed()
		case "comment_author_url":
			c.AuthorURL, err = rd.d.Trimmed()
		case "comment_author_IP":
			c.AuthorIP, err = rd.d.Trimmed()
		case "comment_content":
			c.Content, err = rd.d.Text()
		case "comment_approved":
			c.Approved, err = rd.d.Trimmed()
		case "comment_type":
			c.Type, err = rd.d.Trimmed()
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
			err = rd.d.Skip()
		}
		return err
	})
	if c.DateGMT.IsZero() {
		c.DateGMT = c.Date
	}
	return c, err
}
