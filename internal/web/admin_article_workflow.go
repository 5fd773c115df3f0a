package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

type articleOverviewPage struct {
	layout
	Article     *model.Article
	Body        template.HTML
	Transitions []model.Transition
	CanEdit     bool
	CanReview   bool
	NeedsReview bool // publishing is blocked until a review
	PublicURL   string
	MinSchedule string
}

// GET /admin/articles/:id shows an article as it will read, with its status, the
// workflow actions the staff member may take, and the medical review.
func (s *Server) adminArticleShow(c *gin.Context) {
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	ctx, u := c.Request.Context(), staff(c)
	a, err := s.publishing.Article(ctx, u, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	act, err := s.publishing.Actions(ctx, u, a)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := render.ArticleBody(a.BodyMarkdown, len(a.References))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin/article", articleOverviewPage{
		layout: s.adminLayout(c, a.Title), Article: a, Body: body,
		Transitions: act.Transitions, CanEdit: act.Edit, CanReview: act.Review, NeedsReview: act.ReviewNeeded,
		PublicURL: publicPath(a.Kind, a.Slug), MinSchedule: s.now().UTC().Add(time.Minute).Format(scheduleLayout),
	})
}

// scheduleLayout is how a datetime-local field sends a time: UTC, to the minute.
const scheduleLayout = "2006-01-02T15:04"

// POST /admin/articles/:id/status moves an article through the workflow
// (model.Transitions): action names the move, version the article as the person saw
// it, scheduled_at (yyyy-mm-ddThh:mm, UTC) the time of a scheduled publication.
func (s *Server) adminArticleStatus(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	// A time that cannot be read stays zero, which the service refuses as not in the future.
	at, _ := time.Parse(scheduleLayout, c.PostForm("scheduled_at"))
	a, err := s.publishing.ChangeStatus(c.Request.Context(), staff(c), id, version, c.PostForm("action"), at)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(a.ID, 10)+"?done=status")
}

// POST /admin/articles/:id/review records that the signed-in reviewer medically
// reviewed the article today, as they read it at version; the next review falls due
// a year later.
func (s *Server) adminArticleReview(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	a, err := s.publishing.Review(c.Request.Context(), staff(c), id, version)
	if err != nil {
		s.failIn(c, "review", err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(a.ID, 10)+"?done=reviewed")
}
