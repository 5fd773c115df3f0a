package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

// CommentsPerPage is the length of a page of the moderation queue, unless the
// moderator chooses another of QueuePageSizes (per_page).
const CommentsPerPage = 20

// QueuePageSizes are the lengths of a queue page a moderator may choose.
var QueuePageSizes = []int{20, 50, 100}

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
	Pages     int // how many pages the filter fills
	PerPage   int
	PageSizes []int
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
	Reports    []reportCount // open reports from readers, by reason
	// Earlier is how many other replies with the same email were approved and marked
	// as spam; nil for a reply without an email.
	Earlier *store.CommenterHistory
}

type reportCount struct {
	Label string
	Count int
}

// reportedTab is the queue's tab of replies that readers reported, in any status.
const reportedTab model.CommentStatus = "reported"

// GET /admin/comments?status=S&article=ID&q=TEXT&page=N lists replies for moderation;
// status=reported lists those with open reports from readers.
func (s *Server) adminComments(c *gin.Context) {
	ctx := c.Request.Context()
	status := model.CommentStatus(c.DefaultQuery("status", string(model.CommentPending)))
	page, ok := pageNumber(c)
	if (!status.Valid() && status != reportedTab) || !ok {
		s.notFound(c)
		return
	}
	perPage := CommentsPerPage
	if n, err := strconv.Atoi(c.Query("per_page")); err == nil && slices.Contains(QueuePageSizes, n) {
		perPage = n
	}
	filter := queueFilter(c.Query)
	filter.Status, filter.Limit, filter.Offset = status, perPage, (page-1)*perPage
	filter.Reported = status == reportedTab
	articleID, query := filter.ArticleID, filter.Query
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
	reported, err := s.store.CountReported(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	title := status.Label() + " replies"
	if status == reportedTab {
		title = "Reported replies"
	}
	view := commentsPage{
		layout: s.adminLayout(c, title), Status: status,
		Articles: articles, ArticleID: articleID, Query: query, Total: total, Page: page,
		Pages: max(1, (total+perPage-1)/perPage), PerPage: perPage, PageSizes: QueuePageSizes,
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
		if perPage != CommentsPerPage {
			q.Set("per_page", strconv.Itoa(perPage))
		}
		return "/admin/comments?" + q.Encode()
	}
	for _, st := range model.CommentStatuses {
		view.Tabs = append(view.Tabs, queueTab{Status: st, Label: st.Label(), Count: counts[st], URL: queryFor(st, 1), Active: st == status})
	}
	view.Tabs = append(view.Tabs, queueTab{Status: reportedTab, Label: "Reported", Count: reported, URL: queryFor(reportedTab, 1), Active: status == reportedTab})
	if page > 1 {
		view.PrevURL = queryFor(status, page-1)
	}
	if page*perPage < total {
		view.NextURL = queryFor(status, page+1)
	}
	ids := make([]int64, len(comments))
	for i, qc := range comments {
		ids[i] = qc.ID
	}
	reasons, err := s.store.OpenReportReasons(ctx, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	var indices []string
	for _, qc := range comments {
		if qc.EmailIndex != "" {
			indices = append(indices, qc.EmailIndex)
		}
	}
	histories, err := s.store.CommenterHistories(ctx, indices)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, qc := range comments {
		found := ""
		if qc.Status == model.CommentPending || qc.Status == model.CommentSpam {
			found = moderation.FoundIn(qc.HeldReason)
		}
		row := queueRow{
			QueueComment: qc,
			Body:         render.CommentTextMarked(qc.Body, found),
			ArticleURL:   "/articles/" + url.PathEscape(qc.ArticleSlug),
		}
		if qc.EmailIndex != "" {
			h := histories[qc.EmailIndex]
			switch qc.Status { // the reply itself is not its own history
			case model.CommentApproved:
				h.Approved--
			case model.CommentSpam:
				h.Spam--
			}
			row.Earlier = &h
		}
		for _, r := range reasons {
			if r.CommentID == qc.ID {
				row.Reports = append(row.Reports, reportCount{Label: r.Reason.Label(), Count: r.Count})
			}
		}
		view.Comments = append(view.Comments, row)
	}
	s.render(c, http.StatusOK, "admin/comments", view)
}

// POST /admin/comments/:id/action/:action does one of moderation.Actions to one reply;
// one that does not exist is 404, as with every other made-up ID. It answers with the
// queue page it came from, or, asked for JSON (the queue's script, acting in place),
// with an actionOutcome.
func (s *Server) adminCommentAction(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	action := moderation.Action(c.Param("action"))
	if err != nil || !action.Valid() {
		s.notFound(c)
		return
	}
	out, err := s.moderation.Moderate(c.Request.Context(), staff(c), action, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if wantsJSON(c) {
		s.actionOutcome(c, id, action, out)
		return
	}
	n := 0
	if out.Changed {
		n = 1
	}
	s.redirectBack(c, string(action), n)
}

// actionOutcome is the answer to a row's action asked for as JSON: what became of the
// reply, the words for it, how to undo it, and the counts of the queue's tabs now.
type actionOutcome struct {
	ID      int64          `json:"id"`
	Action  string         `json:"action"`
	Changed bool           `json:"changed"`
	Status  string         `json:"status"` // "" once deleted
	Message string         `json:"message"`
	Undo    string         `json:"undo,omitempty"` // the action that puts it back, if any
	Counts  map[string]int `json:"counts"`         // by tab, "reported" included
}

// actionOutcome answers a row's action with JSON.
func (s *Server) actionOutcome(c *gin.Context, id int64, action moderation.Action, out moderation.Outcome) {
	ctx := c.Request.Context()
	counts, err := s.store.CommentCounts(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	reported, err := s.store.CountReported(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	answer := actionOutcome{ID: id, Action: string(action), Changed: out.Changed, Status: string(out.After),
		Message: flashMessages[string(action)], Undo: string(out.Undo), Counts: map[string]int{string(reportedTab): reported}}
	if !out.Changed {
		answer.Message = "Nothing changed: this reply was already there, or cannot take that action."
	}
	for _, st := range model.CommentStatuses {
		answer.Counts[string(st)] = counts[st]
	}
	c.JSON(http.StatusOK, answer)
}

// wantsJSON reports whether the request asks for JSON rather than a page, as the
// queue's script does.
func wantsJSON(c *gin.Context) bool {
	return c.NegotiateFormat(gin.MIMEHTML, gin.MIMEJSON) == gin.MIMEJSON
}

// POST /admin/comments/bulk does the action chosen in the queue's menu to the replies
// ticked in it (ids).
func (s *Server) adminCommentsBulk(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	action := moderation.Action(c.PostForm("action"))
	var ids []int64
	switch c.PostForm("scope") {
	case "matching": // every reply the queue's filter selects, on every page
		filter := queueFilter(c.PostForm)
		filter.Status = model.CommentStatus(c.PostForm("status"))
		filter.Reported = filter.Status == reportedTab
		if !filter.Status.Valid() && !filter.Reported {
			s.notFound(c)
			return
		}
		var err error
		if ids, err = s.store.CommentQueueIDs(c.Request.Context(), filter); err != nil {
			s.fail(c, err)
			return
		}
	case "page":
		ids = formIDs(c.PostFormArray("page_ids"))
	default:
		ids = formIDs(c.PostFormArray("ids"))
	}
	n, err := s.moderation.ModerateAll(c.Request.Context(), staff(c), action, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	done := string(action)
	if len(ids) == 0 {
		done = "none"
	}
	s.redirectBack(c, done, n)
}

// queueFilter reads the queue's filter (article, q) through get, a query or a form.
func queueFilter(get func(string) string) store.CommentFilter {
	articleID, _ := strconv.ParseInt(get("article"), 10, 64)
	return store.CommentFilter{ArticleID: articleID, Query: model.Truncate(strings.TrimSpace(strings.ToValidUTF8(get("q"), "")), 200)}
}

// formIDs reads reply IDs, skipping what is not one.
func formIDs(raw []string) []int64 {
	var ids []int64
	for _, r := range raw {
		if id, err := strconv.ParseInt(r, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
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

// POST /admin/comments/:id/edit saves a moderator's changes to a reply's name,
// website and text.
func (s *Server) adminCommentEditPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	qc, ok := s.queueComment(c)
	if !ok {
		return
	}
	edit := moderation.ReplyEdit{
		Name:    c.PostForm("author"),
		Website: c.PostForm("url"),
		Text:    strings.ReplaceAll(c.PostForm("comment"), "\r\n", "\n"), // browsers send CRLF
	}
	err := s.moderation.Edit(c.Request.Context(), qc.ID, edit)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		view := commentEditPage{layout: s.adminLayout(c, "Edit reply"), Comment: *qc,
			Author: edit.Name, URL: edit.Website, Body: edit.Text, Errors: invalid.Fields,
			ReturnTo: safeNext(c.PostForm("return"), "/admin/comments")}
		s.render(c, http.StatusUnprocessableEntity, "admin/comment_edit", view)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	s.redirectBack(c, "edited", 1)
}

// POST /admin/comments/:id/reply publishes a staff answer to a reply, approving the
// reply if it was held.
func (s *Server) adminCommentReply(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
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
