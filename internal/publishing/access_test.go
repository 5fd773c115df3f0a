package publishing_test

import (
	"errors"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure authors open only their own articles in the staff pages, while editors,
// admins and reviewers open all, and only those who may change one get it to edit.
func TestArticle_WhoSeesAndEdits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user(model.RoleAuthor, "Owner")
	a := f.create(owner, "Owned")
	tests := []struct {
		Name      string
		User      *model.User
		See, Edit error
	}{
		{"Owner", owner, nil, nil},
		{"OtherAuthor", f.user(model.RoleAuthor, "Other"), model.ErrForbidden, model.ErrForbidden},
		{"Editor", f.user(model.RoleEditor, "Ed"), nil, nil},
		{"Admin", f.user(model.RoleAdmin, "Admin"), nil, nil},
		{"Reviewer", f.user(model.RoleReviewer, "Rev"), nil, model.ErrForbidden},
		{"Moderator", f.user(model.RoleModerator, "Mod"), model.ErrForbidden, model.ErrForbidden},
		{"Nobody", nil, model.ErrForbidden, model.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, err := f.svc.Article(f.ctx, tt.User, a.ID)
			if !errorIs(err, tt.See) || (err == nil && got.ID != a.ID) {
				t.Errorf("Article: %v, want %v", err, tt.See)
			}
			_, err = f.svc.EditableArticle(f.ctx, tt.User, a.ID)
			if !errorIs(err, tt.Edit) {
				t.Errorf("EditableArticle: %v, want %v", err, tt.Edit)
			}
		})
	}
	_, err := f.svc.Article(f.ctx, owner, a.ID+1)
	wantErr(t, err, model.ErrNotFound)
}

// Ensure an author's list holds only their own articles even when they ask for
// someone else's, while editors filter as they like, and moderators get none.
func TestList_AuthorsSeeTheirOwn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	me, other := f.user(model.RoleAuthor, "Me"), f.user(model.RoleAuthor, "Other")
	f.create(me, "My draft")
	f.create(other, "Their draft")
	list, total, err := f.svc.List(f.ctx, me, store.ArticleFilter{AuthorID: other.ID, Limit: 10})
	if err != nil || total != 1 || len(list) != 1 || list[0].Title != "My draft" {
		t.Errorf("author's list = %+v (%d), %v", list, total, err)
	}
	editor := f.user(model.RoleEditor, "Ed")
	if _, total, err := f.svc.List(f.ctx, editor, store.ArticleFilter{Limit: 10}); err != nil || total != 2 {
		t.Errorf("editor's list: %d, %v", total, err)
	}
	if list, _, err := f.svc.List(f.ctx, editor, store.ArticleFilter{AuthorID: other.ID, Limit: 10}); err != nil || len(list) != 1 || list[0].Title != "Their draft" {
		t.Errorf("editor's list of one author = %+v, %v", list, err)
	}
	_, _, err = f.svc.List(f.ctx, f.user(model.RoleModerator, "Mod"), store.ArticleFilter{Limit: 10})
	wantErr(t, err, model.ErrForbidden)
}

// errorIs is errors.Is that also matches no error with a nil want.
func errorIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return err != nil && errors.Is(err, want)
}
