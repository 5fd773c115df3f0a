package model

import (
	"net/url"
	"strings"
	"time"
)

// ArticleStatus is where an article is in its life.
type ArticleStatus string

// Article statuses. Only published articles are shown to readers.
const (
	ArticleDraft     ArticleStatus = "draft"
	ArticleInReview  ArticleStatus = "in_review"
	ArticleScheduled ArticleStatus = "scheduled"
	ArticlePublished ArticleStatus = "published"
	ArticleArchived  ArticleStatus = "archived"
)

// ArticleStatuses lists every status in the order of an article's life.
var ArticleStatuses = []ArticleStatus{ArticleDraft, ArticleInReview, ArticleScheduled, ArticlePublished, ArticleArchived}

// Valid reports whether s is one of ArticleStatuses.
func (s ArticleStatus) Valid() bool {
	return s.Label() != ""
}

// Label is the status's name for people; "" for an unknown status.
func (s ArticleStatus) Label() string {
	switch s {
	case ArticleDraft:
		return "Draft"
	case ArticleInReview:
		return "In review"
	case ArticleScheduled:
		return "Scheduled"
	case ArticlePublished:
		return "Published"
	case ArticleArchived:
		return "Archived"
	}
	return ""
}

// Article is a health article written in Markdown, or a page (see ArticleKind).
type Article struct {
	ID                  int64
	Slug                string
	Title               string
	Summary             string
	BodyMarkdown        string
	Status              ArticleStatus
	AuthorID            int64
	ReviewerName        string
	ReviewerCredentials string
	ReviewedAt          *time.Time
	PublishedAt         *time.Time
	CommentsOpen        bool
	CreatedAt           time.Time
	UpdatedAt           time.Time
	// Version counts saves; a save must name the version it started from, so that two
	// people editing at once cannot overwrite each other.
	Version int
	// PageVersion moves with anything the article's public page is drawn from (the
	// article, its references, tags and people, its replies); read with a published
	// article, 0 otherwise. Rendered parts of the page are kept under it.
	PageVersion    int64
	ScheduledAt    *time.Time // when a scheduled article goes out
	NextReviewAt   *time.Time // when its medical review is due again
	CorrectionNote string     // one line shown on the page after a correction
	CorrectedAt    *time.Time // when the correction note was last changed
	ReviewerID     *int64
	Kind           ArticleKind // set when the article is created, never changed
	// FooterPosition is where a page is listed in the footer of public pages, first
	// at 1; nil for a page not in the footer, and always nil for an article.
	FooterPosition *int

	// Pending is a change to the published article that waits for review and
	// publication, with its own Status (draft, in review or scheduled), review and
	// schedule; nil when there is none. Only staff pages read it: readers always see
	// the article itself. Its ID and Version are the article's.
	Pending *Article
	// ChangesRequested is what a reviewer last asked the author to change, until the
	// article (or its pending change) is sent for review again; nil when nothing is.
	ChangesRequested *ChangeRequest
	// EditedBy is, for a pending change, who last changed its text; nil otherwise.
	EditedBy *int64

	Author     User        // filled by the store when reading one article
	Reviewer   *User       // the reviewer's account, filled with Author; nil when the review names none
	References []Reference // in order
	Tags       []Tag       // in order
}

// ChangeRequest is a reviewer's "changes needed", with their notes.
type ChangeRequest struct {
	Notes     string
	UserID    *int64
	UserName  string // the reviewer, "" if their account is gone
	CreatedAt time.Time
}

// Working returns the text staff work on: the pending change if there is one, else
// the article itself.
func (a *Article) Working() *Article {
	if a.Pending != nil {
		return a.Pending
	}
	return a
}

// IsPage reports whether a is a standalone page rather than an article.
func (a *Article) IsPage() bool {
	return a.Kind == KindPage
}

// Reviewed reports whether a medical reviewer has signed off on the article.
func (a *Article) Reviewed() bool {
	return a.ReviewerName != "" && a.ReviewedAt != nil
}

// UpdatedAfterPublishing reports whether the article changed after it went out, so the
// page should say "Updated on …". Changes within a minute of publishing do not count.
func (a *Article) UpdatedAfterPublishing() bool {
	return a.PublishedAt != nil && a.UpdatedAt.Sub(*a.PublishedAt) > time.Minute
}

// ArticleSummary is one entry of an article list.
type ArticleSummary struct {
	ID           int64
	Slug         string
	Title        string
	Summary      string
	AuthorName   string
	PublishedAt  time.Time
	UpdatedAt    time.Time
	ReplyCount   int
	CommentsOpen bool
	Tags         []Tag // in order
}

// Reference is one source an article rests on.
type Reference struct {
	ID        int64
	ArticleID int64
	Position  int
	Title     string
	URL       string
	Publisher string
	DOI       string // e.g. 10.1000/xyz123
	PMID      string // PubMed ID, digits
}

// DOIURL returns the address that resolves the reference's DOI, "" when it has none.
// Each part of the DOI between slashes is escaped, so that characters a DOI may hold
// (?, #, %, quotes) stay part of it.
func (r Reference) DOIURL() string {
	if r.DOI == "" {
		return ""
	}
	parts := strings.Split(r.DOI, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "https://doi.org/" + strings.Join(parts, "/")
}

// PubMedURL returns the reference's PubMed page, "" when it has no PubMed ID.
func (r Reference) PubMedURL() string {
	if r.PMID == "" {
		return ""
	}
	return "https://pubmed.ncbi.nlm.nih.gov/" + url.PathEscape(r.PMID) + "/"
}

// Tag groups articles on a subject.
type Tag struct {
	ID   int64
	Slug string
	Name string
}
