package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

// CommentsPerPage is the length of a page of the moderation queue.
const CommentsPerPage = 20

type commentsPage struct {
	layout
	Tabs      []queueTab
	Status    model.CommentStatus
	Articles  []model.ArticleSummary
	ArticleID int64
	Query     string
	Comments  []queueRow
	Total     int
	Page      int
	PrevURL   string
	NextURL   string
	ReturnTo  string // this page's address, where actions come back to
}

type queueTab struct {
	Status model.CommentStatus
	Label  string
	Count  int
	URL    string
	Active bool
}

// queueRow is a reply in the queue, with everything a moderator needs to judge it.
type queueRow struct {
	store.QueueComment
	Body       template.HTML
	ArticleURL string
}

// GET /admin/comments?status=S&article=ID&q=TEXT&page=N lists replies for moderation.
func (s *Server) adminComments(c *gin.Context) {
	ctx := c.Request.Context()
	status := model.CommentStatus(c.DefaultQuery("status", string(model.CommentPending)))
	page, ok := pageNumber(c)
	if !status.Valid() || !ok {
		s.notFound(c)
		return
	}
	articleID, _ := strconv.ParseInt(c.Query("article"), 10, 64)
	query := model.Truncate(strings.TrimSpace(strings.ToValidUTF8(c.Query("q"), "")), 200)
	filter := store.CommentFilter{Status: status, ArticleID: articleID, Query: query, Limit: CommentsPerPage, Offset: (page - 1) * CommentsPerPage}
	comments, total, err := s.store.CommentQueue(ctx, filter)
	if err != nil {
		s.fail(c, err)
		return
	}
	counts, err := s.store.CommentCounts(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	articles, err := s.store.PublishedArticles(ctx, 500, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := commentsPage{
		layout: s.adminLayout(c, status.Label()+" replies"), Status: status,
		Articles: articles, ArticleID: articleID, Query: query, Total: total, Page: page,
		ReturnTo: c.Request.URL.RequestURI(),
	}
	queryFor := func(st model.CommentStatus, p int) string {
		q := url.Values{"status": {string(st)}}
		if articleID != 0 {
			q.Set("article", strconv.FormatInt(articleID, 10))
		}
		if query != "" {
			q.Set("q", query)
		}
		if p > 1 {
			q.Set("page", strconv.Itoa(p))
		}
		return "/admin/comments?" + q.Encode()
	}
	for _, st := range model.CommentStatuses {
		view.Tabs = append(view.Tabs, queueTab{Status: st, Label: st.Label(), Count: counts[st], URL: queryFor(st, 1), Active: st == status})
	}
	if page > 1 {
		view.PrevURL = queryFor(status, page-1)
	}
	if page*CommentsPerPage < total {
		view.NextURL = queryFor(status, page+1)
	}
	for _, qc := range comments {
		view.Comments = append(view.Comments, queueRow{
			QueueComment: qc,
			Body:         render.CommentText(qc.Body),
			ArticleURL:   "/articles/" + url.PathEscape(qc.ArticleSlug),
		})
	}
	s.render(c, http.StatusOK, "admin/comments", view)
}

// moderationActions are what a moderator can do to replies, one or many at a time.
var moderationActions = map[string]bool{
	"approve": true, "unapprove": true, "spam": true, "trash": true, "restore": true, "delete": true,
}

// POST /admin/comments/:id/action/:action acts on one reply; one that does not exist
// is 404, as with every other made-up ID.
func (s *Server) adminCommentAction(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	action := c.Param("action")
	if err != nil || !moderationActions[action] {
		s.notFound(c)
		return
	}
	ctx := c.Request.Context()
	n, err := s.applyModeration(ctx, action, []int64{id})
	if err != nil {
		s.fail(c, err)
		return
	}
	// Only when nothing changed is it worth asking whether the reply exists at all.
	if n == 0 {
		exists, err := s.store.CommentExists(ctx, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !exists {
			s.notFoundIn(c, "Reply not found", "There is no reply with this number. It may have been deleted permanently.",
				"/admin/comments", "Go to the moderation queue")
			return
		}
	}
	s.redirectBack(c, action, n)
}

// POST /admin/comments/bulk acts on the replies ticked in the queue (ids), with the
// action chosen in its menu.
func (s *Server) adminCommentsBulk(c *gin.Context) {
	action := c.PostForm("action")
	if !moderationActions[action] {
		s.renderError(c, http.StatusBadRequest, "Choose an action",
			"Pick what to do with the selected replies from the menu, then press Apply.")
		return
	}
	var ids []int64
	for _, raw := range c.PostFormArray("ids") {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	n, err := s.applyModeration(c.Request.Context(), action, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	done := action
	if len(ids) == 0 {
		done = "none"
	}
	s.redirectBack(c, done, n)
}

// applyModeration does action, one of moderationActions, to the replies ids, and
// returns how many changed.
func (s *Server) applyModeration(ctx context.Context, action string, ids []int64) (int, error) {
	now := s.now()
	switch action {
	case "approve":
		return s.store.MoveComments(ctx, ids, model.CommentApproved, now)
	case "unapprove":
		return s.store.MoveComments(ctx, ids, model.CommentPending, now)
	case "spam":
		return s.store.MoveComments(ctx, ids, model.CommentSpam, now)
	case "trash":
		return s.store.MoveComments(ctx, ids, model.CommentTrash, now)
	case "restore":
		return s.store.RestoreComments(ctx, ids, now)
	case "delete":
		return s.store.DeleteComments(ctx, ids)
	}
	return 0, fmt.Errorf("unknown moderation action %q", action)
}

// redirectBack returns to the queue page the action came from, with its outcome.
func (s *Server) redirectBack(c *gin.Context, done string, n int) {
	target := safeNext(c.PostForm("return"), "/admin/comments")
	if !strings.HasPrefix(target, "/admin/comments") {
		target = "/admin/comments"
	}
	u, _ := url.Parse(target)
	q := u.Query()
	q.Set("done", done)
	q.Set("n", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	c.Redirect(http.StatusSeeOther, u.String())
}

type commentEditPage struct {
	layout
	Comment  store.QueueComment
	Author   string
	URL      string
	Body     string
	Reply    string
	Errors   map[string]string
	ReturnTo string
}

// GET /admin/comments/:id/edit shows a reply's name, website and text for editing,
// and a form to answer it as staff.
func (s *Server) adminCommentEdit(c *gin.Context) {
	qc, ok := s.queueComment(c)
	if !ok {
		return
	}
	view := commentEditPage{layout: s.adminLayout(c, "Edit reply"), Comment: *qc,
		Author: qc.AuthorName, URL: qc.AuthorURL, Body: qc.Body, ReturnTo: safeNext(c.Query("return"), "/admin/comments")}
	s.render(c, http.StatusOK, "admin/comment_edit", view)
}

// POST /admin/comments/:id/edit saves a moderator's changes to a reply.
func (s *Server) adminCommentEditPost(c *gin.Context) {
	qc, ok := s.queueComment(c)
	if !ok {
		return
	}
	edited := qc.Comment
	edited.AuthorName = c.PostForm("author")
	edited.AuthorURL = c.PostForm("url")
	edited.Body = strings.ReplaceAll(c.PostForm("comment"), "\r\n", "\n")
	if err := editValidate(&edited); err != nil {
		var invalid *model.ValidationError
		if !errors.As(err, &invalid) {
			s.fail(c, err)
			return
		}
		view := commentEditPage{layout: s.adminLayout(c, "Edit reply"), Comment: *qc,
			Author: edited.AuthorName, URL: edited.AuthorURL, Body: edited.Body, Errors: invalid.Fields,
			ReturnTo: safeNext(c.PostForm("return"), "/admin/comments")}
		s.render(c, http.StatusUnprocessableEntity, "admin/comment_edit", view)
		return
	}
	if err := s.store.UpdateComment(c.Request.Context(), &edited, s.now()); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, "edited", 1)
}

// editValidate checks the fields a moderator may edit. The email is not one of them,
// and an anonymised reply has none.
func editValidate(c *model.Comment) error {
	err := c.Validate()
	var invalid *model.ValidationError
	if errors.As(err, &invalid) {
		delete(invalid.Fields, model.FieldEmail)
		return invalid.Err()
	}
	return err
}

// POST /admin/comments/:id/reply publishes a staff answer to a reply, approving the
// reply if it was held.
func (s *Server) adminCommentReply(c *gin.Context) {
	qc, ok := s.queueComment(c)
	if !ok {
		return
	}
	text := c.PostForm("reply")
	_, err := s.moderation.StaffReply(c.Request.Context(), staff(c), qc.ID, text)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		view := commentEditPage{layout: s.adminLayout(c, "Edit reply"), Comment: *qc,
			Author: qc.AuthorName, URL: qc.AuthorURL, Body: qc.Body, Reply: text,
			Errors:   map[string]string{"reply": firstMessage(invalid.Fields)},
			ReturnTo: safeNext(c.PostForm("return"), "/admin/comments")}
		s.render(c, http.StatusUnprocessableEntity, "admin/comment_edit", view)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	s.redirectBack(c, "replied", 1)
}

// queueComment loads the reply named by the :id parameter, or answers 404.
func (s *Server) queueComment(c *gin.Context) (*store.QueueComment, bool) {
	return s.commentByID(c, c.Param("id"))
}

func firstMessage(fields map[string]string) string {
	for _, f := range []string{model.FieldBody, model.FieldParent} {
		if m, ok := fields[f]; ok {
			return strings.Replace(m, "Comment ", "Your reply ", 1)
		}
	}
	for _, m := range fields {
		return m
	}
	return ""
}
