package model_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure pages are created and changed by those who may edit every article (editors
// and admins), not by authors, whatever the page's author, while articles keep their
// rules; reviewers still review pages.
func TestPages_WhoMayWriteThem(t *testing.T) {
	t.Parallel()
	user := func(id int64, role model.Role) *model.User { return &model.User{ID: id, Role: role} }
	page := &model.Article{Kind: model.KindPage, AuthorID: 3, Status: model.ArticleDraft}
	article := &model.Article{Kind: model.KindArticle, AuthorID: 3, Status: model.ArticleDraft}
	tests := []struct {
		User                                             *model.User
		CreatePage, CreateArticle, EditPage, EditArticle bool
		ReviewPage, SeePage                              bool
	}{
		{user(1, model.RoleAdmin), true, true, true, true, true, true},
		{user(2, model.RoleEditor), true, true, true, true, false, true},
		// The author of both: their article is theirs to change, the page is not.
		{user(3, model.RoleAuthor), false, true, false, true, false, true},
		{user(4, model.RoleAuthor), false, true, false, false, false, false},
		{user(5, model.RoleReviewer), false, false, false, false, true, true},
		{user(6, model.RoleModerator), false, false, false, false, false, false},
		{nil, false, false, false, false, false, false},
	}
	for _, tt := range tests {
		name := "nobody"
		if tt.User != nil {
			name = string(tt.User.Role)
		}
		got := []bool{model.CanCreate(tt.User, model.KindPage), model.CanCreate(tt.User, model.KindArticle),
			model.CanEditArticle(tt.User, page), model.CanEditArticle(tt.User, article),
			model.CanReviewArticle(tt.User, page), model.CanSeeArticle(tt.User, page)}
		want := []bool{tt.CreatePage, tt.CreateArticle, tt.EditPage, tt.EditArticle, tt.ReviewPage, tt.SeePage}
		for i, label := range []string{"create a page", "create an article", "edit the page", "edit the article", "review the page", "see the page"} {
			if got[i] != want[i] {
				t.Errorf("%s (user %v) may %s: %v, want %v", name, tt.User, label, got[i], want[i])
			}
		}
	}
	if !errors.Is(model.ErrPagesForEditors, model.ErrForbidden) {
		t.Error("ErrPagesForEditors does not wrap ErrForbidden, so it would not answer 403")
	}
}

// Ensure a page is refused tags and a footer position out of range, an article any
// footer position, and an unknown kind, each under its field.
func TestPages_Validate(t *testing.T) {
	t.Parallel()
	at := func(n int) *int { return &n }
	valid := func(kind model.ArticleKind) model.Article {
		return model.Article{Kind: kind, Title: "About us", Slug: "about", Status: model.ArticleDraft}
	}
	tests := []struct {
		Name   string
		Kind   model.ArticleKind
		Change func(a *model.Article)
		Field  string // "" when valid
	}{
		{"PageValid", model.KindPage, func(*model.Article) {}, ""},
		{"PageInFooterFirst", model.KindPage, func(a *model.Article) { a.FooterPosition = at(1) }, ""},
		{"PageInFooterLast", model.KindPage, func(a *model.Article) { a.FooterPosition = at(model.MaxFooterPosition) }, ""},
		{"ErrPageFooterZero", model.KindPage, func(a *model.Article) { a.FooterPosition = at(0) }, "footer_position"},
		{"ErrPageFooterTooFar", model.KindPage, func(a *model.Article) { a.FooterPosition = at(model.MaxFooterPosition + 1) }, "footer_position"},
		{"ErrPageTags", model.KindPage, func(a *model.Article) { a.Tags = model.ParseTags("Neurology") }, "tags"},
		{"ArticleValid", model.KindArticle, func(a *model.Article) { a.Tags = model.ParseTags("Neurology") }, ""},
		{"ErrArticleInFooter", model.KindArticle, func(a *model.Article) { a.FooterPosition = at(1) }, "footer_position"},
		{"ErrKindUnknown", "leaflet", func(*model.Article) {}, "kind"},
		{"ErrKindMissing", "", func(*model.Article) {}, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			a := valid(tt.Kind)
			tt.Change(&a)
			err := a.Validate()
			var v *model.ValidationError
			switch {
			case tt.Field == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.Field == "":
			case !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[tt.Field] == "":
				t.Fatalf("Validate() = %v, want one problem, with %s", err, tt.Field)
			}
		})
	}
}

// Ensure a page never takes replies, even with its replies switch on, while an
// article with the same fields does.
func TestPages_NeverTakeReplies(t *testing.T) {
	t.Parallel()
	p := model.DefaultPolicy()
	now := time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)
	published := now.Add(-time.Hour)
	page := &model.Article{Kind: model.KindPage, CommentsOpen: true, PublishedAt: &published}
	article := &model.Article{Kind: model.KindArticle, CommentsOpen: true, PublishedAt: &published}
	if p.RepliesOpen(page, now) {
		t.Error("a page takes replies")
	}
	if !p.RepliesOpen(article, now) {
		t.Error("an article with replies open takes none")
	}
}
