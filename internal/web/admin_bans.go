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
	"github.com/fascicle/fascicle/internal/render"
	"github.com/fascicle/fascicle/internal/store"
)

// MaxBansListed is how many bans the list of bans shows, newest first.
const MaxBansListed = 500

// banDuration is one choice of how long a ban lasts.
type banDuration struct {
	Value string
	Label string
	For   time.Duration // 0 for permanent, or for a date
}

var banDurations = []banDuration{
	{"permanent", "Permanently", 0},
	{"1d", "For 1 day", 24 * time.Hour},
	{"7d", "For 7 days", 7 * 24 * time.Hour},
	{"30d", "For 30 days", 30 * 24 * time.Hour},
	{"date", "Until a date", 0},
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
	now := s.now().UTC()
	form := banForm{
		Kind:      c.PostForm("kind"),
		Duration:  c.PostForm("duration"),
		UntilDate: strings.TrimSpace(c.PostForm("until_date")),
		Reason:    strings.TrimSpace(c.PostForm("reason")),
	}
	var v model.ValidationError
	ban := &model.Ban{Kind: model.BanKind(form.Kind), Reason: form.Reason, CommentID: &qc.ID, CreatedAt: now}
	switch ban.Kind {
	case model.BanEmail:
		ban.Value = qc.EmailIndex
	case model.BanClient:
		ban.Value = qc.ClientHash
	}
	if qc.UserID != nil {
		v.Add(model.FieldBanKind, "This reply was written from a staff account; staff cannot be banned.")
	}
	until, ok := banUntil(form, now)
	if !ok {
		v.Add(model.FieldBanUntil, "Choose how long the ban lasts; for “Until a date”, enter the date.")
	}
	ban.Until = until
	if err := ban.Validate(now); err != nil {
		for field, message := range err.(*model.ValidationError).Fields {
			v.Add(field, message)
		}
	}
	if v.Err() != nil {
		s.showBanForm(c, http.StatusUnprocessableEntity, qc, form, v.Fields)
		return
	}
	if u := staff(c); u != nil {
		ban.CreatedBy = &u.ID
	}
	if err := s.store.CreateBan(c.Request.Context(), ban); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/bans?done=banned")
}

// banUntil returns the end of a ban as the form chose it (nil for permanent), and
// false if the choice is missing or its date cannot be read. A date ends the ban as
// that day begins, in UTC.
func banUntil(form banForm, now time.Time) (*time.Time, bool) {
	if form.Duration == "date" {
		day, err := time.ParseInLocation(time.DateOnly, form.UntilDate, time.UTC)
		if err != nil {
			return nil, false
		}
		return &day, true
	}
	for _, d := range banDurations {
		if d.Value == form.Duration {
			if d.For == 0 {
				return nil, true
			}
			until := now.Add(d.For)
			return &until, true
		}
	}
	return nil, false
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
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	err = s.store.LiftBan(c.Request.Context(), id)
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.notFoundIn(c, "Ban not found", "There is no ban with this number. It may have been lifted already.",
			"/admin/bans", "Go to the list of bans")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/bans?done=lifted")
}
