package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

type settingsPage struct {
	layout
	Form   settingsForm
	Errors map[string]string
	Roles  []model.Role // the roles two-step sign-in may be required for
	MailOn bool
	Server string // the mail server, when MailOn
}

// settingsForm holds the policy as typed, so a refused form shows it unchanged.
type settingsForm struct {
	HoldAll          bool
	AutoApproveKnown bool
	HoldLinks        string
	HoldWords        string
	SpamWords        string
	HoldMedical      bool
	Medicines        string
	LinkDomains      string
	HideAfterReports string
	CloseAfterDays   string
	ThreadDepth      string
	FloodSeconds     string
	MinFormSeconds   string
	// PublishWithoutReview lets articles go out before a medical review.
	PublishWithoutReview bool
	RetainSpamDays       string
	RetainPendingDays    string
	RetainClientDays     string
	ContactEmail         string
	TwoStepRoles         map[model.Role]bool
}

func policyForm(p model.Policy) settingsForm {
	return settingsForm{
		HoldAll: p.HoldAll, AutoApproveKnown: p.AutoApproveKnown,
		HoldLinks: strconv.Itoa(p.HoldLinks), HoldWords: strings.Join(p.HoldWords, "\n"), SpamWords: strings.Join(p.SpamWords, "\n"),
		HoldMedical: p.HoldMedical, Medicines: strings.Join(p.Medicines, "\n"), LinkDomains: strings.Join(p.LinkDomains, "\n"),
		HideAfterReports: strconv.Itoa(p.HideAfterReports),
		CloseAfterDays:   strconv.Itoa(p.CloseAfterDays), ThreadDepth: strconv.Itoa(p.ThreadDepth),
		FloodSeconds: strconv.Itoa(p.FloodSeconds), MinFormSeconds: strconv.Itoa(p.MinFormSeconds),
		PublishWithoutReview: p.PublishWithoutReview,
		RetainSpamDays:       strconv.Itoa(p.RetainSpamDays), RetainPendingDays: strconv.Itoa(p.RetainPendingDays),
		RetainClientDays: strconv.Itoa(p.RetainClientDays), ContactEmail: p.ContactEmail,
		TwoStepRoles: roleSet(p.TwoStepRoles),
	}
}

// roleSet returns roles as a set, for the settings form's checkboxes.
func roleSet(roles []model.Role) map[model.Role]bool {
	set := map[model.Role]bool{}
	for _, r := range roles {
		set[r] = true
	}
	return set
}

// GET /admin/settings shows the moderation policy.
func (s *Server) adminSettings(c *gin.Context) {
	p, err := s.store.Policy(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin/settings", settingsPage{layout: s.adminLayout(c, "Settings"), Form: policyForm(p), Roles: model.Roles,
		MailOn: s.mail.On(), Server: s.mail.Server()})
}

// POST /admin/settings saves the moderation policy.
func (s *Server) adminSettingsPost(c *gin.Context) {
	if !s.readForm(c) {
		return
	}
	f := settingsForm{
		HoldAll:              c.PostForm("hold_all") == "on",
		AutoApproveKnown:     c.PostForm("auto_approve_known") == "on",
		HoldLinks:            strings.TrimSpace(c.PostForm("hold_links")),
		HoldWords:            c.PostForm("hold_words"),
		SpamWords:            c.PostForm("spam_words"),
		HoldMedical:          c.PostForm("hold_medical") == "on",
		Medicines:            c.PostForm("medicines"),
		LinkDomains:          c.PostForm("link_domains"),
		HideAfterReports:     strings.TrimSpace(c.PostForm("hide_after_reports")),
		CloseAfterDays:       strings.TrimSpace(c.PostForm("close_after_days")),
		ThreadDepth:          strings.TrimSpace(c.PostForm("thread_depth")),
		FloodSeconds:         strings.TrimSpace(c.PostForm("flood_seconds")),
		MinFormSeconds:       strings.TrimSpace(c.PostForm("min_form_seconds")),
		PublishWithoutReview: c.PostForm("publish_without_review") == "on",
		RetainSpamDays:       strings.TrimSpace(c.PostForm("retain_spam_days")),
		RetainPendingDays:    strings.TrimSpace(c.PostForm("retain_pending_days")),
		RetainClientDays:     strings.TrimSpace(c.PostForm("retain_client_days")),
		ContactEmail:         strings.TrimSpace(c.PostForm("contact_email")),
	}
	var twoStepRoles []model.Role
	for _, r := range c.PostFormArray("two_step_roles") {
		twoStepRoles = append(twoStepRoles, model.Role(r))
	}
	f.TwoStepRoles = roleSet(twoStepRoles)
	var v model.ValidationError
	number := func(field, value string) int {
		n, err := strconv.Atoi(value)
		if err != nil {
			v.Add(field, "Enter a whole number.")
		}
		return n
	}
	p := model.Policy{
		HoldAll: f.HoldAll, AutoApproveKnown: f.AutoApproveKnown,
		HoldLinks: number("hold_links", f.HoldLinks), HoldWords: model.WordList(f.HoldWords), SpamWords: model.WordList(f.SpamWords),
		HoldMedical: f.HoldMedical, Medicines: model.WordList(f.Medicines), LinkDomains: model.WordList(f.LinkDomains),
		HideAfterReports: number("hide_after_reports", f.HideAfterReports),
		CloseAfterDays:   number("close_after_days", f.CloseAfterDays), ThreadDepth: number("thread_depth", f.ThreadDepth),
		FloodSeconds: number("flood_seconds", f.FloodSeconds), MinFormSeconds: number("min_form_seconds", f.MinFormSeconds),
		PublishWithoutReview: f.PublishWithoutReview,
		RetainSpamDays:       number("retain_spam_days", f.RetainSpamDays), RetainPendingDays: number("retain_pending_days", f.RetainPendingDays),
		RetainClientDays: number("retain_client_days", f.RetainClientDays), ContactEmail: f.ContactEmail,
		TwoStepRoles: twoStepRoles,
	}
	if err := v.Merge(p.Validate()); err != nil {
		s.fail(c, err)
		return
	}
	if v.Err() != nil {
		s.render(c, http.StatusUnprocessableEntity, "admin/settings", settingsPage{layout: s.adminLayout(c, "Error: Settings"), Form: f, Errors: v.Fields, Roles: model.Roles,
			MailOn: s.mail.On(), Server: s.mail.Server()})
		return
	}
	if err := s.store.SavePolicy(c.Request.Context(), p); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/settings?done=settings")
}
