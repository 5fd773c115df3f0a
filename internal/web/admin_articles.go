package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

// ArticlesPerAdminPage is the length of a page of the staff article list.
const ArticlesPerAdminPage = 25

// blankReferenceRows is how many empty reference rows the editor offers.
const blankReferenceRows = 3

var statusLabelsArticle = map[model.ArticleStatus]string{
	model.ArticleDraft: "Draft", model.ArticleInReview: "In review", model.ArticleScheduled: "Scheduled",
	model.ArticlePublished: "Published", model.ArticleArchived: "Archived",
}

type articlesPage struct {
	layout
	Articles    []store.ArticleListItem
	Status      model.ArticleStatus
	Statuses    []model.ArticleStatus
	Authors     []*model.User
	AuthorID    int64
	Due         bool
	CanWrite    bool
	Total       int
	Page        int
	PrevURL     string
	NextURL     string
	StatusLabel map[model.ArticleStatus]string
}

// canSeeAllArticles reports whether u works on every article (editors, admins and
// reviewers) rather than only their own (authors).
func canSeeAllArticles(u *model.User) bool {
	return u.Role.Can(model.PermEditAllArticles) || u.Role.Can(model.PermReviewArticles)
}

// GET /admin/articles?status=S&author=ID&due=1&page=N lists articles: authors see
// their own, editors, admins and reviewers all. due=1 lists published articles whose
// medical review is due.
func (s *Server) adminArticles(c *gin.Context) {
	ctx := c.Request.Context()
	u := staff(c)
	page, ok := pageNumber(c)
	status := model.ArticleStatus(c.Query("status"))
	if !ok || (status != "" && statusLabelsArticle[status] == "") {
		s.notFound(c)
		return
	}
	f := store.ArticleFilter{Status: status, Limit: ArticlesPerAdminPage, Offset: (page - 1) * ArticlesPerAdminPage}
	f.AuthorID, _ = strconv.ParseInt(c.Query("author"), 10, 64)
	due := c.Query("due") == "1"
	if due {
		f.DueBy = s.now()
	}
	view := articlesPage{
		layout: s.adminLayout(c, "Articles"), Status: status, Due: due, Page: page, StatusLabel: statusLabelsArticle,
		Statuses: []model.ArticleStatus{model.ArticleDraft, model.ArticleInReview, model.ArticleScheduled, model.ArticlePublished, model.ArticleArchived},
		CanWrite: u.Role.Can(model.PermEditOwnArticles),
	}
	if due {
		view.Title = "Due for review"
	}
	if !canSeeAllArticles(u) {
		f.AuthorID = u.ID
	} else {
		users, err := s.store.Users(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		view.Authors = users
	}
	view.AuthorID = f.AuthorID
	list, total, err := s.store.ListArticles(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	view.Articles, view.Total = list, total
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

// editorForm is the article editor's content as typed.
type editorForm struct {
	ID             int64
	Version        int
	Title          string
	Slug           string
	Summary        string
	Body           string
	Tags           string
	CommentsOpen   bool
	CorrectionNote string
	NextReview     string // yyyy-mm-dd
	References     []model.Reference
}

type editorPage struct {
	layout
	Form      editorForm
	Article   *model.Article // the stored article; nil for a new one
	Errors    map[string]string
	Message   string // a problem with the whole form, such as a conflict
	Notice    string // a neutral note, such as an added image
	Preview   template.HTML
	Action    string
	SignedOut bool
}

func formFromArticle(a *model.Article) editorForm {
	f := editorForm{
		ID: a.ID, Version: a.Version, Title: a.Title, Slug: a.Slug, Summary: a.Summary, Body: a.BodyMarkdown,
		CommentsOpen: a.CommentsOpen, CorrectionNote: a.CorrectionNote, References: append([]model.Reference(nil), a.References...),
	}
	names := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		names[i] = t.Name
	}
	f.Tags = strings.Join(names, ", ")
	if a.NextReviewAt != nil {
		f.NextReview = a.NextReviewAt.UTC().Format(time.DateOnly)
	}
	return f
}

// formFromRequest reads the editor form as posted.
func formFromRequest(c *gin.Context) editorForm {
	f := editorForm{
		Title:          c.PostForm("title"),
		Slug:           strings.TrimSpace(c.PostForm("slug")),
		Summary:        normaliseNewlines(c.PostForm("summary")),
		Body:           normaliseNewlines(c.PostForm("body")),
		Tags:           c.PostForm("tags"),
		CommentsOpen:   c.PostForm("comments_open") == "on",
		CorrectionNote: strings.TrimSpace(c.PostForm("correction_note")),
		NextReview:     strings.TrimSpace(c.PostForm("next_review")),
	}
	f.ID, _ = strconv.ParseInt(c.Param("id"), 10, 64)
	f.Version, _ = strconv.Atoi(c.PostForm("version"))
	titles, urls := c.PostFormArray("ref_title"), c.PostFormArray("ref_url")
	publishers, dois, pmids := c.PostFormArray("ref_publisher"), c.PostFormArray("ref_doi"), c.PostFormArray("ref_pmid")
	at := func(list []string, i int) string {
		if i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	for i := range titles {
		r := model.Reference{Title: at(titles, i), URL: at(urls, i), Publisher: at(publishers, i), DOI: at(dois, i), PMID: at(pmids, i)}
		if r.Title == "" && r.URL == "" && r.Publisher == "" && r.DOI == "" && r.PMID == "" {
			continue // a blank row
		}
		f.References = append(f.References, r)
	}
	return f
}

func normaliseNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// apply copies the form onto article a, and checks the fields that the model cannot.
func (f editorForm) apply(a *model.Article, v *model.ValidationError) {
	a.Title, a.Slug, a.Summary, a.BodyMarkdown = strings.TrimSpace(f.Title), f.Slug, strings.TrimSpace(f.Summary), f.Body
	if a.Slug == "" {
		a.Slug = model.Slugify(a.Title)
	}
	a.Tags = model.ParseTags(f.Tags)
	a.CommentsOpen, a.CorrectionNote, a.References = f.CommentsOpen, f.CorrectionNote, f.References
	a.Version = f.Version
	a.NextReviewAt = nil
	if f.NextReview != "" {
		t, err := time.Parse(time.DateOnly, f.NextReview)
		if err != nil {
			v.Add("next_review", "Enter a date such as 2027-09-30.")
		} else {
			a.NextReviewAt = &t
		}
	}
}

// GET /admin/articles/new shows an empty editor.
func (s *Server) adminArticleNew(c *gin.Context) {
	if !staff(c).Role.Can(model.PermEditOwnArticles) {
		s.forbidden(c)
		return
	}
	s.showEditor(c, http.StatusOK, editorPage{Form: editorForm{CommentsOpen: true}})
}

// POST /admin/articles/new creates a draft from the editor, or previews it.
func (s *Server) adminArticleCreate(c *gin.Context) {
	u := staff(c)
	if !u.Role.Can(model.PermEditOwnArticles) {
		s.forbidden(c)
		return
	}
	a := &model.Article{AuthorID: u.ID, Status: model.ArticleDraft}
	s.saveEditor(c, a)
}

// GET /admin/articles/:id/edit shows the editor with the stored article.
func (s *Server) adminArticleEdit(c *gin.Context) {
	a, ok := s.editableArticle(c)
	if !ok {
		return
	}
	preview, err := render.ArticleBody(a.BodyMarkdown, len(a.References))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showEditor(c, http.StatusOK, editorPage{Form: formFromArticle(a), Article: a, Preview: preview})
}

// POST /admin/articles/:id/edit saves the editor (action=save), previews it
// (action=preview), adds reference rows (action=more-refs) or uploads an image into
// the body (action=upload). Whatever happens, nothing typed is lost: a refused save
// shows the editor again with every value.
func (s *Server) adminArticleUpdate(c *gin.Context) {
	a, ok := s.editableArticle(c)
	if !ok {
		return
	}
	s.saveEditor(c, a)
}

// saveEditor handles a posted editor form for article a (new when a.ID is 0).
func (s *Server) saveEditor(c *gin.Context, a *model.Article) {
	allowSlowUpload(c) // the form may carry an image
	if !s.readForm(c) {
		return
	}
	f := formFromRequest(c)
	stored := a
	if a.ID == 0 {
		stored = nil
	}
	page := editorPage{Form: f, Article: stored, Action: c.PostForm("action")}
	switch page.Action {
	case "preview":
		body, err := render.ArticleBody(f.Body, len(f.References))
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Preview = body
		s.showEditor(c, http.StatusOK, page)
		return
	case "more-refs":
		page.Form.References = append(page.Form.References, make([]model.Reference, blankReferenceRows)...)
		s.showEditor(c, http.StatusOK, page)
		return
	case "upload":
		s.editorUpload(c, page)
		return
	}
	var v model.ValidationError
	edited := *a
	f.apply(&edited, &v)
	if err := v.Merge(edited.Validate()); err != nil {
		s.fail(c, err)
		return
	}
	if v.Err() != nil {
		page.Errors = v.Fields
		s.showEditor(c, http.StatusUnprocessableEntity, page)
		return
	}
	u := staff(c)
	note := "Saved"
	if a.ID == 0 {
		note = "Created"
	}
	err := s.store.SaveArticle(c.Request.Context(), &edited, &u.ID, note, s.now())
	switch {
	case errors.Is(err, model.ErrStaleVersion):
		page.Message = "Someone else saved this article after you opened it, so your changes were not saved. " +
			"Everything you typed is still below: open the article in another tab to see their version, merge, then save again."
		s.showEditor(c, http.StatusConflict, page)
		return
	case errors.Is(err, model.ErrSlugTaken):
		page.Errors = map[string]string{"slug": "Another article has, or had, this address. Choose another."}
		s.showEditor(c, http.StatusUnprocessableEntity, page)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(edited.ID, 10)+"/edit?done=saved")
}

// editorUpload stores an image sent from the editor and adds its Markdown to the
// body, keeping everything else typed.
func (s *Server) editorUpload(c *gin.Context, page editorPage) {
	file, ok := s.formUpload(c, "image")
	if !ok {
		return
	}
	if file == nil {
		page.Errors = map[string]string{"image": "Choose an image file to upload."}
		s.showEditor(c, http.StatusUnprocessableEntity, page)
		return
	}
	_, markdown, err := s.saveUpload(c, file, c.PostForm("image_alt"))
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		page.Errors = invalid.Fields
		s.showEditor(c, http.StatusUnprocessableEntity, page)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	page.Form.Body = strings.TrimRight(page.Form.Body, "\n") + "\n\n" + markdown + "\n"
	page.Notice = "The image was added at the end of the body. Move it where it belongs, then save."
	s.showEditor(c, http.StatusOK, page)
}

func (s *Server) showEditor(c *gin.Context, status int, page editorPage) {
	title := "New article"
	if page.Article != nil {
		title = "Edit: " + page.Article.Title
	}
	page.layout = s.adminLayout(c, title)
	// Always offer a few blank reference rows to fill in.
	blank := 0
	for _, r := range page.Form.References {
		if r == (model.Reference{}) {
			blank++
		}
	}
	for ; blank < blankReferenceRows; blank++ {
		page.Form.References = append(page.Form.References, model.Reference{})
	}
	s.render(c, status, "admin/article_edit", page)
}

// editableArticle loads the article named by :id and checks that the signed-in staff
// member may edit it, answering the request itself otherwise.
func (s *Server) editableArticle(c *gin.Context) (*model.Article, bool) {
	a, ok := s.adminArticle(c)
	if !ok {
		return nil, false
	}
	if !model.CanEditArticle(staff(c), a) {
		s.forbidden(c)
		return nil, false
	}
	return a, true
}

// adminArticle loads the article named by :id, for any staff member who works on
// articles: its author, editors, admins and reviewers.
func (s *Server) adminArticle(c *gin.Context) (*model.Article, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return nil, false
	}
	a, err := s.store.Article(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	if u := staff(c); !canSeeAllArticles(u) && a.AuthorID != u.ID {
		s.forbidden(c)
		return nil, false
	}
	return a, true
}

// editorSignedOut keeps a staff member's work when their session ended while they
// were writing: instead of sending them to sign in, it shows the editor again with
// what they sent, and asks them to sign in in another tab.
func (s *Server) editorSignedOut(c *gin.Context) {
	if staff(c) != nil || c.Request.Method != http.MethodPost {
		c.Next()
		return
	}
	page := editorPage{Form: formFromRequest(c), SignedOut: true, layout: s.adminLayout(c, "Your session has ended")}
	page.Message = "Your session has ended, so nothing was saved. Sign in again in another tab (the link opens one), " +
		"then come back here and save: everything you typed is still below."
	s.render(c, http.StatusUnauthorized, "admin/article_edit", page)
	c.Abort()
}

type articleOverviewPage struct {
	layout
	Article     *model.Article
	Body        template.HTML
	Transitions []model.Transition
	CanEdit     bool
	CanReview   bool
	NeedsReview bool // publishing is blocked until a review
	StatusLabel string
	PublicURL   string
	MinSchedule string
}

// GET /admin/articles/:id shows an article as it will read, with its status, the
// workflow actions the staff member may take, and the medical review.
func (s *Server) adminArticleShow(c *gin.Context) {
	a, ok := s.adminArticle(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	body, err := render.ArticleBody(a.BodyMarkdown, len(a.References))
	if err != nil {
		s.fail(c, err)
		return
	}
	policy, err := s.store.Policy(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	u := staff(c)
	view := articleOverviewPage{
		layout: s.adminLayout(c, a.Title), Article: a, Body: body,
		CanEdit: model.CanEditArticle(u, a), CanReview: u.Role.Can(model.PermReviewArticles) && a.Status != model.ArticleArchived,
		NeedsReview: !a.Reviewed() && !policy.PublishWithoutReview,
		StatusLabel: statusLabelsArticle[a.Status], PublicURL: "/articles/" + url.PathEscape(a.Slug),
		MinSchedule: s.now().UTC().Add(time.Minute).Format("2006-01-02T15:04"),
	}
	if view.CanEdit {
		view.Transitions = model.AvailableTransitions(a.Status)
	}
	s.render(c, http.StatusOK, "admin/article", view)
}

// POST /admin/articles/:id/status moves an article through the workflow
// (model.Transitions): action names the move, version the article as the person saw
// it, scheduled_at (yyyy-mm-ddThh:mm, UTC) the time of a scheduled publication.
func (s *Server) adminArticleStatus(c *gin.Context) {
	a, ok := s.editableArticle(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	back := "/admin/articles/" + strconv.FormatInt(a.ID, 10)
	t, err := model.TransitionFor(c.PostForm("action"), a.Status)
	if err != nil {
		s.renderError(c, http.StatusConflict, "Not possible",
			"An article that is "+strings.ToLower(statusLabelsArticle[a.Status])+" cannot take this step. Go back and reload the article.")
		return
	}
	if t.NeedsReview && !a.Reviewed() {
		policy, err := s.store.Policy(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !policy.PublishWithoutReview {
			s.renderError(c, http.StatusConflict, "Medical review needed",
				"This article has not been medically reviewed. Send it for review; a reviewer must sign it off before it is published.")
			return
		}
	}
	var when *time.Time
	if t.To == model.ArticleScheduled {
		at, err := time.Parse("2006-01-02T15:04", c.PostForm("scheduled_at"))
		if err != nil || !at.After(s.now()) {
			s.renderError(c, http.StatusUnprocessableEntity, "Choose a time in the future",
				"Enter the date and time (UTC) at which the article should be published; it must be in the future.")
			return
		}
		when = &at
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	u := staff(c)
	_, err = s.store.ChangeStatus(ctx, a.ID, version, t.To, when, &u.ID, t.Label, s.now())
	switch {
	case errors.Is(err, model.ErrStaleVersion):
		s.renderError(c, http.StatusConflict, "The article changed",
			"Someone changed this article after you opened it. Reload it, check their changes, and try again.")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, back+"?done=status")
}

// POST /admin/articles/:id/review records that the signed-in reviewer medically
// reviewed the article today; the next review falls due a year later.
func (s *Server) adminArticleReview(c *gin.Context) {
	a, ok := s.adminArticle(c)
	if !ok {
		return
	}
	u := staff(c)
	if !u.Role.Can(model.PermReviewArticles) || a.Status == model.ArticleArchived {
		s.forbidden(c)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	now := s.now()
	_, err := s.store.RecordReview(c.Request.Context(), a.ID, version, u, now, now.AddDate(0, model.ReviewInterval, 0))
	switch {
	case errors.Is(err, model.ErrStaleVersion):
		s.renderError(c, http.StatusConflict, "The article changed",
			"Someone changed this article after you opened it. Reload it, read the changes, and record your review again.")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(a.ID, 10)+"?done=reviewed")
}

// POST /admin/preview renders Markdown exactly as the public page will, for the
// editor's live preview; references is how many references the article has, so that
// [n] markers link as they will.
func (s *Server) adminPreview(c *gin.Context) {
	refs, _ := strconv.Atoi(c.PostForm("references"))
	body, err := render.ArticleBody(normaliseNewlines(c.PostForm("body")), min(max(refs, 0), model.MaxReferences))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(body))
}
