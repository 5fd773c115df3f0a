package model

import "time"

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
	Version        int
	ScheduledAt    *time.Time // when a scheduled article goes out
	NextReviewAt   *time.Time // when its medical review is due again
	CorrectionNote string     // one line shown on the page after a correction
	ReviewerID     *int64
	Kind           ArticleKind // set when the article is created, never changed
	// FooterPosition is where a page is listed in the footer of public pages, first
	// at 1; nil for a page not in the footer, and always nil for an article.
	FooterPosition *int

	Author     User        // filled by the store when reading one article
	References []Reference // in order
	Tags       []Tag       // in order
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

// Tag groups articles on a subject.
type Tag struct {
	ID   int64
	Slug string
	Name string
}
