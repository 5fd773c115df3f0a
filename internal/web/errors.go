package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/publishing"
)

// errorPage is the view of every error page.
type errorPage struct {
	layout
	Status    int
	Heading   string
	Message   string
	Back      string // on staff pages, the list to go back to; "" for none
	BackLabel string
}

// domainError is what a person is shown for an error a service returned.
type domainError struct {
	err     error
	status  int
	heading string
	message string
}

// domainErrors maps the errors that services document to statuses and pages; every
// handler answers through it (fail, or describe when a form is shown again). The first
// entry whose error matches wins, so an error comes before the ones it wraps.
var domainErrors = []domainError{
	{moderation.ErrReplyNotFound, http.StatusNotFound, "Reply not found",
		"There is no reply with this number. It may have been deleted permanently."},
	{moderation.ErrNotClinicianAnswer, http.StatusConflict, "Not a clinician’s answer",
		"Only a clinician’s published answer to another reply can be pinned: an approved staff reply, signed with the credentials of its account."},
	{moderation.ErrBanNotFound, http.StatusNotFound, "Ban not found",
		"There is no ban with this number. It may have been lifted already."},
	{mail.ErrWebhookNotFound, http.StatusNotFound, "Webhook not found",
		"There is no webhook with this number. It may have been deleted already."},
	{mail.ErrConfirmLinkInvalid, http.StatusNotFound, "This link does not work",
		"This confirmation link is not right, was used already, or is more than a week old. If you confirmed your address already, there is nothing more to do. Otherwise, tick “Email me when someone replies to my comment” the next time you comment, and we will send you a new link."},
	{mail.ErrUnsubscribeLinkInvalid, http.StatusNotFound, "This link does not work",
		"This unsubscribe link is not right, or is more than a year old, or your address is unsubscribed already: unsubscribing once stops every email about replies, and the links in earlier emails then stop working. If you still receive emails about replies, use the link in the latest one."},
	{model.ErrNotFound, http.StatusNotFound, "Page not found",
		"There is no page at this address. It may have moved, or the link may be mistyped."},
	{publishing.ErrNotPublisher, http.StatusForbidden, "Editors publish",
		"Only editors and administrators publish, schedule, archive or take back articles. Send the article for medical review; once it is reviewed, an editor publishes it."},
	{publishing.ErrOwnWriting, http.StatusForbidden, "Not your own writing",
		"Nobody reviews their own writing: another medical reviewer must sign this text off."},
	{model.ErrPagesForEditors, http.StatusForbidden, "Not allowed",
		"cannot write or change pages: pages such as About or Editorial policy speak for the whole site, so editors and administrators write them. Ask an editor if a page needs a change."}, // after the role, see fail
	{model.ErrForbidden, http.StatusForbidden, "Not allowed",
		"cannot do this. Ask an administrator if you need it."}, // after the role, see fail
	{model.ErrUnavailable, http.StatusServiceUnavailable, "Please try again",
		"The site could not do this just now. Please try again in a moment."},
	{model.ErrStaleVersion, http.StatusConflict, "The article changed",
		"Someone changed this article after you opened it. Reload it, check their changes, and try again."},
	{model.ErrSlugTaken, http.StatusUnprocessableEntity, "Address taken",
		"Another article has, or had, this address. Choose another."},
	{model.ErrTransition, http.StatusConflict, "Not possible",
		"The article cannot take this step from its present status. Go back and reload the article."},
	{publishing.ErrReviewNeeded, http.StatusConflict, "Medical review needed",
		"This article has not been medically reviewed. Send it for review; a reviewer must sign it off before it is published."},
	{publishing.ErrPendingChange, http.StatusConflict, "A change is waiting",
		"This article has a pending change. Publish or discard the change before taking the article off the site."},
	{publishing.ErrScheduleInPast, http.StatusUnprocessableEntity, "Choose a time in the future",
		"Enter the date and time (UTC) at which the article should be published; it must be in the future."},
	{moderation.ErrRepliesClosed, http.StatusForbidden, "Replies are closed",
		"This article no longer accepts replies."},
	{moderation.ErrStaffSignedOut, http.StatusUnprocessableEntity, "Signed out",
		"Your staff sign-in ended while you were writing, so your reply was not posted."},
	{moderation.ErrConfirmStaff, http.StatusUnprocessableEntity, "Signed in",
		"You are signed in, so this reply goes out under your staff account, named below, and not under a name typed in the form. Post it again to confirm, or sign out first to reply as a private person."},
	{moderation.ErrFormExpired, http.StatusUnprocessableEntity, "Please send it again",
		"This page was open for more than a day, so your comment was not sent. Everything you wrote is below: please send it again."},
	{moderation.ErrFlood, http.StatusTooManyRequests, "Too quick",
		"You are posting comments too quickly. Slow down."},
	{moderation.ErrDuplicate, http.StatusConflict, "Duplicate",
		"Duplicate comment detected; it looks as though you’ve already said that!"},
	{accounts.ErrWrongCredentials, http.StatusUnauthorized, "Sign in",
		"The email address or password is not right."},
	{accounts.ErrLockedOut, http.StatusTooManyRequests, "Too many sign-ins",
		"Too many failed sign-ins. For your security, wait " + minutes(accounts.SignInWindow) + " before trying again."},
	{accounts.ErrSignInExpired, http.StatusUnauthorized, "Sign in again",
		"Signing in took more than " + minutes(accounts.SecondStepLifetime) + ", so it was stopped for your security. Enter your email and password again."},
	{accounts.ErrWrongCode, http.StatusUnauthorized, "Wrong code",
		"That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes."},
	{accounts.ErrCodeReused, http.StatusUnauthorized, "Code already used",
		"That code was already used, and each code works only once. Wait for your authenticator app to show the next code, then enter it."},
	{accounts.ErrRecoveryCodeUsed, http.StatusUnauthorized, "Recovery code already used",
		"That recovery code was already used, and each works only once. Enter another of your recovery codes, or the code from your authenticator app."},
	{accounts.ErrWrongPassword, http.StatusUnprocessableEntity, "Wrong password",
		"That is not your current password."},
	{accounts.ErrTwoStepOn, http.StatusConflict, "Already on",
		"Two-step sign-in is already on for your account."},
	{accounts.ErrTwoStepSetupExpired, http.StatusUnprocessableEntity, "Scan the new code",
		"The code to scan was more than an hour old, so a new one is shown below. Add it to your authenticator app again, then enter the code it shows."},
	{accounts.ErrTwoStepRequired, http.StatusForbidden, "Two-step sign-in is required",
		"Administrators require two-step sign-in for your role, so you cannot turn it off. An administrator can reset it if you lose your device."},
	{accounts.ErrEmailTaken, http.StatusConflict, "Email taken",
		"An account with this email already exists."},
	{accounts.ErrLastAdmin, http.StatusConflict, "The last administrator",
		"This is the site's last active administrator, so it can be neither disabled nor given another role. Make another account an administrator first."},
	{accounts.ErrDisableSelf, http.StatusConflict, "Your own account",
		"You cannot disable your own account: you would be signed out at once. Another administrator can disable it."},
	{accounts.ErrResetLinkInvalid, http.StatusGone, "This link does not work",
		"The link was already used, is more than an hour old, or a newer link replaced it. Ask for a new link: it comes at once."},
	{accounts.ErrTooManyResets, http.StatusTooManyRequests, "Too many requests",
		"Too many links were asked for from here. For your security, wait " + minutes(accounts.SignInWindow) + " before asking again."},
	{accounts.ErrInvitationInvalid, http.StatusGone, "This invitation does not work",
		"The link was already used, is more than 72 hours old, or a newer invitation replaced it. Ask the administrator who invited you to send it again."},
	{accounts.ErrAlreadyInvited, http.StatusConflict, "Invited already",
		"This address is invited already. Send the invitation again from the list of people invited, if the link was lost or is too old."},
	{accounts.ErrNotInvited, http.StatusConflict, "Already joined",
		"This person has chosen a password already, so there is no invitation to send: they sign in with it."},
	{accounts.ErrInvitationWithdrawn, http.StatusConflict, "Invitation withdrawn",
		"This account is disabled, which withdrew its invitation. Enable the account on its page to invite the person again."},
	{accounts.ErrSetupComplete, http.StatusGone, "Set-up is complete",
		"This site already has an administrator. Sign in at /admin/login."},
	{accounts.ErrSetupLinkInvalid, http.StatusForbidden, "This set-up link does not work",
		"The link is wrong, was already used, or is more than an hour old. Restart “fascicle serve” to print a new one."},
	{moderation.ErrUnknownAction, http.StatusBadRequest, "Choose an action",
		"Pick what to do with the selected replies from the menu, then press Apply."},
	{model.ErrConflict, http.StatusConflict, "Conflict",
		"This change collides with another one. Reload the page and try again."},
}

