package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/store"
)

type revisionsPage struct {
	layout
	Article   *model.Article
	Revisions []store.Revision
	Compare   bool   // two revisions or more, so there is something to compare
	Error     string // why the last comparison could not be shown
	CanEdit   bool
}

// GET /admin/articles/:id/revisions lists every saved version of an article.
func (s *Server) adminRevisions(c *gin.Context) {
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	s.showRevisions(c, http.StatusOK, id, "")
}

// showRevisions renders the list of revisions of article id with status, and problem
// above it if any.
func (s *Server) showRevisions(c *gin.Context, status int, id int64, problem string) {
	u := staff(c)
	a, revs, err := s.publishing.Revisions(c.Request.Context(), u, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin/revisions", revisionsPage{
		layout: s.adminLayout(c, "Revisions: "+a.Title), Article: a, Revisions: revs, Compare: len(revs) > 1,
		Error: problem, CanEdit: model.CanEditArticle(u, a),
	})
}

type diffPage struct {
	layout
	Article  *model.Article
	From, To *store.Revision
	Sections []publishing.DiffSection
	Same     bool // no section changed, as when a revision is compared with itself
	CanEdit  bool
}

// GET /admin/articles/:id/revisions/diff?from=R1&to=R2 shows what changed between two
// revisions, line by line.
func (s *Server) adminRevisionDiff(c *gin.Context) {
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	fromID, err1 := strconv.ParseInt(c.Query("from"), 10, 64)
	toID, err2 := strconv.ParseInt(c.Query("to"), 10, 64)
	if err1 != nil || err2 != nil {
		// The list again, as for any form sent incomplete, so the choice can be made.
		s.showRevisions(c, http.StatusUnprocessableEntity, id,
			"Choose the two revisions to compare in the list below, then press “Compare selected”.")
		return
	}
	u := staff(c)
	cmp, err := s.publishing.Compare(c.Request.Context(), u, id, fromID, toID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin/revision_diff", diffPage{
		layout: s.adminLayout(c, "Changes: "+cmp.Article.Title), Article: cmp.Article, From: cmp.From, To: cmp.To,
		Sections: cmp.Sections, Same: cmp.Same(), CanEdit: model.CanEditArticle(u, cmp.Article),
	})
}

type restorePage struct {
	layout
	Plan *publishing.RestorePlan
	Same bool // the revision reads as the text does now
}

// GET /admin/articles/:id/revisions/:rev/restore asks to confirm a restore, showing
// what it would change; nothing changes before the form it shows is sent.
func (s *Server) adminRevisionRestoreConfirm(c *gin.Context) {
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	revID, err := strconv.ParseInt(c.Param("rev"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	plan, err := s.publishing.PlanRestore(c.Request.Context(), staff(c), id, revID)
	if err != nil {
		s.fail(c, err)
		return
	}
	same := true
	for _, sec := range plan.Sections {
		same = same && !sec.Changed
	}
	s.render(c, http.StatusOK, "admin/revision_restore", restorePage{
		layout: s.adminLayout(c, "Restore a revision: "+plan.Article.Working().Title), Plan: plan, Same: same,
	})
}

// POST /admin/articles/:id/revisions/:rev/restore makes a revision's text the
// article's current text, as a new save (so the restore can itself be undone); of a
// published article, as its pending change.
func (s *Server) adminRevisionRestore(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, ok := s.articleID(c)
	if !ok {
		return
	}
	revID, err := strconv.ParseInt(c.Param("rev"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	a, err := s.publishing.Restore(c.Request.Context(), staff(c), id, revID, version)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		s.renderError(c, http.StatusUnprocessableEntity, "Cannot restore",
			"That revision does not pass today's checks, so it was not restored: "+fieldMessages(invalid))
		return
	case err != nil:
		s.failIn(c, "restore", err)
		return
	}
	done := "restored"
	if a.Pending != nil {
		done = "restored-change"
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(a.ID, 10)+"?done="+done)
}

// fieldMessages joins a validation error's messages, for a page without the form.
func fieldMessages(v *model.ValidationError) string {
	msgs := make([]string, 0, len(v.Fields))
	for _, m := range v.Fields {
		msgs = append(msgs, m)
	}
	slices.Sort(msgs)
	return strings.Join(msgs, " ")
}
