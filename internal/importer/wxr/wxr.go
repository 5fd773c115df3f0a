// Package wxr reads WordPress eXtended RSS (WXR 1.0–1.2) exports as a stream.
//
// Read walks the document token by token with encoding/xml and hands each part to a
// Handler as soon as it is complete: the site, each author, each channel-level term,
// then each item with its terms, meta and comments. An item is dropped once its
// handler returns, so memory depends on the largest item, never on the file.
//
// Elements are matched by namespace URI, not by prefix: WXR elements are those of any
// http://wordpress.org/export/1.x/ namespace, content:encoded is
// http://purl.org/rss/1.0/modules/content/, excerpt:encoded is
// http://wordpress.org/export/1.x/excerpt/ and dc:creator is
// http://purl.org/dc/elements/1.1/. A prefix used without a declaration (a broken
// export writing "wp:" with no xmlns:wp) is read as its conventional namespace.
//
// Dates carry no zone in WXR. PostDate and Comment.Date are the site's wall clock,
// returned as UTC values with the same digits; PostDateGMT and DateGMT are true UTC.
// "0000-00-00 00:00:00" means unknown: the GMT date then falls back to the local one,
// and a date that is missing altogether is the zero time.
package wxr

import "time"

// Site is the channel's description of the exported site.
type Site struct {
	Title       string
	Link        string
	BaseSiteURL string
	BaseBlogURL string
	// Version is wp:wxr_version as written ("1.2"), or "" when the file has none.
	Version string
}

// Author is one wp:author of the channel.
type Author struct {
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Term is a category, tag or other taxonomy term.
//
// At channel level (wp:category, wp:tag, wp:term) Kind is "category", "post_tag" or
// the term's taxonomy, and ID and Parent (the parent's slug) are set when present. On
// an item (<category domain="…" nicename="…">) Kind is the domain as written
// ("category", "post_tag", or "tag" in old exports; "category" when absent), Slug the
// nicename and Name the element's text.
type Term struct {
	Kind        string
	ID          int64
	Slug        string
	Name        string
	Parent      string
	Description string
}

// Meta is one wp:postmeta or wp:commentmeta pair, in the order of the file.
type Meta struct {
	Key   string
	Value string
}

// Item is one <item>: a post, page, attachment, menu item or any other post type.
type Item struct {
	PostID        int64
	Title         string
	Link          string
	GUID          string
	Creator       string // dc:creator, the author's login
	Content       string // content:encoded, as written
	Excerpt       string // excerpt:encoded, as written
	PostType      string // "post", "page", "attachment", "nav_menu_item", …
	Status        string // "publish", "future", "draft", "pending", "private", "trash", "inherit", …
	Slug          string // wp:post_name
	CommentStatus string // "open" or "closed"
	Password      string // wp:post_password; a non-empty one means the post is protected
	AttachmentURL string
	PostDate      time.Time // the site's wall clock (see the package comment)
	PostDateGMT   time.Time
	ParentID      int64
	MenuOrder     int
	Terms         []Term
	Meta          []Meta
	Comments      []Comment
}

// Comment is one wp:comment of an item.
type Comment struct {
	ID          int64
	ParentID    int64
	UserID      int64
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	Content     string
	// Approved is wp:comment_approved as written: "1", "0", "spam" or "trash".
	Approved string
	// Type is "" or "comment" for a comment, "pingback", "trackback", or a plugin's type.
	Type    string
	Date    time.Time // the site's wall clock
	DateGMT time.Time
	Meta    []Meta
}

// Handler receives the parts of an export in the order of the file.
//
// Site is called once, before the first author, term or item (or at the end of the
// channel when it has none). Item may return an error to stop the read; Read then
// returns that error as is. Warning reports something unusual that the reader went
// past: a missing or unknown WXR version, a date or number it could not read,
// characters it replaced.
type Handler interface {
	Site(Site)
	Author(Author)
	Term(Term)
	Item(Item) error
	Warning(string)
}
