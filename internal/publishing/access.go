package publishing

import (
	"context"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Who may see and change which article. The rules themselves are model's
// (CanSeeArticle, CanEditArticle…), so that pages can show only what is allowed;
// the service is where they are enforced.

// MayCreate returns model.ErrForbidden if u may not start a new article of kind k,
// and model.ErrPagesForEditors if k is a page and u may write articles only.
func (s *Service) MayCreate(u *model.User, k model.ArticleKind) error {
	switch {
	case model.CanCreate(u, k):
		return nil
	case k == model.KindPage && model.CanWriteArticles(u):
		return model.ErrPagesForEditors
	}
	return model.ErrForbidden
}

// Article returns article id, with its author, references and tags, for u to read in
// the staff pages. Returns model.ErrNotFound if there is no such article, and
// model.ErrForbidden if u may not see it (an author, someone else's article).
func (s *Service) Article(ctx context.Context, u *model.User, id int64) (*model.Article, error) {
	return visible(ctx, s.store, u, id)
}

// EditableArticle returns article id for u to edit. Returns model.ErrNotFound if
// there is no such article, and model.ErrForbidden (model.ErrPagesForEditors for a
// page an author cannot change) if u may not change it.
func (s *Service) EditableArticle(ctx context.Context, u *model.User, id int64) (*model.Article, error) {
	return editable(ctx, s.store, u, id)
}

// List returns the articles f selects that u may see, and how many there are: an
// author's list is always of their own articles, whatever f.AuthorID says. Returns
// model.ErrForbidden if u works on no articles.
func (s *Service) List(ctx context.Context, u *model.User, f store.ArticleFilter) ([]store.ArticleListItem, int, error) {
	switch {
	case model.CanSeeAllArticles(u):
	case model.CanWriteArticles(u):
		f.AuthorID = u.ID
	default:
		return nil, 0, model.ErrForbidden
	}
	return s.store.ListArticles(ctx, f)
}

// visible reads article id through st (the store or a transaction) if u may see it.
func visible(ctx context.Context, st *store.Store, u *model.User, id int64) (*model.Article, error) {
	a, err := st.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !model.CanSeeArticle(u, a) {
		return nil, model.ErrForbidden
	}
	return a, nil
}

// editable reads article id through st if u may change it.
func editable(ctx context.Context, st *store.Store, u *model.User, id int64) (*model.Article, error) {
	a, err := st.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !model.CanEditArticle(u, a) {
		if a.IsPage() && model.CanWriteArticles(u) {
			return nil, model.ErrPagesForEditors
		}
		return nil, model.ErrForbidden
	}
	return a, nil
}
