package model

import (
	"fmt"
	"strconv"
)

// ArticleKind says whether an article is a health article or a standalone page (About,
// Editorial policy…). Pages go through the same editor, review and workflow, but have
// no tags and no replies, and are listed in the footer rather than with the articles.
type ArticleKind string

// Article kinds.
const (
	KindArticle ArticleKind = "article"
	KindPage    ArticleKind = "page"
)

// Valid reports whether k is one of the kinds.
func (k ArticleKind) Valid() bool {
	return k.Label() != ""
}

// Label is the kind's name for people ("Page"); "" for an unknown kind.
func (k ArticleKind) Label() string {
	switch k {
	case KindArticle:
		return "Article"
	case KindPage:
		return "Page"
	}
	return ""
}

// MaxFooterPosition is the largest footer position a page may have.
const MaxFooterPosition = 99

// ErrPagesForEditors means someone who may write articles tried to create or change a
// page. It wraps ErrForbidden.
var ErrPagesForEditors = fmt.Errorf("%w: pages are written by editors and administrators", ErrForbidden)

// CanWritePages reports whether u may create and change pages: editors and admins.
// Pages speak for the whole site (who it is, how it works), so they need the
// permission to edit every article, not only one's own.
func CanWritePages(u *User) bool {
	return u != nil && u.Role.Can(PermEditAllArticles)
}

// CanCreate reports whether u may start a new article of kind k.
func CanCreate(u *User, k ArticleKind) bool {
	if k == KindPage {
		return CanWritePages(u)
	}
	return CanWriteArticles(u)
}

// validateKind checks what depends on a's kind: a page has no tags and may have a
// footer position; an article has tags and never a footer position. Replies need no
// check: Policy.RepliesOpen keeps them closed on every page.
func (a *Article) validateKind(v *ValidationError) {
	if !a.Kind.Valid() {
		v.Add("kind", "Choose whether this is an article or a page.")
		return
	}
	if a.IsPage() && len(a.Tags) > 0 {
		v.Add("tags", "A page has no tags: tags group articles.")
	}
	switch p := a.FooterPosition; {
	case p == nil:
	case !a.IsPage():
		v.Add("footer_position", "Only pages are listed in the footer.")
	case *p < 1 || *p > MaxFooterPosition:
		v.Add("footer_position", "The footer position is a number from 1 to "+strconv.Itoa(MaxFooterPosition)+", or empty to leave the page out of the footer.")
	}
}