// minutes writes d for people: "15 minutes".
func minutes(d time.Duration) string {
	return strconv.Itoa(int(d.Minutes())) + " minutes"
}

// domainErrorsIn words an error for one action whose page would read wrongly with the
// general row: failIn and describeIn look here first, then in domainErrors.
var domainErrorsIn = map[string][]domainError{
	"save": {
		{model.ErrStaleVersion, http.StatusConflict, "The article changed",
			"Someone else saved this article after you opened it, so your changes were not saved. " +
				"Everything you typed is still below: open the article in another tab to see their version, merge, then save again."},
	},
	"review": {
		{model.ErrStaleVersion, http.StatusConflict, "The article changed",
			"Someone changed this article after you opened it. Reload it, read the changes, and record your review again."},
	},
	"two-step-setup": {
		{accounts.ErrWrongCode, http.StatusUnprocessableEntity, "Wrong code",
			"That code is not right. Enter the 6-digit code your authenticator app shows now for this site. If it keeps failing, check that your phone sets its time automatically."},
	},
	"restore": {
		{model.ErrStaleVersion, http.StatusConflict, "The article changed",
			"Someone saved this article after you opened the revisions. Reload the list and restore again."},
		{model.ErrSlugTaken, http.StatusConflict, "Address in use",
			"That revision's address now belongs to another article. Restore it in the editor with a new address."},
	},
}

