package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// PrivacyAuditShown is how many entries of the personal-data audit log the page shows.
const PrivacyAuditShown = 50

// Erasure modes of POST /admin/privacy/erase.
const (
	eraseAnonymise = "anonymise"
	eraseDelete    = "delete"
)

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

// privacyActionLabels name the audit log's actions for people.
var privacyActionLabels = map[string]string{
	store.PrivacyExport:    "Exported",
	store.PrivacyAnonymise: "Anonymised",
	store.PrivacyDelete:    "Deleted",
}

// GET /admin/privacy?email=E finds every reply sent with an email, in any status, to
// answer a request for a copy or an erasure; without email it shows the search form.
// Both show the audit log of earlier requests.
func (s *Server) adminPrivacy(c *gin.Context) {
	email := strings.TrimSpace(c.Query("email"))
	if email == "" {
		s.showPrivacy(c, http.StatusOK, privacyPage{})
		return
	}
	if msg := privacyEmailProblem(email); msg != "" {
		s.showPrivacy(c, http.StatusUnprocessableEntity, privacyPage{Email: email, Errors: map[string]string{"email": msg}})
		return
	}
	s.showPrivacy(c, http.StatusOK, privacyPage{Email: email, Searched: true})
}

// showPrivacy renders the personal-data page; with view.Searched it lists the replies
// sent with view.Email.
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
		found, err := s.store.CommentsByEmail(ctx, view.Email)
		if err != nil {
			s.fail(c, err)
			return
		}
		view.Replies = make([]privacyRow, len(found))
		for i, qc := range found {
			view.Replies[i] = privacyRow{QueueComment: qc, Excerpt: excerpt(qc.Body, 240), ArticleURL: "/articles/" + qc.ArticleSlug}
		}
	}
	audit, err := s.store.PrivacyAudit(ctx, PrivacyAuditShown)
	if err != nil {
		s.fail(c, err)
		return
	}
	view.Audit = make([]auditRow, len(audit))
	for i, a := range audit {
		view.Audit[i] = auditRow{PrivacyAuditEntry: a, Label: cmp.Or(privacyActionLabels[a.Action], a.Action)}
	}
	// The address holds the email: it must not travel to another site, even as a
	// Referer from a commenter's website link.
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, status, "admin/privacy", view)
}

// privacyEmailProblem says what is wrong with an email typed for a request, or "".
func privacyEmailProblem(email string) string {
	switch {
	case email == "":
		return "Enter the email address the person used for their replies."
	case len(email) > model.MaxCommentEmail || !model.ValidEmail(email):
		return "Enter an email address like name@example.com."
	}
	return ""
}

// exportFile is the download of POST /admin/privacy/export: everything stored about
// one email's replies.
type exportFile struct {
	RequestedAt time.Time     `json:"requested_at"`
	Site        string        `json:"site"`
	Email       string        `json:"email"`
	Count       int           `json:"count"`
	Replies     []exportReply `json:"replies"`
}

type exportReply struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Website      string    `json:"website"`
	Text         string    `json:"text"`
	ArticleTitle string    `json:"article_title"`
	ArticleURL   string    `json:"article_url"`
	ParentID     *int64    `json:"parent_id"` // the reply it answers; null for a reply to the article
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	UserAgent    string    `json:"user_agent"` // until cleared by the retention policy
	Network      string    `json:"network"`    // the /24 or /48 the reply came from, likewise
}

// POST /admin/privacy/export downloads, as JSON, every reply sent with an email, and
// records the export in the audit log.
func (s *Server) adminPrivacyExport(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.PostForm("email"))
	if msg := privacyEmailProblem(email); msg != "" {
		s.showPrivacy(c, http.StatusUnprocessableEntity, privacyPage{Email: email, Errors: map[string]string{"email": msg}})
		return
	}
	found, err := s.store.CommentsByEmail(ctx, email)
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.now().UTC()
	file := exportFile{RequestedAt: now, Site: s.publicURL, Email: email, Count: len(found), Replies: make([]exportReply, len(found))}
	for i, qc := range found {
		file.Replies[i] = exportReply{
			ID: qc.ID, Name: qc.AuthorName, Email: qc.AuthorEmail, Website: qc.AuthorURL, Text: qc.Body,
			ArticleTitle: qc.ArticleTitle, ArticleURL: s.publicURL + "/articles/" + qc.ArticleSlug,
			ParentID: qc.ParentID, Status: string(qc.Status), CreatedAt: qc.CreatedAt, UpdatedAt: qc.UpdatedAt,
			UserAgent: qc.UserAgent, Network: qc.ClientPrefix,
		}
	}
	body, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	// No copy leaves without its line in the audit log.
	if err := s.store.RecordPrivacyAction(ctx, staff(c).ID, store.PrivacyExport, len(found), now); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="fascicle-replies-%s.json"`, now.Format("20060102")))
	c.Data(http.StatusOK, "application/json", append(body, '\n'))
}

// POST /admin/privacy/erase anonymises (mode=anonymise) or deletes (mode=delete) every
// reply sent with an email, once confirm=on says the staff member means it, and records
// it in the audit log.
func (s *Server) adminPrivacyErase(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	mode := c.PostForm("mode")
	var v model.ValidationError
	if msg := privacyEmailProblem(email); msg != "" {
		v.Add("email", msg)
	}
	if mode != eraseAnonymise && mode != eraseDelete {
		v.Add("mode", "Choose whether to anonymise the replies or to delete them.")
	}
	if c.PostForm("confirm") != "on" {
		v.Add("confirm", "Tick the box to confirm: this cannot be undone.")
	}
	if v.Err() != nil {
		_, badEmail := v.Fields["email"]
		s.showPrivacy(c, http.StatusUnprocessableEntity, privacyPage{Email: email, Searched: !badEmail, Mode: mode, Errors: v.Fields})
		return
	}
	erase, done := s.store.AnonymiseRepliesByEmail, "anonymised"
	if mode == eraseDelete {
		erase, done = s.store.DeleteRepliesByEmail, "deleted"
	}
	n, err := erase(c.Request.Context(), email, staff(c).ID, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	// The address of the result carries no email.
	c.Redirect(http.StatusSeeOther, "/admin/privacy?done="+done+"&n="+strconv.Itoa(n))
}

// excerpt shortens text to about maxBytes, between characters, marking the cut.
func excerpt(text string, maxBytes int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= maxBytes {
		return text
	}
	return strings.TrimSpace(model.Truncate(text, maxBytes)) + "…"
}
