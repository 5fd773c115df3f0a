package publishing_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// Ensure a new article is a draft by its writer, with an address made from the title,
// its tags and references, at version 1 with one revision.
func TestCreate_SavesDraftWithRevision(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	author := f.user(model.RoleAuthor, "Ada")
	a := f.create(author, "  Sleep, Caffeine and Twitches ")
	got := f.stored(a.ID)
	if got.Status != model.ArticleDraft || got.AuthorID != author.ID || got.Version != 1 ||
		got.Title != "Sleep, Caffeine and Twitches" || got.Slug != "sleep-caffeine-and-twitches" {
		t.Errorf("saved: status %q author %d version %d title %q slug %q", got.Status, got.AuthorID, got.Version, got.Title, got.Slug)
	}
	if len(got.Tags) != 2 || got.Tags[0].Slug != "neurology" || len(got.References) != 1 {
		t.Errorf("tags %+v references %+v", got.Tags, got.References)
	}
	revs, err := f.st.Revisions(f.ctx, a.ID)
	if err != nil || len(revs) != 1 || revs[0].Note != "Created" || revs[0].UserID == nil || *revs[0].UserID != author.ID {
		t.Errorf("revisions = %+v, %v", revs, err)
	}
}

// Ensure only roles that write articles may start one.
func TestCreate_RefusedForRolesThatDoNotWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, role := range []model.Role{model.RoleReviewer, model.RoleModerator} {
		_, err := f.svc.Create(f.ctx, f.user(role, string(role)), draft("Not theirs to write"))
		wantErr(t, err, model.ErrForbidden)
	}
	_, err := f.svc.Create(f.ctx, nil, draft("Nobody"))
	wantErr(t, err, model.ErrForbidden)
	if n, _ := f.st.CountArticles(f.ctx); n != 0 {
		t.Errorf("%d articles saved, want 0", n)
	}
}

// Ensure the service's own checks (the review date as typed) and the article's
// validation come back together in one validation error, and nothing is saved.
func TestCreate_InvalidFieldsReportedTogether(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := draft(" ")
	d.NextReview = "next year"
	d.References = append(d.References, model.Reference{Title: "sleep and MUSCLE health", URL: "https://example.org/other"})
	_, err := f.svc.Create(f.ctx, f.user(model.RoleEditor, "Ed"), d)
	wantFields(t, err, "title", "slug", "next_review", "references")
	if n, _ := f.st.CountArticles(f.ctx); n != 0 {
		t.Errorf("%d articles saved, want 0", n)
	}
}

// Ensure a save changes the text, moves the version on and keeps a revision.
func TestSave_NewVersionAndRevision(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	author := f.user(model.RoleAuthor, "Ada")
	a := f.create(author, "Twitches")
	d := publishing.DraftOf(a)
	d.Body = "Coffee can trigger twitches [1].\n"
	d.NextReview = "2027-09-30"
	saved, err := f.svc.Save(f.ctx, author, a.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	got := f.stored(a.ID)
	if saved.Version != 2 || got.Version != 2 || got.BodyMarkdown != d.Body || got.NextReviewAt == nil ||
		got.NextReviewAt.Format("2006-01-02") != "2027-09-30" || got.Tags[1].Name != "Sleep" {
		t.Errorf("after save: returned version %d, stored %+v", saved.Version, got)
	}
	if revs, _ := f.st.Revisions(f.ctx, a.ID); len(revs) != 2 || revs[0].Note != "Saved" {
		t.Errorf("revisions = %+v", revs)
	}
}

// Ensure who may change an article is enforced: authors only their own, reviewers and
// moderators none; editors and admins any.
func TestSave_RefusedForOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user(model.RoleAuthor, "Owner")
	a := f.create(owner, "Mine")
	for _, u := range []*model.User{f.user(model.RoleAuthor, "Other author"), f.user(model.RoleReviewer, "Rev"), f.user(model.RoleModerator, "Mod"), nil} {
		_, err := f.svc.Save(f.ctx, u, a.ID, draft("Hijacked"))
		wantErr(t, err, model.ErrForbidden)
	}
	if got := f.stored(a.ID); got.Title != "Mine" || got.Version != 1 {
		t.Errorf("a refused save changed the article: %q version %d", got.Title, got.Version)
	}
	for _, role := range []model.Role{model.RoleEditor, model.RoleAdmin} {
		d := draft("Edited by " + string(role))
		d.Version = f.stored(a.ID).Version
		if _, err := f.svc.Save(f.ctx, f.user(role, string(role)), a.ID, d); err != nil {
			t.Errorf("%s: %v", role, err)
		}
	}
}

// Ensure a save made from an older version is refused, so that nobody overwrites work
// they have not seen.
func TestSave_RefusedWhenStale(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.user(model.RoleEditor, "Ed")
	a := f.create(editor, "Shared")
	first, second := draft("First edit"), draft("Second edit")
	first.Version, second.Version = 1, 1
	if _, err := f.svc.Save(f.ctx, editor, a.ID, first); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Save(f.ctx, editor, a.ID, second)
	wantErr(t, err, model.ErrStaleVersion)
	if got := f.stored(a.ID); got.Title != "First edit" || got.Version != 2 {
		t.Errorf("after the conflict: %q version %d", got.Title, got.Version)
	}
}

// Ensure an address another article has, or had, is refused.
func TestSave_RefusedWhenSlugTaken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.user(model.RoleEditor, "Ed")
	first := f.create(editor, "First")
	renamed := draft("First")
	renamed.Version, renamed.Slug = 1, "first-renamed"
	if _, err := f.svc.Save(f.ctx, editor, first.ID, renamed); err != nil {
		t.Fatal(err)
	}
	second := f.create(editor, "Second")
	for _, slug := range []string{"first-renamed", "first"} {
		d := draft("Second")
		d.Version, d.Slug = 1, slug
		_, err := f.svc.Save(f.ctx, editor, second.ID, d)
		wantErr(t, err, model.ErrSlugTaken)
	}
	_, err := f.svc.Create(f.ctx, editor, draft("First"))
	wantErr(t, err, model.ErrSlugTaken)
}

// Ensure saving an article that does not exist says so.
func TestSave_NotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.svc.Save(f.ctx, f.user(model.RoleAdmin, "Admin"), 999, draft("Ghost"))
	wantErr(t, err, model.ErrNotFound)
}
