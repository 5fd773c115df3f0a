package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ArticlesPerAdminPage is the length of a page of the staff article list.
const ArticlesPerAdminPage = 25

type articlesPage struct {
	layout
	Articles []store.ArticleListItem
	Status   model.ArticleStatus
	Pages    bool // the Pages tab: pages instead of articles
	Statuses []model.ArticleStatus
	Authors  []*model.User
	AuthorID int64
	Due      bool
	Imported bool // imported, not yet reviewed here
	CanWrite bool
	// CanPages: may see the Pages tab; CanWritePages: may start a page.
	CanPages      bool
	CanWritePages bool
	Total         int
	Page          int
	PrevURL       string
	NextURL       string
}

// GET /admin/articles?status=S&kind=K&author=ID&due=1&page=N lists articles (or
// pages, with kind=page): authors see their own, editors, admins and reviewers all.
// due=1 lists the published articles and pages whose medical review is due;
// imported=1 what an import brought in that no reviewer here has signed off.
func (s *Server) adminArticles(c *gin.Context) {
	ctx := c.Request.Context()
	u := staff(c)
	page, ok := pageNumber(c)
	status := model.ArticleStatus(c.Query("status"))
	kind := model.ArticleKind(c.DefaultQuery("kind", string(model.KindArticle)))
	if !ok || (status != "" && !status.Valid()) || !kind.Valid() {
		s.notFound(c)
		return
	}
	f := store.ArticleFilter{Status: status, Kind: kind, Limit: ArticlesPerAdminPage, Offset: (page - 1) * ArticlesPerAdminPage}
	f.AuthorID, _ = strconv.ParseInt(c.Query("author"), 10, 64)
	due, imported := c.Query("due") == "1", c.Query("imported") == "1"
	switch {
	case due:
		f.DueBy = s.now()
		f.Kind = "" // a page's review falls due like an article's
	case imported:
		f.ImportedNotReviewed, f.Kind = true, ""
	}
	list, total, err := s.publishing.List(ctx, u, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := articlesPage{
		layout: s.adminLayout(c, "Articles"), Articles: list, Total: total, Status: status, Due: due, Imported: imported, Page: page,
		Statuses: model.ArticleStatuses, CanWrite: model.CanWriteArticles(u), AuthorID: f.AuthorID,
		Pages: f.Kind == model.KindPage, CanPages: model.CanSeeAllArticles(u), CanWritePages: model.CanWritePages(u),
	}
	switch {
	case due:
		view.Title = "Due for review"
	case imported:
		view.Title = "Imported, not yet reviewed here"
	case view.Pages:
		view.Title = "Pages"
	}
	if model.CanSeeAllArticles(u) {
		if view.Authors, err = s.store.Users(ctx); err != nil {
			s.fail(c, err)
			return
		}
	} else {
		view.AuthorID = u.ID // the service lists only their own
	}
	q := c.Request.URL.Query()
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		view.PrevURL = "/admin/articles?" + q.Encode()
	}
	if page*ArticlesPerAdminPage < total {
		q.Set("page", strconv.Itoa(page+1))
		view.NextURL = "/admin/articles?" + q.Encode()
	}
	s.render(c, http.StatusOK, "admin/articles", view)
}

// articleID reads the article ID in the path, answering 404 itself when it is not one.
func (s *Server) articleID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return 0, false
	}
	return id, true
}
