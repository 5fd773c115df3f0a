package wxr

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrWriteOrder means a Writer was asked to write a part where WXR has no place for
// it: anything before Site, an author or term after the first item, a comment with
// no open item, or anything after Close.
var ErrWriteOrder = errors.New("wxr: part written out of order")

// Writer writes a WXR 1.2 export as a stream, the inverse of Read: the site first,
// then authors and terms, then items, each written out as soon as it is given.
//
// It writes what WordPress's own export.php writes, in its order and with its
// namespaces, so that WordPress's importer reads it as one of its own. Text fields
// go in CDATA sections (which both of WordPress's parsers, XML and regular
// expressions, read as written), a "]]>" inside split the way WordPress splits it; characters
// that XML 1.0 forbids (most control characters, U+FFFE, U+FFFF, bytes that are not
// UTF-8) are left out. Dates are written as given, in the WXR layout; a zero time is
// written as WordPress's "0000-00-00 00:00:00".
//
// The first error is kept: every later call returns it and writes nothing.
type Writer struct {
	w        *bufio.Writer
	err      error
	state    int
	itemOpen bool
}

// Writer states, in the order a file goes through them.
const (
	writeStart = iota
	writeChannel
	writeItems
	writeClosed
)

// NewWriter returns a Writer on w. Nothing is written until Site.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64*1024)}
}

// Site writes the head of the file and the channel's description. It must come first.
func (w *Writer) Site(s Site) error {
	if !w.advance(writeChannel, writeStart) {
		return w.err
	}
	w.raw(`<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file, an export of a site that WordPress's importer reads. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>

<channel>
`)
	w.text(1, "title", s.Title)
	w.text(1, "link", s.Link)
	w.text(1, "description", "")
	w.text(1, "pubDate", time.Now().UTC().Format(time.RFC1123Z))
	w.text(1, "language", "en-US")
	w.text(1, "wp:wxr_version", "1.2")
	w.text(1, "wp:base_site_url", s.BaseSiteURL)
	w.text(1, "wp:base_blog_url", s.BaseBlogURL)
	w.raw("\n")
	return w.err
}

// Author writes one wp:author. Authors and terms come after Site and before items.
func (w *Writer) Author(a Author) error {
	if !w.advance(writeChannel, writeChannel) {
		return w.err
	}
	w.raw("\t<wp:author>")
	w.text(0, "wp:author_id", strconv.FormatInt(a.ID, 10))
	w.cdata(0, "wp:author_login", a.Login)
	w.cdata(0, "wp:author_email", a.Email)
	w.cdata(0, "wp:author_display_name", a.DisplayName)
	w.cdata(0, "wp:author_first_name", a.FirstName)
	w.cdata(0, "wp:author_last_name", a.LastName)
	w.raw("</wp:author>\n")
	return w.err
}

// Term writes a channel-level term: wp:category for Kind "category", wp:tag for
// "post_tag", and wp:term with its taxonomy for any other kind.
func (w *Writer) Term(t Term) error {
	if !w.advance(writeChannel, writeChannel) {
		return w.err
	}
	id := strconv.FormatInt(t.ID, 10)
	switch t.Kind {
	case "category":
		w.raw("\t<wp:category>")
		w.text(0, "wp:term_id", id)
		w.cdata(0, "wp:category_nicename", t.Slug)
		w.cdata(0, "wp:category_parent", t.Parent)
		w.cdata(0, "wp:cat_name", t.Name)
		w.optionalCDATA("wp:category_description", t.Description)
		w.raw("</wp:category>\n")
	case "post_tag", "tag":
		w.raw("\t<wp:tag>")
		w.text(0, "wp:term_id", id)
		w.cdata(0, "wp:tag_slug", t.Slug)
		w.cdata(0, "wp:tag_name", t.Name)
		w.optionalCDATA("wp:tag_description", t.Description)
		w.raw("</wp:tag>\n")
	default:
		w.raw("\t<wp:term>")
		w.text(0, "wp:term_id", id)
		w.cdata(0, "wp:term_taxonomy", t.Kind)
		w.cdata(0, "wp:term_slug", t.Slug)
		w.cdata(0, "wp:term_parent", t.Parent)
		w.cdata(0, "wp:term_name", t.Name)
		w.optionalCDATA("wp:term_description", t.Description)
		w.raw("</wp:term>\n")
	}
	return w.err
}

