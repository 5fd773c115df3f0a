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
	// Kind is read by Create only (an article when empty): an article stays an
	// article and a page a page.
	Kind model.ArticleKind
	// FooterPosition is a page's place in the footer as typed, "" for none.
	FooterPosition string
}

// DraftOf returns the draft that shows article a in the editor.
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
	names := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		names[i] = t.Name
	}
	d.Tags = strings.Join(names, ", ")
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
	if err := s.save(ctx, s.store, u, a, d.apply, "Created"); err != nil {
		return nil, err
	}
	return a, nil
}

// Save replaces article id's text with draft d, made from version d.Version, and
// keeps a revision; d.Kind is ignored. Returns model.ErrNotFound if there is no such
// article, model.ErrForbidden (model.ErrPagesForEditors for a page) if u may not
// change it, *model.ValidationError if a field is
// wrong, model.ErrStaleVersion if someone saved it after d.Version, and
// model.ErrSlugTaken if another article has, or had, the address.
func (s *Service) Save(ctx context.Context, u *model.User, id int64, d Draft) (*model.Article, error) {
	var saved *model.Article
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := editable(ctx, tx, u, id)
		if err != nil {
			return err
		}
		saved = a
		return s.save(ctx, tx, u, a, d.apply, "Saved")
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// save is every change of an article's text, from the editor or from a revision:
// change edits a, then a is validated and written through st with a revision noting
// note. On success a holds what was saved.
func (s *Service) save(ctx context.Context, st *store.Store, u *model.User, a *model.Article, change func(*model.Article, *model.ValidationError), note string) error {
	var v model.ValidationError
	edited := *a
	change(&edited, &v)
	if err := v.Merge(edited.Validate()); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := st.SaveArticle(ctx, &edited, &u.ID, note, s.now()); err != nil {
		return err
	}
	*a = edited
	return nil
}
