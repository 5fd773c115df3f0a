package publishing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Revisions returns article id and its revisions, newest first, without their text.
// Returns model.ErrNotFound if there is no such article, and model.ErrForbidden if u
// may not see it.
func (s *Service) Revisions(ctx context.Context, u *model.User, id int64) (*model.Article, []store.Revision, error) {
	a, err := visible(ctx, s.store, u, id)
	if err != nil {
		return nil, nil, err
	}
	revs, err := s.store.Revisions(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	return a, revs, nil
}

// Comparison is what changed between two revisions of an article, the older first.
type Comparison struct {
	Article  *model.Article
	From, To *store.Revision
	Sections []DiffSection
}

// Same reports whether no section changed, as when a revision is compared with itself.
func (c *Comparison) Same() bool {
	for _, sec := range c.Sections {
		if sec.Changed {
			return false
		}
	}
	return true
}

// DiffSection is one part of an article (title, body…) compared line by line.
type DiffSection struct {
	Name    string
	Lines   []DiffLine
	Changed bool
}

// Compare returns what changed between revisions fromID and toID of article id, in
// either order. Returns model.ErrNotFound if there is no such article or either is
// not one of its revisions, and model.ErrForbidden if u may not see it.
func (s *Service) Compare(ctx context.Context, u *model.User, id, fromID, toID int64) (*Comparison, error) {
	a, err := visible(ctx, s.store, u, id)
	if err != nil {
		return nil, err
	}
	from, err := s.store.RevisionByID(ctx, a.ID, fromID)
	if err != nil {
		return nil, err
	}
	to, err := s.store.RevisionByID(ctx, a.ID, toID)
	if err != nil {
		return nil, err
	}
	if from.ID > to.ID {
		from, to = to, from
	}
	sections := textSections(revisionText(from), revisionText(to))
	status := section("Status", string(from.Status), string(to.Status))
	sections = slices.Insert(sections, 2, status) // after the title and address
	return &Comparison{Article: a, From: from, To: to, Sections: sections}, nil
}

// text is what readers read of an article, as its comparisons show it.
type text struct {
	Title, Slug, Summary, Tags, Body, CorrectionNote string
	References                                       []model.Reference
}

func articleText(a *model.Article) text {
	return text{Title: a.Title, Slug: a.Slug, Summary: a.Summary, Tags: tagList(a.Tags), Body: a.BodyMarkdown,
		CorrectionNote: a.CorrectionNote, References: a.References}
}

func revisionText(r *store.Revision) text {
	return text{Title: r.Title, Slug: r.Slug, Summary: r.Summary, Tags: r.Tags, Body: r.Body,
		CorrectionNote: r.CorrectionNote, References: r.References}
}

// textSections compares two texts part by part, in the order of the editor.
func textSections(from, to text) []DiffSection {
	return []DiffSection{
		section("Title", from.Title, to.Title),
		section("Address", from.Slug, to.Slug),
		section("Summary", from.Summary, to.Summary),
		section("Tags", from.Tags, to.Tags),
		section("Body", from.Body, to.Body),
		section("References", referenceLines(from.References), referenceLines(to.References)),
		section("Correction note", from.CorrectionNote, to.CorrectionNote),
	}
}

func section(name, a, b string) DiffSection {
	lines := DiffLines(a, b)
	changed := false
	for _, l := range lines {
		if l.Op != ' ' {
			changed = true
			break
		}
	}
	return DiffSection{Name: name, Lines: lines, Changed: changed}
}

// referenceLines shows references one to a line, so that a comparison names the one
// that changed.
func referenceLines(refs []model.Reference) string {
	var b strings.Builder
	for i, r := range refs {
		fmt.Fprintf(&b, "%d. %s — %s", i+1, r.Title, r.URL)
		if r.Publisher != "" {
			b.WriteString(" (" + r.Publisher + ")")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// RestorePlan is what restoring a revision would do, for a person to confirm.
type RestorePlan struct {
	Article  *model.Article
	Revision *store.Revision
	// Sections compare the article's working text (its pending change, if any) with
	// the revision's.
	Sections []DiffSection
}

// PlanRestore returns what restoring revision revID of article id would change.
// Returns model.ErrNotFound if there is no such article or revision, and
// model.ErrForbidden if u may not change the article.
func (s *Service) PlanRestore(ctx context.Context, u *model.User, id, revID int64) (*RestorePlan, error) {
	a, err := editable(ctx, s.store, u, id)
	if err != nil {
		return nil, err
	}
	rev, err := s.store.RevisionByID(ctx, a.ID, revID)
	if err != nil {
		return nil, err
	}
	return &RestorePlan{Article: a, Revision: rev, Sections: textSections(articleText(a.Working()), revisionText(rev))}, nil
}

// Restore makes revision revID's text (title, address, summary, body, references,
// tags, correction note) article id's text, as a new save from version: it passes
// every rule a save from the editor does (a published article gets it as its pending
// change, for review), and can itself be undone. Returns model.ErrNotFound if there
// is no such article or revision, model.ErrForbidden if u may not change the article,
// *model.ValidationError if the old text no longer passes the checks,
// model.ErrStaleVersion if someone saved the article after version, and
// model.ErrSlugTaken if the revision's address now belongs to another article.
func (s *Service) Restore(ctx context.Context, u *model.User, id, revID int64, version int) (*model.Article, error) {
	var restored *model.Article
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := editable(ctx, tx, u, id)
		if err != nil {
			return err
		}
		rev, err := tx.RevisionByID(ctx, a.ID, revID)
		if err != nil {
			return err
		}
		d := DraftOf(a.Working())
		d.Version = version
		d.Title, d.Slug, d.Summary, d.Body, d.Tags = rev.Title, rev.Slug, rev.Summary, rev.Body, rev.Tags
		d.References, d.CorrectionNote = rev.References, rev.CorrectionNote
		note := fmt.Sprintf("Restored the version of %s", rev.CreatedAt.UTC().Format("2 January 2006 15:04"))
		if err := s.edit(ctx, tx, u, a, d, note); err != nil {
			return err
		}
		restored = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return restored, nil
}