// describeIn is describe with the wording of action's rows in domainErrorsIn.
func describeIn(action string, err error) (domainError, bool) {
	for _, d := range domainErrorsIn[action] {
		if errors.Is(err, d.err) {
			return d, true
		}
	}
	return describe(err)
}

// failIn is fail with the wording of action's rows in domainErrorsIn.
func (s *Server) failIn(c *gin.Context, action string, err error) {
	for _, d := range domainErrorsIn[action] {
		if errors.Is(err, d.err) {
			s.renderError(c, d.status, d.heading, d.message)
			return
		}
	}
	s.fail(c, err)
}

// backLinks gives the error page of a staff action on something that is not there
// (made up, or removed by someone else since the page was loaded) a link back to its
// list.
var backLinks = map[error]struct{ url, label string }{
	moderation.ErrReplyNotFound:      {"/admin/comments", "Go to the moderation queue"},
	moderation.ErrNotClinicianAnswer: {"/admin/comments", "Go to the moderation queue"},
	moderation.ErrBanNotFound:        {"/admin/bans", "Go to the list of bans"},
	accounts.ErrResetLinkInvalid:     {passwordResetPath, "Ask for a new link"},
}

// describe returns what err stands for in domainErrors, and false for an unexpected
// error (a 500).
func describe(err error) (domainError, bool) {
	for _, d := range domainErrors {
		if errors.Is(err, d.err) {
			return d, true
		}
	}
	return domainError{}, false
}

