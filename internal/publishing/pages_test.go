package publishing_test

import (
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// pageDraft is a valid page for the editor, in the footer at position.
func pageDraft(title, position string) publishing.Draft {
	return publishing.Draft{Kind: model.KindPage, Title: title, Summary: "Who we are.",
		Body: "We publish health articles.\n", FooterPosition: position}
}

// Ensure an author may not start or change a page (ErrPagesForEditors, which is a
// 403), while an editor may, and nothing is saved for the author.
func TestPages_CreatedAndChangedByEditorsOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	author, editor := f.user(model.RoleAuthor, "Ada"), f.user(model.RoleEditor, "Ed")
	wantErr(t, f.svc.MayCreate(author, model.KindPage), model.ErrPagesForEditors)
	wantErr(t, f.svc.MayCreate(f.user(model.RoleReviewer, "Rev"), model.KindPage), model.ErrForbidden)
	if err := f.svc.MayCreate(author, model.KindArticle); err != nil {
		t.Errorf("an author may not start an article: %v", err)
	}
	_, err := f.svc.Create(f.ctx, author, pageDraft("About us", "1"))
	wantErr(t, err, model.ErrPagesForEditors)
	if n, _ := f.st.CountArticles(f.ctx); n != 0 {
		t.Fatalf("%d articles saved after a refused page, want 0", n)
	}

	page, err := f.svc.Create(f.ctx, editor, pageDraft("About us", "1"))
	if err != nil {
		t.Fatal(err)
	}
	// Even a page the author wrote before they were an author is not theirs to change.
	f.exec(`UPDATE articles SET author_id = ? WHERE id = ?`, author.ID, page.ID)
	_, err = f.svc.Save(f.ctx, author, page.ID, pageDraft("About them", "1"))
	wantErr(t, err, model.ErrPagesForEditors)
	_, err = f.svc.ChangeStatus(f.ctx, author, page.ID, page.Version, "submit", time.Time{})
	wantErr(t, err, model.ErrPagesForEditors)
	if got := f.stored(page.ID); got.Title != "About us" || got.Status != model.ArticleDraft {
		t.Errorf("after refused changes: title %q, status %q", got.Title, got.Status)
	}
}

// Ensure a page keeps its kind through every save (a draft cannot turn it into an
// article, nor an article into a page), keeps its footer position, and goes through
// the same medical-review gate and revisions as an article.
func TestPages_SavedReviewedAndPublishedLikeArticles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor, reviewer := f.user(model.RoleEditor, "Ed"), f.user(model.RoleReviewer, "Dr. Rev")
	page, err := f.svc.Create(f.ctx, editor, pageDraft("Editorial policy", "2"))
	if err != nil {
		t.Fatal(err)
	}
	got := f.stored(page.ID)
	if !got.IsPage() || got.FooterPosition == nil || *got.FooterPosition != 2 || got.CommentsOpen || len(got.Tags) != 0 {
		t.Fatalf("created: kind %q, footer %v, replies open %v, tags %v", got.Kind, got.FooterPosition, got.CommentsOpen, got.Tags)
	}
	if d := publishing.DraftOf(got); d.Kind != model.KindPage || d.FooterPosition != "2" {
		t.Errorf("the editor's draft of a page: kind %q, footer %q", d.Kind, d.FooterPosition)
	}

	d := pageDraft("Editorial policy", "")
	d.Version, d.Kind = got.Version, model.KindArticle
	saved, err := f.svc.Save(f.ctx, editor, page.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.stored(page.ID); !got.IsPage() || got.FooterPosition != nil || !saved.IsPage() {
		t.Errorf("after a save asking for an article without a footer position: kind %q, footer %v", got.Kind, got.FooterPosition)
	}

	_, err = f.svc.ChangeStatus(f.ctx, editor, page.ID, saved.Version, "publish", time.Time{})
	wantErr(t, err, publishing.ErrReviewNeeded)
	reviewed, err := f.svc.Review(f.ctx, reviewer, page.ID, saved.Version, publishing.Decision{})
	if err != nil {
		t.Fatal(err)
	}
	published, err := f.svc.ChangeStatus(f.ctx, editor, page.ID, reviewed.Version, "publish", time.Time{})
	if err != nil || published.Status != model.ArticlePublished {
		t.Fatalf("publish after review: %v, %+v", err, published)
	}
	revs, err := f.st.Revisions(f.ctx, page.ID)
	if err != nil || len(revs) != 4 {
		t.Errorf("%d revisions (created, saved, reviewed, published), want 4; %v", len(revs), err)
	}

	article := f.create(editor, "Sleep and cramps")
	d = draft("Sleep and cramps")
	d.Version, d.Kind = article.Version, model.KindPage
	if _, err := f.svc.Save(f.ctx, editor, article.ID, d); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(article.ID); got.IsPage() {
		t.Error("a save turned an article into a page")
	}
}

// Ensure a page's own mistakes are reported under their fields with the rest of the
// form's, and nothing is saved: tags, a footer position that is not a number or out
// of range.
func TestPages_InvalidFieldsReported(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.user(model.RoleEditor, "Ed")
	d := pageDraft(" ", "first")
	d.Tags = "Neurology"
	_, err := f.svc.Create(f.ctx, editor, d)
	wantFields(t, err, "title", "slug", "tags", "footer_position")
	_, err = f.svc.Create(f.ctx, editor, pageDraft("About us", "0"))
	wantFields(t, err, "footer_position")
	d = draft("An article in the footer")
	d.FooterPosition = "3"
	_, err = f.svc.Create(f.ctx, editor, d)
	wantFields(t, err, "footer_position")
	if n, _ := f.st.CountArticles(f.ctx); n != 0 {
		t.Errorf("%d articles saved, want 0", n)
	}
}
