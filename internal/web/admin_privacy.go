package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/store"
)

// PrivacyAuditShown is how many entries of the personal-data audit log the page shows.
const PrivacyAuditShown = 50

type privacyPage struct {
	layout
	Email    string // as typed; shown back only on this staff page
	Searched bool   // a valid email was looked up
	Replies  []privacyRow
	Mode     string // the erasure mode chosen, kept when the form is refused
	Errors   map[string]string
	Audit    []auditRow
}

// auditRow is one entry of the personal-data audit log, with its action named for
// people.
type auditRow struct {
	store.PrivacyAuditEntry
	Label string
}

// privacyRow is one reply found for a personal-data request.
type privacyRow struct {
	store.QueueComment
	Excerpt    string
	ArticleURL string
}

// GET /admin/privacy?email=E finds every reply sent with an email, in any status, to
// answer a request for a copy or an erasure; without email it shows the search form.
// Both show the audit log of earlier requests.
func (s *Server) adminPrivacy(c *gin.Context) {
	email := strings.TrimSpace(c.Query("email"))
	s.showPrivacy(c, http.StatusOK, privacyPage{Email: email, Searched: email != ""})
}

// showPrivacy renders the personal-data page; with view.Searched it lists the replies
// sent with view.Email, or shows what is wrong with it.
func (s *Server) showPrivacy(c *gin.Context, status int, view privacyPage) {
	ctx := c.Request.Context()
	view.layout = s.adminLayout(c, "Personal data")
	if n, err := strconv.Atoi(c.Query("n")); err == nil && n >= 0 {
		switch c.Query("done") {
		case "anonymised":
			view.Flash = plural(n, "reply", "replies") + " anonymised."
		case "deleted":
			view.Flash = plural(n, "reply", "replies") + " deleted."
		}
	}
	if view.Searched {
		found, err := s.privacy.Find(ctx, view.Email)
		var v *model.ValidationError
		switch {
		case errors.As(err, &v):
			status, view.Searched, view.Errors = http.StatusUnprocessableEntity, false, v.Fields
		case err != nil:
			s.fail(c, err)
			return
		}
		view.Replies = make([]privacyRow, len(found))
		for i, qc := range found {
			view.Replies[i] = privacyRow{QueueComment: qc, Excerpt: model.Excerpt(qc.Body, 240), ArticleURL: "/articles/" + qc.ArticleSlug}
		}
	}
	audit, err := s.privacy.Audit(ctx, PrivacyAuditShown)
	if err != nil {
		s.fail(c, err)
		return
	}
	view.Audit = make([]auditRow, len(audit))
	for i, a := range audit {
		view.Audit[i] = auditRow{PrivacyAuditEntry: a, Label: privacy.Action(a.Action).Label()}
	}
	// The address holds the email: it must not travel to another site, even as a
	// Referer from a commenter's website link.
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, status, "admin/privacy", view)
}

// POST /admin/privacy/export downloads, as JSON, every reply sent with an email; the
// service records the export in the audit log before it hands over the copy.
func (s *Server) adminPrivacyExport(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	doc, err := s.privacy.Export(c.Request.Context(), staff(c), email)
	var v *model.ValidationError
	if errors.As(err, &v) {
		s.showPrivacy(c, http.StatusUnprocessableEntity, privacyPage{Email: email, Errors: v.Fields})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="fascicle-replies-%s.json"`, doc.RequestedAt.Format("20060102")))
	c.Data(http.StatusOK, "application/json", append(body, '\n'))
}

// POST /admin/privacy/erase anonymises (mode=anonymise) or deletes (mode=delete) every
// reply sent with an email, once confirm=on says the staff member means it; the
// service records it in the audit log.
func (s *Server) adminPrivacyErase(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	mode := c.PostForm("mode")
	n, err := s.privacy.Erase(c.Request.Context(), staff(c), email, mode, c.PostForm("confirm") == "on")
	var v *model.ValidationError
	if errors.As(err, &v) {
		_, badEmail := v.Fields[privacy.FieldEmail]
		s.showPrivacy(c, http.StatusUnprocessableEntity, privacyPage{Email: email, Searched: !badEmail, Mode: mode, Errors: v.Fields})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	done := "anonymised"
	if mode == privacy.EraseDelete {
		done = "deleted"
	}
	// The address of the result carries no email.
	c.Redirect(http.StatusSeeOther, "/admin/privacy?done="+done+"&n="+strconv.Itoa(n))
}
