package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a moderator chooses on their account page what they hear about replies
// waiting, each reply by default; a choice that is not offered is refused, and staff
// who do not moderate are neither offered nor allowed the choice.
func TestAccount_ModerationMailChoice(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	mod := s.addUser(t, model.RoleModerator)
	cookie := s.signIn(t, mod)
	s.getAs(t, cookie, "/admin/account").wantStatus(http.StatusOK).
		wantContains(`<h2 id="mail">Mail</h2>`, "Mail about replies waiting for moderation",
			`id="moderation_mail-each" name="moderation_mail" type="radio" value="each" checked`,
			`value="daily" aria-describedby="moderation_mail-daily-hint">`, `value="none" aria-describedby="moderation_mail-none-hint">`, "replies wait for moderation, as you choose below").
		wantNotContains("Mail is off on this site", "sent for medical review")

	s.postForm(t, "/admin/account/mail", url.Values{"moderation_mail": {"daily"}}, cookie).wantStatus(http.StatusSeeOther)
	if got := s.userField(t, mod.ID, "moderation_mail"); got != "daily" {
		t.Errorf("moderation_mail = %q, want daily", got)
	}
	s.getAs(t, cookie, "/admin/account?done=mail-saved").wantStatus(http.StatusOK).
		wantContains("Your choice of mail is saved.", `value="daily" checked`)

	s.postForm(t, "/admin/account/mail", url.Values{"moderation_mail": {"hourly"}}, cookie).
		wantStatus(http.StatusUnprocessableEntity).wantContains("Choose what you want to hear about replies waiting.")
	if got := s.userField(t, mod.ID, "moderation_mail"); got != "daily" {
		t.Errorf("after a refused choice moderation_mail = %q, want daily", got)
	}

	author := s.addUser(t, model.RoleAuthor)
	authorCookie := s.signIn(t, author)
	s.getAs(t, authorCookie, "/admin/account").wantStatus(http.StatusOK).
		wantContains(`<h2 id="mail">Mail</h2>`, "a reviewer asks for changes to your article").
		wantNotContains("Mail about replies waiting for moderation")
	s.postForm(t, "/admin/account/mail", url.Values{"moderation_mail": {"none"}}, authorCookie).wantStatus(http.StatusForbidden)
	if got := s.userField(t, author.ID, "moderation_mail"); got != "each" {
		t.Errorf("an author's moderation_mail = %q after a refused post", got)
	}
}

// Ensure the account page says that nothing is sent while mail is off, and keeps the
// choice for later.
func TestAccount_MailOffSaysSo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	s.getAs(t, cookie, "/admin/account").wantStatus(http.StatusOK).
		wantContains("<strong>Mail is off on this site</strong>: none of the messages below is sent",
			"Your choice is kept for when it is on.", "Once mail is on, the site writes to your email address when:",
			"an article is reviewed and ready to publish", "Mail about replies waiting for moderation")
}
