package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/render"
)

type articleOverviewPage struct {
	layout
	Article *model.Article
	// Work is the text staff work on: the pending change if there is one.
	Work        *model.Article
	Body        template.HTML // Work's body, as readers will see it
	Changes     []publishing.DiffSection
	Transitions []model.Transition
	CanEdit     bool
	CanReview   bool
	OwnWriting  bool // a reviewer looking at their own writing
	NeedsReview bool // publishing is blocked until a review
	PublicURL   string
	MinSchedule string
	Review      reviewForm
}

// reviewForm is a reviewer's request for changes as typed.
type reviewForm struct {
	Notes  string
	Errors map[string]string
}

// GET /admin/articles/:id shows an article as it will read, with its status, its
// pending change and what that would change, the workflow actions the staff member
// may take, and the medical review.
func (s *Server) adminArticleShow(c *gin.Context) {
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	a, err := s.publishing.Article(c.Request.Context(), staff(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showArticleOverview(c, http.StatusOK, a, reviewForm{})
}

func (s *Server) showArticleOverview(c *gin.Context, status int, a *model.Article, review reviewForm) {
	ctx, u := c.Request.Context(), staff(c)
	act, err := s.publishing.Actions(ctx, u, a)
	if err != nil {
		s.fail(c, err)
		return
	}
	work := a.Working()
	body, err := render.ArticleBody(work.BodyMarkdown, len(work.References))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin/article", articleOverviewPage{
		layout: s.adminLayout(c, work.Title), Article: a, Work: work, Body: body, Changes: publishing.ChangeSections(a),
		Transitions: act.Transitions, CanEdit: act.Edit, CanReview: act.Review, OwnWriting: act.OwnWriting,
		NeedsReview: act.ReviewNeeded, PublicURL: publicPath(a.Kind, a.Slug),
		MinSchedule: s.now().UTC().Add(time.Minute).Format(scheduleLayout), Review: review,
	})
}

// scheduleLayout is how a datetime-local field sends a time: UTC, to the minute.
const scheduleLayout = "2006-01-02T15:04"

// POST /admin/articles/:id/status moves an article, or its pending change, through
// the workflow (model.Transitions, model.ChangeTransitions): action names the move,
// version the article as the person saw it, scheduled_at (yyyy-mm-ddThh:mm, UTC) the
// time of a scheduled publication.
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

// POST /admin/articles/:id/review records the signed-in reviewer's decision on the
// text they read at version: a medical review (the next falls due a year later), or,
// with decision=changes, a request for changes described in notes. A request without
// notes shows the page again with 422 and what was typed.
func (s *Server) adminArticleReview(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	ctx, u := c.Request.Context(), staff(c)
	version, _ := strconv.Atoi(c.PostForm("version"))
	d := publishing.Decision{ChangesNeeded: c.PostForm("decision") == "changes", Notes: normaliseNewlines(c.PostForm("notes"))}
	a, err := s.publishing.Review(ctx, u, id, version, d)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		a, err := s.publishing.Article(ctx, u, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.showArticleOverview(c, http.StatusUnprocessableEntity, a, reviewForm{Notes: d.Notes, Errors: invalid.Fields})
		return
	case err != nil:
		s.failIn(c, "review", err)
		return
	}
	done := "reviewed"
	if d.ChangesNeeded {
		done = "changes-requested"
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(a.ID, 10)+"?done="+done)
}
