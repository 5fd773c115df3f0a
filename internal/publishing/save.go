package publishing

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Draft is an article's text as a person typed it in the editor.
type Draft struct {
	// Version is the version the editor was opened at; 0 for a new article.
	Version        int
	Title          string
	Slug           string // made from the title when empty
	Summary        string
	Body           string // Markdown
	Tags           string // comma-separated, as typed
	CommentsOpen   bool
	CorrectionNote string
	NextReview     string // yyyy-mm-dd, or "" for none
	References     []model.Reference
	// Minor asks for a change to a published article to go live at once, without a
	// medical review, for MinorReason (see minor.go).
	Minor       bool
	MinorReason string
	// Kind is read by Create only (an article when empty): an article stays an
	// article and a page a page.
	Kind model.ArticleKind
	// FooterPosition is a page's place in the footer as typed, "" for none.
	FooterPosition string
}

// DraftOf returns the draft that shows text a in the editor: pass an article's
// Working text, so that the editor opens on its pending change when it has one.
func DraftOf(a *model.Article) Draft {
	d := Draft{
		Version: a.Version, Title: a.Title, Slug: a.Slug, Summary: a.Summary, Body: a.BodyMarkdown,
		CommentsOpen: a.CommentsOpen, CorrectionNote: a.CorrectionNote,
		References: append([]model.Reference(nil), a.References...),
		Kind:       a.Kind,
	}
	if a.FooterPosition != nil {
		d.FooterPosition = strconv.Itoa(*a.FooterPosition)
	}
	d.Tags = tagList(a.Tags)
	if a.NextReviewAt != nil {
		d.NextReview = a.NextReviewAt.UTC().Format(time.DateOnly)
	}
	return d
}

// apply copies the draft onto a, and records what is wrong with the fields that
// Article.Validate cannot see (the date as typed) in v.
func (d Draft) apply(a *model.Article, v *model.ValidationError) {
	a.Title, a.Slug, a.Summary, a.BodyMarkdown = strings.TrimSpace(d.Title), d.Slug, strings.TrimSpace(d.Summary), d.Body
	if a.Slug == "" {
		a.Slug = model.Slugify(a.Title)
	}
	a.Tags = model.ParseTags(d.Tags)
	a.CommentsOpen, a.CorrectionNote, a.References = d.CommentsOpen, d.CorrectionNote, d.References
	a.Version = d.Version
	a.NextReviewAt = nil
	if d.NextReview != "" {
		t, err := time.Parse(time.DateOnly, d.NextReview)
		if err != nil {
			v.Add("next_review", "Enter a date such as 2027-09-30.")
		} else {
			a.NextReviewAt = &t
		}
	}
	a.FooterPosition = nil
	if d.FooterPosition != "" {
		n, err := strconv.Atoi(d.FooterPosition)
		if err != nil {
			v.Add("footer_position", "Enter a whole number, such as 1 for the first link, or leave it empty.")
		} else {
			a.FooterPosition = &n
		}
	}
}

// Create saves draft d as a new article (or page, by d.Kind) by u, in status draft,
// with a first revision. Returns model.ErrForbidden if u may not write articles,
// model.ErrPagesForEditors if d is a page and u may not write pages,
// *model.ValidationError if a field is wrong, and model.ErrSlugTaken if another
// article has, or had, the address.
func (s *Service) Create(ctx context.Context, u *model.User, d Draft) (*model.Article, error) {
	if d.Kind == "" {
		d.Kind = model.KindArticle
	}
	if err := s.MayCreate(u, d.Kind); err != nil {
		return nil, err
	}
	a := &model.Article{AuthorID: u.ID, Status: model.ArticleDraft, Kind: d.Kind}
	d.Version = 0
	if err := s.save(ctx, s.store, u, a, d.apply, "Created", true); err != nil {
		return nil, err
	}
	return a, nil
}

// Save replaces article id's text with draft d, made from version d.Version, and
// keeps a revision; d.Kind is ignored. A published article's text goes into its
// pending change, and readers keep the live text until the change is reviewed and
// published (pending_change.go), unless an editor marks it minor (minor.go). Any
// change of text drops the medical review the text had (review_gate.go).
//
// Returns model.ErrNotFound if there is no such article, model.ErrForbidden
// (model.ErrPagesForEditors for a page) if u may not change it,
// *model.ValidationError if a field is wrong (or a minor change is not allowed),
// model.ErrStaleVersion if someone saved it after d.Version, and
// model.ErrSlugTaken if another article has, or had, the address.
func (s *Service) Save(ctx context.Context, u *model.User, id int64, d Draft) (*model.Article, error) {
	var saved *model.Article
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := editable(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := s.edit(ctx, tx, u, a, d, "Saved"); err != nil {
			return err
		}
		saved = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// edit is every change of a stored article's text, from the editor or from a
// revision; on success a is the article as saved.
func (s *Service) edit(ctx context.Context, tx *store.Store, u *model.User, a *model.Article, d Draft, note string) error {
	if d.Version != a.Version {
		return model.ErrStaleVersion
	}
	if d.Minor {
		if err := minorAllowed(u, a, d); err != nil {
			return err
		}
		if a.Status == model.ArticlePublished {
			return s.save(ctx, tx, u, a, d.apply, minorNote(d), false)
		}
	}
	if a.Status == model.ArticlePublished {
		return s.saveChange(ctx, tx, u, a, d, note)
	}
	return s.save(ctx, tx, u, a, d.apply, note, true)
}

// save writes a change of article a's text (a new article when a.ID is 0): change
// edits a copy of a, which is validated and written through st with a revision
// noting note. With dropReview, a change of text drops the review the old text had.
// On success a holds what was saved.
func (s *Service) save(ctx context.Context, st *store.Store, u *model.User, a *model.Article, change func(*model.Article, *model.ValidationError), note string, dropReview bool) error {
	var v model.ValidationError
	edited := *a
	change(&edited, &v)
	if err := v.Merge(edited.Validate()); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now()
	if dropReview && textChanged(a, &edited) {
		unreview(&edited)
	}
	noteCorrection(a, &edited, now)
	if err := st.SaveArticle(ctx, &edited, &u.ID, note, now); err != nil {
		return err
	}
	*a = edited
	return nil
}

// noteCorrection dates the correction note of edited, the new text of a, when it
// changed.
func noteCorrection(a, edited *model.Article, now time.Time) {
	switch {
	case edited.CorrectionNote == "":
		edited.CorrectedAt = nil
	case edited.CorrectionNote != a.CorrectionNote:
		at := now.UTC()
		edited.CorrectedAt = &at
	}
}