// Item writes one item with its terms, meta and comments.
func (w *Writer) Item(it Item) error {
	if err := w.OpenItem(it); err != nil {
		return err
	}
	return w.CloseItem()
}

// OpenItem writes an item's fields, terms, meta and the comments it holds, and
// leaves it open for Comment, so that an item with many comments need not hold them
// all at once. CloseItem ends it. An item open already is closed first.
//
// wp:ping_status is always "closed" and wp:is_sticky 0: Item has neither.
func (w *Writer) OpenItem(it Item) error {
	if w.itemOpen {
		if err := w.CloseItem(); err != nil {
			return err
		}
	}
	if !w.advance(writeItems, writeChannel, writeItems) {
		return w.err
	}
	w.itemOpen = true
	w.raw("\t<item>\n")
	w.cdata(2, "title", it.Title)
	w.text(2, "link", it.Link)
	if !it.PostDateGMT.IsZero() {
		w.text(2, "pubDate", it.PostDateGMT.UTC().Format(time.RFC1123Z))
	}
	w.cdata(2, "dc:creator", it.Creator)
	w.raw("\t\t<guid isPermaLink=\"false\">" + escape(it.GUID, false) + "</guid>\n")
	w.text(2, "description", "")
	w.cdata(2, "content:encoded", it.Content)
	w.cdata(2, "excerpt:encoded", it.Excerpt)
	w.text(2, "wp:post_id", strconv.FormatInt(it.PostID, 10))
	w.cdata(2, "wp:post_date", wxrDate(it.PostDate))
	w.cdata(2, "wp:post_date_gmt", wxrDate(it.PostDateGMT))
	w.cdata(2, "wp:comment_status", it.CommentStatus)
	w.cdata(2, "wp:ping_status", "closed")
	w.cdata(2, "wp:post_name", it.Slug)
	w.cdata(2, "wp:status", it.Status)
	w.text(2, "wp:post_parent", strconv.FormatInt(it.ParentID, 10))
	w.text(2, "wp:menu_order", strconv.Itoa(it.MenuOrder))
	w.cdata(2, "wp:post_type", it.PostType)
	w.cdata(2, "wp:post_password", it.Password)
	w.text(2, "wp:is_sticky", "0")
	if it.AttachmentURL != "" {
		w.cdata(2, "wp:attachment_url", it.AttachmentURL)
	}
	for _, t := range it.Terms {
		kind := t.Kind
		if kind == "" {
			kind = "category"
		}
		w.raw("\t\t<category domain=\"" + escape(kind, true) + "\" nicename=\"" + escape(t.Slug, true) + "\">")
		w.cdata(-1, "", t.Name)
		w.raw("</category>\n")
	}
	for _, m := range it.Meta {
		w.meta("wp:postmeta", m)
	}
	for _, c := range it.Comments {
		w.comment(c)
	}
	return w.err
}

// Comment writes one wp:comment into the item OpenItem left open.
func (w *Writer) Comment(c Comment) error {
	if w.err == nil && (!w.itemOpen || w.state != writeItems) {
		w.err = ErrWriteOrder
	}
	if w.err != nil {
		return w.err
	}
	w.comment(c)
	return w.err
}

// CloseItem ends the item OpenItem left open.
func (w *Writer) CloseItem() error {
	if w.err == nil && !w.itemOpen {
		w.err = ErrWriteOrder
	}
	if w.err != nil {
		return w.err
	}
	w.itemOpen = false
	w.raw("\t</item>\n")
	return w.err
}

