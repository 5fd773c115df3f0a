package publishing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// revise saves article id as u with body, from the version it is at, and returns the
// newest revision's ID.
func (f *fixture) revise(u *model.User, id int64, body string) int64 {
	f.t.Helper()
	d := publishing.DraftOf(f.stored(id).Working())
	d.Body = body
	f.advance(time.Minute)
	if _, err := f.svc.Save(f.ctx, u, id, d); err != nil {
		f.t.Fatal(err)
	}
	revs, err := f.st.Revisions(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return revs[0].ID
}

// Ensure two revisions compare line by line, older first whichever order they are
// asked in, and a revision compared with itself shows nothing changed.
func TestCompare_LineByLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Compared")
	revs, _ := f.st.Revisions(f.ctx, a.ID)
	first := revs[0].ID
	second := f.revise(editor, a.ID, "## Causes\n\nCoffee can trigger twitches [1].\nA new line.\n")
	cmp, err := f.svc.Compare(f.ctx, editor, a.ID, second, first)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.From.ID != first || cmp.To.ID != second || cmp.Same() {
		t.Fatalf("from %d to %d same %v", cmp.From.ID, cmp.To.ID, cmp.Same())
	}
	var body publishing.DiffSection
	for _, sec := range cmp.Sections {
		if sec.Name == "Body" {
			body = sec
		} else if sec.Changed {
			t.Errorf("section %s changed: %+v", sec.Name, sec.Lines)
		}
	}
	want := []publishing.DiffLine{{' ', "## Causes"}, {' ', ""}, {'-', "Caffeine can trigger twitches [1]."},
		{'+', "Coffee can trigger twitches [1]."}, {'+', "A new line."}}
	if !body.Changed || !equalLines(body.Lines, want) {
		t.Errorf("body lines = %q, want %q", body.Lines, want)
	}
	same, err := f.svc.Compare(f.ctx, editor, a.ID, second, second)
	if err != nil || !same.Same() {
		t.Errorf("a revision with itself: same %v, %v", same != nil && same.Same(), err)
	}
}

// Ensure a comparison names only the article's own revisions, for those who may see it.
func TestCompare_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user(model.RoleAuthor, "Owner")
	mine, other := f.create(owner, "Mine"), f.create(f.user(model.RoleAuthor, "Other"), "Theirs")
	mineRevs, _ := f.st.Revisions(f.ctx, mine.ID)
	otherRevs, _ := f.st.Revisions(f.ctx, other.ID)
	_, err := f.svc.Compare(f.ctx, owner, mine.ID, mineRevs[0].ID, otherRevs[0].ID)
	wantErr(t, err, model.ErrNotFound)
	_, err = f.svc.Compare(f.ctx, owner, other.ID, otherRevs[0].ID, otherRevs[0].ID)
	wantErr(t, err, model.ErrForbidden)
	_, _, err = f.svc.Revisions(f.ctx, owner, other.ID)
	wantErr(t, err, model.ErrForbidden)
}

// Ensure a restore makes an old revision's text current as a new save: of a
// published article, as its pending change (readers keep the live text), with a
// revision that says what was restored.
func TestRestore_AsNewSave(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.allowUnreviewed()
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Restored")
	revs, _ := f.st.Revisions(f.ctx, a.ID)
	oldest := revs[0]
	f.revise(editor, a.ID, "A rewrite.\n")
	if _, err := f.svc.ChangeStatus(f.ctx, editor, a.ID, 2, "publish", time.Time{}); err != nil {
		t.Fatal(err)
	}
	restored, err := f.svc.Restore(f.ctx, editor, a.ID, oldest.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	got := f.stored(a.ID)
	if restored.Version != 4 || got.Version != 4 || got.BodyMarkdown != "A rewrite.\n" || got.Status != model.ArticlePublished {
		t.Errorf("live after restore: version %d/%d status %q body %q", restored.Version, got.Version, got.Status, got.BodyMarkdown)
	}
	if got.Pending == nil || !strings.Contains(got.Pending.BodyMarkdown, "Caffeine can trigger") || got.Pending.Status != model.ArticleDraft {
		t.Fatalf("pending change after restore: %+v", got.Pending)
	}
	revs, _ = f.st.Revisions(f.ctx, a.ID)
	if want := "Restored the version of " + oldest.CreatedAt.Format("2 January 2006 15:04") + " (a pending change, not on the site until published)"; revs[0].Note != want {
		t.Errorf("note = %q, want %q", revs[0].Note, want)
	}
	// Unpublished, the restore is the article's text itself.
	draftArticle := f.create(editor, "A draft")
	first, _ := f.st.Revisions(f.ctx, draftArticle.ID)
	f.revise(editor, draftArticle.ID, "Rewritten.\n")
	if _, err := f.svc.Restore(f.ctx, editor, draftArticle.ID, first[0].ID, 2); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(draftArticle.ID); got.Pending != nil || !strings.Contains(got.BodyMarkdown, "Caffeine can trigger") {
		t.Errorf("draft after restore: body %q, pending %v", got.BodyMarkdown, got.Pending)
	}
}

// Ensure a restore passes every rule a save does: who may change the article, the
// version, the address and the fields' checks.
func TestRestore_RefusedLikeASave(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner, editor := f.user(model.RoleAuthor, "Owner"), f.user(model.RoleEditor, "Ed")
	a := f.create(owner, "Original title")
	revs, _ := f.st.Revisions(f.ctx, a.ID)
	oldest := revs[0].ID
	renamed := publishing.DraftOf(f.stored(a.ID))
	renamed.Slug = "new-address"
	if _, err := f.svc.Save(f.ctx, owner, a.ID, renamed); err != nil {
		t.Fatal(err)
	}

	_, err := f.svc.Restore(f.ctx, f.user(model.RoleAuthor, "Other"), a.ID, oldest, 2)
	wantErr(t, err, model.ErrForbidden)
	_, err = f.svc.Restore(f.ctx, f.user(model.RoleReviewer, "Rev"), a.ID, oldest, 2)
	wantErr(t, err, model.ErrForbidden)
	_, err = f.svc.Restore(f.ctx, owner, a.ID, oldest, 1)
	wantErr(t, err, model.ErrStaleVersion)
	_, err = f.svc.Restore(f.ctx, owner, a.ID, oldest+100, 2)
	wantErr(t, err, model.ErrNotFound)

	// A revision that no longer passes the checks (written before a limit existed) is
	// refused with the field named.
	f.exec(`UPDATE revisions SET title = '' WHERE id = ?`, oldest)
	_, err = f.svc.Restore(f.ctx, owner, a.ID, oldest, 2)
	wantFields(t, err, "title")
	f.exec(`UPDATE revisions SET title = 'Original title' WHERE id = ?`, oldest)

	// The old address redirects to this article, which keeps it free for it; once it
	// belongs to another article (as after an import), restoring it is refused.
	other := f.create(editor, "Other article")
	f.exec(`UPDATE slug_redirects SET article_id = ? WHERE old_slug = 'original-title'`, other.ID)
	_, err = f.svc.Restore(f.ctx, owner, a.ID, oldest, 2)
	wantErr(t, err, model.ErrSlugTaken)
	if got := f.stored(a.ID); got.Version != 2 || got.Slug != "new-address" {
		t.Errorf("a refused restore changed the article: version %d slug %q", got.Version, got.Slug)
	}
}

func equalLines(a, b []publishing.DiffLine) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
