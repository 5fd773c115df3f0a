package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/render"
)

// blankReferenceRows is how many empty reference rows the editor offers.
const blankReferenceRows = 3

// editorForm is the article editor's content as typed.
type editorForm struct {
	ID int64 // 0 for a new article
	publishing.Draft
}

type editorPage struct {
	layout
	Form      editorForm     // Form.Kind says whether the editor is for an article or a page
	Article   *model.Article // the stored article; nil for a new one
	Errors    map[string]string
	Message   string // a problem with the whole form, such as a conflict
	Notice    string // a neutral note, such as an added image
	Preview   template.HTML
	Action    string
	SignedOut bool
	// What the person may do from the editor besides saving.
	Minor         bool // publish a minor change without review
	SendForReview bool // save and send the text for medical review
	Publish       bool // save and publish, which works when the text keeps its review
}

// formFromRequest reads the editor form as posted.
func formFromRequest(c *gin.Context) editorForm {
	f := editorForm{Draft: publishing.Draft{
		Title:          c.PostForm("title"),
		Slug:           strings.TrimSpace(c.PostForm("slug")),
		Summary:        normaliseNewlines(c.PostForm("summary")),
		Body:           normaliseNewlines(c.PostForm("body")),
		Tags:           c.PostForm("tags"),
		CommentsOpen:   c.PostForm("comments_open") == "on",
		CorrectionNote: strings.TrimSpace(c.PostForm("correction_note")),
		NextReview:     strings.TrimSpace(c.PostForm("next_review")),
		Minor:          c.PostForm("minor") == "on",
		MinorReason:    strings.TrimSpace(c.PostForm("minor_reason")),
		Kind:           model.ArticleKind(c.PostForm("kind")),
		FooterPosition: strings.TrimSpace(c.PostForm("footer_position")),
	}}
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

// normaliseNewlines turns the CRLF that browsers send into LF.
func normaliseNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// GET /admin/articles/new?kind=page shows an empty editor for an article, or for a
// page with kind=page.
func (s *Server) adminArticleNew(c *gin.Context) {
	kind := model.ArticleKind(c.DefaultQuery("kind", string(model.KindArticle)))
	if !kind.Valid() {
		s.notFound(c)
		return
	}
	if err := s.publishing.MayCreate(staff(c), kind); err != nil {
		s.fail(c, err)
		return
	}
	s.showEditor(c, http.StatusOK, editorPage{Form: editorForm{Draft: publishing.Draft{Kind: kind, CommentsOpen: kind == model.KindArticle}}})
}

// POST /admin/articles/new creates a draft from the editor, or previews it.
func (s *Server) adminArticleCreate(c *gin.Context) {
	allowSlowUpload(c) // the form may carry an image; the route admits staff only
	if !s.readForm(c) {
		return
	}
	if err := s.publishing.MayCreate(staff(c), model.ArticleKind(c.DefaultPostForm("kind", string(model.KindArticle)))); err != nil {
		s.fail(c, err)
		return
	}
	s.saveEditor(c, nil)
}

// GET /admin/articles/:id/edit shows the editor with the stored article.
func (s *Server) adminArticleEdit(c *gin.Context) {
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	a, err := s.publishing.EditableArticle(c.Request.Context(), staff(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	work := a.Working()
	preview, err := render.ArticleBody(work.BodyMarkdown, len(work.References))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showEditor(c, http.StatusOK, editorPage{Form: editorForm{ID: a.ID, Draft: publishing.DraftOf(work)}, Article: a, Preview: preview})
}

// POST /admin/articles/:id/edit saves the editor (action=save; action=save-submit
// also sends the text for medical review), previews it (action=preview), adds
// reference rows (action=more-refs) or uploads an image into the body
// (action=upload). A published article's text is saved as its pending change, unless
// an editor ticks minor (with minor_reason). Whatever happens, nothing typed is lost: a refused save
// shows the editor again with every value.
func (s *Server) adminArticleUpdate(c *gin.Context) {
	allowSlowUpload(c) // the form may carry an image; the route admits staff only
	if !s.readForm(c) {
		return
	}
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	a, err := s.publishing.EditableArticle(c.Request.Context(), staff(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.saveEditor(c, a)
}

// saveEditor handles a posted editor form for stored article a, or a new one when a
// is nil.
func (s *Server) saveEditor(c *gin.Context, a *model.Article) {
	f := formFromRequest(c)
	if a != nil {
		f.Kind = a.Kind // the kind of a stored article never changes
	}
	page := editorPage{Form: f, Article: a, Action: c.PostForm("action")}
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
	ctx, u := c.Request.Context(), staff(c)
	var saved *model.Article
	var err error
	if a == nil {
		saved, err = s.publishing.Create(ctx, u, f.Draft)
	} else {
		saved, err = s.publishing.Save(ctx, u, a.ID, f.Draft)
	}
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		page.Errors = invalid.Fields
		s.showEditor(c, http.StatusUnprocessableEntity, page)
		return
	case errors.Is(err, model.ErrStaleVersion):
		d, _ := describeIn("save", err)
		page.Message = d.message
		s.showEditor(c, d.status, page)
		return
	case errors.Is(err, model.ErrSlugTaken):
		d, _ := describeIn("save", err)
		page.Errors = map[string]string{"slug": d.message}
		s.showEditor(c, d.status, page)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	s.afterSave(c, a, saved, f.Draft, page.Action)
}

// afterSave sends the person on after article a (nil for a new one) was saved as
// saved from draft d: with action=save-submit or save-publish, through that step
// first and to the article; otherwise back to the editor.
func (s *Server) afterSave(c *gin.Context, a, saved *model.Article, d publishing.Draft, action string) {
	id := strconv.FormatInt(saved.ID, 10)
	if step, ok := editorSteps[action]; ok {
		if _, err := s.publishing.ChangeStatus(c.Request.Context(), staff(c), saved.ID, saved.Version, step.transition, time.Time{}); err != nil {
			// The text is saved; only the step failed, which the page says.
			d, ok := describe(err)
			if !ok {
				s.fail(c, err)
				return
			}
			s.renderErrorPage(c, errorPage{Status: d.status, Heading: "Saved, but " + step.failed,
				Message: "Your text is saved. " + d.message, Back: "/admin/articles/" + id, BackLabel: "Back to the article"})
			return
		}
		c.Redirect(http.StatusSeeOther, "/admin/articles/"+id+"?done="+step.done)
		return
	}
	done := "saved"
	switch {
	case a != nil && a.Status == model.ArticlePublished && d.Minor:
		done = "saved-minor"
	case saved.Pending != nil:
		done = "saved-change"
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+id+"/edit?done="+done)
}

// editorSteps are the workflow steps the editor's buttons take after saving.
var editorSteps = map[string]struct{ transition, done, failed string }{
	"save-submit":  {"submit", "submitted", "not sent for review"},
	"save-publish": {"publish", "published", "not published"},
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
	title := "New " + page.Noun()
	page.SendForReview = !page.SignedOut
	if a := page.Article; a != nil {
		title = "Edit: " + a.Working().Title
		act, err := s.publishing.Actions(c.Request.Context(), staff(c), a)
		if err != nil {
			s.fail(c, err)
			return
		}
		work := a.Working()
		page.Minor = act.Minor
		page.SendForReview = act.Edit && (work.Status == model.ArticleDraft || (a.Status == model.ArticlePublished && a.Pending == nil))
		page.Publish = act.Edit && staff(c).Role.Can(model.PermPublish) && (a.Pending != nil || a.Status != model.ArticlePublished)
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

// Noun is what the editor calls what it edits: "article" or "page".
func (p editorPage) Noun() string {
	if p.Form.Kind == model.KindPage {
		return "page"
	}
	return "article"
}

// editorSignedOut shows the editor again with what was sent, for keptForm: an article
// is hours of work.
func (s *Server) editorSignedOut(c *gin.Context) {
	page := editorPage{Form: formFromRequest(c), SignedOut: true, layout: s.adminLayout(c, "Your session has ended")}
	page.Message = signedOutMessage
	s.render(c, http.StatusUnauthorized, "admin/article_edit", page)
}

// POST /admin/preview renders Markdown exactly as the public page will, for the
// editor's live preview; references is how many references the article has, so that
// [n] markers link as they will.
func (s *Server) adminPreview(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	refs, _ := strconv.Atoi(c.PostForm("references"))
	body, err := render.ArticleBody(normaliseNewlines(c.PostForm("body")), min(max(refs, 0), model.MaxReferences))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(body))
}