// fail answers with the status and page that err stands for in domainErrors, and the
// "Internal error" page for anything unexpected.
func (s *Server) fail(c *gin.Context, err error) {
	d, ok := describe(err)
	switch {
	case !ok:
		s.serverError(c, err)
	case d.err == model.ErrForbidden || d.err == model.ErrPagesForEditors:
		s.forbiddenAs(c, d)
	case d.status == http.StatusServiceUnavailable:
		s.log.ErrorContext(c.Request.Context(), "database unavailable", "error", err.Error())
		c.Header("Retry-After", "5")
		s.renderError(c, d.status, d.heading, d.message)
	default:
		back := backLinks[d.err]
		s.renderErrorPage(c, errorPage{Status: d.status, Heading: d.heading, Message: d.message, Back: back.url, BackLabel: back.label})
	}
}

// forbidden answers 403, naming the signed-in person's role.
func (s *Server) forbidden(c *gin.Context) {
	d, _ := describe(model.ErrForbidden)
	s.forbiddenAs(c, d)
}

// forbiddenAs answers 403 with d's page, its message after the person's role.
func (s *Server) forbiddenAs(c *gin.Context, d domainError) {
	role := "Your account"
	if u := staff(c); u != nil {
		role = "Your account (" + u.Role.Label() + ")"
	}
	s.renderError(c, d.status, d.heading, role+" "+d.message)
}

func (s *Server) notFound(c *gin.Context) {
	d, _ := describe(model.ErrNotFound)
	s.renderError(c, d.status, d.heading, d.message)
}

// methodNotAllowed runs after gin has set the Allow header.
func (s *Server) methodNotAllowed(c *gin.Context) {
	s.renderError(c, http.StatusMethodNotAllowed, "Method not allowed",
		"This address does not accept a "+c.Request.Method+" request.")
}

func (s *Server) bodyTooLarge(c *gin.Context) {
	c.Header("Connection", "close")
	message := "What you sent is larger than this site accepts (256 KB). Shorten it and try again."
	if bodyLimit(c, MaxRequestBody) > MaxRequestBody {
		message = "What you sent is larger than this site accepts. An image may be at most 5 MB: make it smaller and try again."
	}
	s.renderError(c, http.StatusRequestEntityTooLarge, "Submission too large", message)
}

// serverError logs the cause and shows only "Internal error" to the reader.
func (s *Server) serverError(c *gin.Context, err error) {
	s.log.ErrorContext(c.Request.Context(), "internal error",
		"method", c.Request.Method, "path", c.Request.URL.Path, "error", err.Error())
	s.renderError(c, http.StatusInternalServerError, "Internal error",
		"Something went wrong on our side. Please try again in a moment.")
}

// renderError shows the error page with status, and stops the handler chain.
func (s *Server) renderError(c *gin.Context, status int, heading, message string) {
	s.renderErrorPage(c, errorPage{Status: status, Heading: heading, Message: message})
}

// jsonError is an error page's words, for a request that asked for JSON.
type jsonError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// renderErrorPage is renderError for a page with more than a status and a message.
func (s *Server) renderErrorPage(c *gin.Context, page errorPage) {
	c.Abort()
	if c.Writer.Written() {
		return
	}
	c.Header("Cache-Control", "no-store")
	if wantsJSON(c) { // a script: it shows the words where it asked
		c.JSON(page.Status, jsonError{Error: page.Heading, Message: page.Message})
		return
	}
	if staff(c) != nil && strings.HasPrefix(c.Request.URL.Path, "/admin/") {
		// A staff member who meets an error in the staff pages keeps their header.
		page.layout = s.adminLayout(c, page.Heading)
	} else {
		page.layout = s.layout(c, page.Heading, "")
	}
	page.NoIndex = true
	s.render(c, page.Status, "error", page)
}
