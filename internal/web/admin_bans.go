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
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

// MaxBansListed is how many bans the list of bans shows, newest first.
const MaxBansListed = 500

// banDuration is one choice of how long a ban lasts, as the ban form offers it.
type banDuration struct {
	Value moderation.BanLength
	Label string
}

var banDurations = []banDuration{
	{moderation.BanPermanent, "Permanently"},
	{moderation.BanOneDay, "For 1 day"},
	{moderation.BanSevenDays, "For 7 days"},
	{moderation.BanThirtyDays, "For 30 days"},
	{moderation.BanUntilDate, "Until a date"},
}

// banForm is the ban form as the moderator filled it. It names the reply, never the
// email or address: those are read from the reply on the server.
type banForm struct {
	Kind      string
	Duration  string
	UntilDate string // YYYY-MM-DD, with Duration "date"
	Reason    string
}

type banNewPage struct {
	layout
	Comment   store.QueueComment
	Body      template.HTML
	Form      banForm
	Durations []banDuration
	MinDate   string // the earliest date a ban can end on
	Errors    map[string]string
}

// GET /admin/bans/new?comment=ID shows the form to ban the sender of a reply, by its
// email or by its address.
func (s *Server) adminBanNew(c *gin.Context) {
	qc, ok := s.commentByID(c, c.Query("comment"))
	if !ok {
		return
	}
	s.showBanForm(c, http.StatusOK, qc, banForm{Kind: string(model.BanEmail), Duration: "30d"}, nil)
}

func (s *Server) showBanForm(c *gin.Context, status int, qc *store.QueueComment, form banForm, errs map[string]string) {
	view := banNewPage{
		layout: s.adminLayout(c, "Ban the sender of a reply"), Comment: *qc, Body: render.CommentText(qc.Body),
		Form: form, Durations: banDurations, MinDate: s.now().UTC().AddDate(0, 0, 1).Format(time.DateOnly), Errors: errs,
	}
	s.render(c, status, "admin/ban_new", view)
}

// POST /admin/bans bans the sender of the reply named by comment: kind (email or
// client), duration (permanent, 1d, 7d, 30d, or date with until_date) and reason. The
// email index or client hash comes from the reply, so no other value can be banned.
func (s *Server) adminBanCreate(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	raw := c.PostForm("comment")
	if raw == "" {
		s.renderError(c, http.StatusBadRequest, "Choose a reply",
			"A ban is made from one of the commenter's replies: choose “Ban…” under it in the moderation queue.")
		return
	}
	qc, ok := s.commentByID(c, raw)
	if !ok {
		return
	}
	form := banForm{
		Kind:      c.PostForm("kind"),
		Duration:  c.PostForm("duration"),
		UntilDate: strings.TrimSpace(c.PostForm("until_date")),
		Reason:    strings.TrimSpace(c.PostForm("reason")),
	}
	req := moderation.BanRequest{CommentID: qc.ID, Kind: model.BanKind(form.Kind), Length: moderation.BanLength(form.Duration),
		Reason: form.Reason, By: staff(c)}
	if req.Length == moderation.BanUntilDate {
		// Left zero when missing or unreadable, which the service refuses.
		req.Until, _ = time.ParseInLocation(time.DateOnly, form.UntilDate, time.UTC)
	}
	_, err := s.moderation.Ban(c.Request.Context(), req)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		s.showBanForm(c, http.StatusUnprocessableEntity, qc, form, invalid.Fields)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/bans?done=banned")
}

// commentByID loads the reply whose ID is raw, as the queue shows it, or answers 404.
func (s *Server) commentByID(c *gin.Context, raw string) (*store.QueueComment, bool) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		s.notFound(c)
		return nil, false
	}
	qc, err := s.store.QueueCommentByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return qc, true
}

type bansPage struct {
	layout
	Active  banList
	Expired banList
}

// banList is one table of the bans page.
type banList struct {
	Entries []store.BanEntry
	Ended   bool
}

// GET /admin/bans lists the bans in force and those that have ended. An email ban
// names no email: only the reply it was made from, while that reply exists.
func (s *Server) adminBans(c *gin.Context) {
	list, err := s.store.ListBans(c.Request.Context(), MaxBansListed)
	if err != nil {
		s.fail(c, err)
		return
	}
	view := bansPage{layout: s.adminLayout(c, "Bans"), Expired: banList{Ended: true}}
	now := s.now()
	for _, b := range list {
		if b.ActiveAt(now) {
			view.Active.Entries = append(view.Active.Entries, b)
		} else {
			view.Expired.Entries = append(view.Expired.Entries, b)
		}
	}
	s.render(c, http.StatusOK, "admin/bans", view)
}

// POST /admin/bans/:id/lift deletes a ban, in force or ended. A lifted ban leaves no
// trace, so one lifted already (a second click, another moderator) cannot be told
// from a made-up ID: both are 404, with a message that covers both.
func (s *Server) adminBanLift(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	if err := s.moderation.LiftBan(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/bans?done=lifted")
}
