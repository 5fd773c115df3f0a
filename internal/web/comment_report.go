package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/render"
)

type reportPage struct {
	layout
	Article    *model.Article
	ArticleURL string
	Reply      *model.Comment
	Body       any // the reply's text, rendered
	Reasons    []model.ReportReason
	Reason     model.ReportReason
	Error      string
	Message    string
	Sent       bool
}

// GET /articles/:slug/comments/:id/report shows the form that reports an approved
// reply, with the reply it is about: a page of its own, so that it works without
// scripts and costs the article page only a link.
func (s *Server) commentReport(c *gin.Context) {
	page, ok := s.reportPage(c)
	if !ok {
		return
	}
	s.renderReport(c, http.StatusOK, page)
}

// POST /articles/:slug/comments/:id/report records a reader's report (reason) of the
// reply. A missing reason shows the form again (422); reports sent too quickly get 429
// with the choice kept.
func (s *Server) commentReportPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	page, ok := s.reportPage(c)
	if !ok {
		return
	}
	page.Reason = model.ReportReason(c.PostForm("reason"))
	err := s.moderation.Report(c.Request.Context(), page.Article, page.Reply.ID, page.Reason, clientAddr(c))
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		page.Error = invalid.Fields[moderation.FieldReason]
		s.renderReport(c, http.StatusUnprocessableEntity, page)
		return
	case errors.Is(err, moderation.ErrFlood):
		d, _ := describe(err)
		page.Message = "You are sending reports too quickly. Please wait a moment, then send this one again."
		c.Header("Retry-After", "15")
		s.renderReport(c, d.status, page)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	page.Sent = true
	s.renderReport(c, http.StatusOK, page)
}

// reportPage reads the article and the approved reply a report is about; it answers
// 404 itself when either is missing.
func (s *Server) reportPage(c *gin.Context) (reportPage, bool) {
	ctx := c.Request.Context()
	article, err := s.store.PublishedArticleAlone(ctx, c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return reportPage{}, false
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return reportPage{}, false
	}
	reply, err := s.store.Comment(ctx, id)
	if errors.Is(err, model.ErrNotFound) || (err == nil && (reply.ArticleID != article.ID || reply.Status != model.CommentApproved)) {
		s.notFound(c)
		return reportPage{}, false
	}
	if err != nil {
		s.fail(c, err)
		return reportPage{}, false
	}
	return reportPage{Article: article, ArticleURL: "/articles/" + url.PathEscape(article.Slug), Reply: reply,
		Body: render.CommentText(reply.Body), Reasons: model.ReportReasons}, true
}

func (s *Server) renderReport(c *gin.Context, status int, page reportPage) {
	page.layout = s.layout(c, "Report a reply: "+page.Article.Title, "")
	page.NoIndex = true
	c.Header("Cache-Control", "private, no-store")
	s.render(c, status, "report", page)
}