// Close ends the channel and the document and flushes the buffer. It does not close
// the underlying writer.
func (w *Writer) Close() error {
	if w.itemOpen {
		if err := w.CloseItem(); err != nil {
			return err
		}
	}
	if !w.advance(writeClosed, writeChannel, writeItems) {
		return w.err
	}
	w.raw("</channel>\n</rss>\n")
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

func (w *Writer) comment(c Comment) {
	w.raw("\t\t<wp:comment>\n")
	w.text(3, "wp:comment_id", strconv.FormatInt(c.ID, 10))
	w.cdata(3, "wp:comment_author", c.Author)
	w.cdata(3, "wp:comment_author_email", c.AuthorEmail)
	w.cdata(3, "wp:comment_author_url", c.AuthorURL)
	w.cdata(3, "wp:comment_author_IP", c.AuthorIP)
	w.cdata(3, "wp:comment_date", wxrDate(c.Date))
	w.cdata(3, "wp:comment_date_gmt", wxrDate(c.DateGMT))
	w.cdata(3, "wp:comment_content", c.Content)
	w.cdata(3, "wp:comment_approved", c.Approved)
	w.cdata(3, "wp:comment_type", c.Type)
	w.text(3, "wp:comment_parent", strconv.FormatInt(c.ParentID, 10))
	w.text(3, "wp:comment_user_id", strconv.FormatInt(c.UserID, 10))
	for _, m := range c.Meta {
		w.meta("wp:commentmeta", m)
	}
	w.raw("\t\t</wp:comment>\n")
}

func (w *Writer) meta(name string, m Meta) {
	w.raw("\t\t<" + name + ">\n")
	w.cdata(3, "wp:meta_key", m.Key)
	w.cdata(3, "wp:meta_value", m.Value)
	w.raw("\t\t</" + name + ">\n")
}

// advance moves to state to from one of the states from, or records ErrWriteOrder.
func (w *Writer) advance(to int, from ...int) bool {
	if w.err != nil {
		return false
	}
	for _, f := range from {
		if w.state == f {
			w.state = to
			return true
		}
	}
	w.err = ErrWriteOrder
	return false
}

func (w *Writer) raw(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

// open writes the start tag of name at depth tabs; a negative depth writes nothing.
func (w *Writer) open(depth int, name string) {
	if depth >= 0 {
		w.raw(strings.Repeat("\t", depth) + "<" + name + ">")
	}
}

// close writes the end tag of name, and a new line below depth 0.
func (w *Writer) close(depth int, name string) {
	switch {
	case depth > 0:
		w.raw("</" + name + ">\n")
	case depth == 0:
		w.raw("</" + name + ">")
	}
}

// text writes an element whose text is escaped.
func (w *Writer) text(depth int, name, s string) {
	w.open(depth, name)
	w.raw(escape(s, false))
	w.close(depth, name)
}

// cdata writes an element whose text is one CDATA section, or, for a text holding
// "]]>", several, split like WordPress's wxr_cdata: "]]]]><![CDATA[>".
func (w *Writer) cdata(depth int, name, s string) {
	w.open(depth, name)
	w.raw("<![CDATA[" + strings.ReplaceAll(clean(s), "]]>", "]]]]><![CDATA[>") + "]]>")
	w.close(depth, name)
}

// optionalCDATA writes a description only when there is one, as WordPress does.
func (w *Writer) optionalCDATA(name, s string) {
	if s != "" {
		w.cdata(0, name, s)
	}
}

// wxrDate is t in WXR's layout, or WordPress's zero date for the zero time.
func wxrDate(t time.Time) string {
	if t.IsZero() {
		return "0000-00-00 00:00:00"
	}
	return t.Format(dateLayout)
}

// escape returns s without the characters XML forbids, with &, < and > escaped, and
// in an attribute the double quote and white space other than spaces too, which a
// reader would otherwise turn into spaces.
func escape(s string, attr bool) string {
	s = clean(s)
	if !strings.ContainsAny(s, "&<>\"\t\n\r") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case (r == '\t' || r == '\n' || r == '\r') && attr:
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clean returns s without what XML 1.0 forbids in a document: control characters
// other than tab, line feed and carriage return, surrogates, U+FFFE and U+FFFF, and
// bytes that are not UTF-8.
func clean(s string) string {
	if !strings.ContainsFunc(s, forbidden) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && size == 1) && !forbidden(r) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// forbidden reports whether XML 1.0 forbids r in a document.
func forbidden(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r > 0x10FFFF:
		return true
	}
	return false
}
