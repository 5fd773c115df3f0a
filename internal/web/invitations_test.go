package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

const invitationPath = "/admin/invitation"

// Ensure an administrator invites someone by email with a name and a role: the
// person is listed as invited, receives a message naming who invited them, the role
// and the link, chooses a strong password with the link once, and then signs in.
func TestInvitation_ThroughTheLink(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	admin := s.addUser(t, model.RoleAdmin)
	cookie := s.signIn(t, admin)
	s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK).
		wantContains("Invite by email", `<form action="/admin/users/invite" method="post"`, "Add an account with a password").
		wantNotContains("Mail is off on this site")

	form := url.Values{"name": {"Dr. Rita Reviewer"}, "email": {"Rita@Example.org"}, "role": {"reviewer"}, "credentials": {"MD"}}
	res := s.postForm(t, "/admin/users/invite", form, cookie).wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/users?done=invited#invited" {
		t.Errorf("Location = %q", loc)
	}
	list := s.getAs(t, cookie, "/admin/users?done=invited").wantStatus(http.StatusOK).
		wantContains("Invitation sent.", `<h2 id="invited">Invited</h2>`, "link works until")
	if invited := between(t, list.Body, `<h2 id="invited">`, `</table>`); !strings.Contains(invited, "Dr. Rita Reviewer") || !strings.Contains(invited, "rita@example.org") {
		t.Errorf("the person invited is not listed as invited:\n%s", invited)
	}
	if named := between(t, list.Body, "People named on articles", "</table>"); strings.Contains(named, "Rita") {
		t.Errorf("the person invited is listed among the people named on articles")
	}

	s.deliver(t)
	msgs := s.smtp.To("rita@example.org")
	if len(msgs) != 1 {
		t.Fatalf("%d messages to the person invited", len(msgs))
	}
	text := strings.ReplaceAll(msgs[0].Text(), "\r\n", "\n")
	if msgs[0].Subject() != admin.Name+" invites you to join Fascicle" ||
		!strings.Contains(text, admin.Name+" invites you to join the staff of Fascicle as Medical reviewer.") ||
		!strings.Contains(text, "The link works once, within 72 hours.") {
		t.Errorf("invitation %q:\n%s", msgs[0].Subject(), text)
	}
	link := s.linkTo(t, "rita@example.org", invitationPath)
	page := s.get(t, link).wantStatus(http.StatusOK).
		wantContains("Welcome: choose your password", "as <strong>Medical reviewer</strong>", "rita@example.org")
	if page.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", page.Header.Get("Referrer-Policy"))
	}
	token := strings.TrimPrefix(link, invitationPath+"?token=")
	s.postForm(t, invitationPath, url.Values{"token": {token}, "password": {"password1"}, "password_confirm": {"password1"}}, nil).
		wantStatus(http.StatusUnprocessableEntity).wantContains("This is a very common password.")
	res = s.postForm(t, invitationPath, url.Values{"token": {token}, "password": {"harbour finch umbrella"}, "password_confirm": {"harbour finch umbrella"}}, nil).
		wantStatus(http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login?done=invitation-accepted" {
		t.Errorf("Location = %q", loc)
	}
	s.get(t, "/admin/login?done=invitation-accepted").wantContains("Your password is set. Sign in with your email address and your new password.")
	s.postForm(t, "/admin/login", url.Values{"email": {"rita@example.org"}, "password": {"harbour finch umbrella"}}, nil).wantStatus(http.StatusSeeOther)
	s.get(t, link).wantStatus(http.StatusGone).wantContains("This invitation does not work")
	s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK).wantNotContains(`<h2 id="invited">`)
}

// Ensure an invitation for an address that has an account, or is invited already, is
// refused beside the email field with everything typed kept; and that only
// administrators invite.
func TestInvitation_Refused(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	admin := s.addUser(t, model.RoleAdmin)
	cookie := s.signIn(t, admin)
	taken := url.Values{"name": {"Someone"}, "email": {strings.ToUpper(admin.EmailAddress())}, "role": {"author"}}
	s.postForm(t, "/admin/users/invite", taken, cookie).wantStatus(http.StatusConflict).
		wantContains("Nobody was invited.", `<span class="field-error" id="invite-email-error">An account with this email already exists.</span>`,
			`value="Someone"`, `<option value="author" selected>`)
	first := url.Values{"name": {"Ann Author"}, "email": {"ann@example.org"}, "role": {"author"}}
	s.postForm(t, "/admin/users/invite", first, cookie).wantStatus(http.StatusSeeOther)
	s.postForm(t, "/admin/users/invite", first, cookie).wantStatus(http.StatusConflict).wantContains("This address is invited already.")
	s.postForm(t, "/admin/users/invite", url.Values{"name": {""}, "email": {"x"}, "role": {"author"}}, cookie).
		wantStatus(http.StatusUnprocessableEntity).wantContains("Name is required.", "Enter an email address like name@example.com.")
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	s.postForm(t, "/admin/users/invite", url.Values{"name": {"Sneaky"}, "email": {"sneaky@example.org"}, "role": {"admin"}}, editor).
		wantStatus(http.StatusForbidden)
	if n := s.count(t, `SELECT count(*) FROM users WHERE email IN ('sneaky@example.org', 'x')`); n != 0 {
		t.Errorf("%d accounts created by refused invitations", n)
	}
}

// Ensure an invitation's link no longer works after 72 hours, and an administrator
// sends it again from the list with a new link.
func TestInvitation_ExpiresAndIsSentAgain(t *testing.T) {
	t.Parallel()
	s, admin, cookie := newMailSiteWithAdmin(t)
	old := s.invite(t, cookie, "Mo Derator", "mo@example.org", model.RoleModerator)
	s.advance(73 * time.Hour)
	s.get(t, old).wantStatus(http.StatusGone).wantContains("is more than 72 hours old")
	cookie = s.signIn(t, admin)
	page := s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK).wantContains("Link expired", "Send again")
	id := between(t, page.Body, `<form action="/admin/users/`, `/invitation"`)
	s.postForm(t, "/admin/users/"+id+"/invitation", nil, cookie).wantStatus(http.StatusSeeOther)
	s.deliver(t)
	if got := s.smtp.To("mo@example.org"); len(got) != 2 {
		t.Fatalf("%d messages, want the invitation and the one sent again", len(got))
	}
	fresh := s.linkTo(t, "mo@example.org", invitationPath)
	if fresh == old {
		t.Fatal("the invitation sent again has the old link")
	}
	s.get(t, fresh).wantStatus(http.StatusOK)
}

// Ensure an administrator reaches an invited account's page from the list of people
// invited, and that disabling the account there withdraws the invitation: the list
// says so and offers no new link, sending one is refused, and the link already sent
// no longer works. Enabled again, the account can be invited again.
func TestInvitation_WithdrawnByDisablingTheAccount(t *testing.T) {
	t.Parallel()
	s, _, cookie := newMailSiteWithAdmin(t)
	link := s.invite(t, cookie, "Wes Writer", "wes@example.org", model.RoleAuthor)
	list := s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK)
	invited := between(t, list.Body, `<h2 id="invited">`, `</table>`)
	id := between(t, invited, `<a href="/admin/users/`, `">Wes Writer</a>`)
	s.getAs(t, cookie, "/admin/users/"+id).wantStatus(http.StatusOK).
		wantContains("Wes Writer", "Invited: can sign in once they choose a password", `name="disabled"`, "withdraws its invitation")

	account := url.Values{"name": {"Wes Writer"}, "role": {"author"}, "credentials": {""}, "disabled": {"1"}}
	s.postForm(t, "/admin/users/"+id, account, cookie).wantStatus(http.StatusSeeOther)
	invited = between(t, s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK).Body, `<h2 id="invited">`, `</table>`)
	if !strings.Contains(invited, "Withdrawn") || strings.Contains(invited, "/admin/users/"+id+"/invitation") {
		t.Errorf("the disabled invitee is not shown as withdrawn, or is offered a new link:\n%s", invited)
	}
	s.getAs(t, cookie, "/admin/users/"+id).wantStatus(http.StatusOK).wantContains("and the invitation is withdrawn")
	s.postForm(t, "/admin/users/"+id+"/invitation", nil, cookie).wantStatus(http.StatusConflict).wantContains("Invitation withdrawn")
	s.get(t, link).wantStatus(http.StatusGone).wantContains("This invitation does not work")
	token := strings.TrimPrefix(link, invitationPath+"?token=")
	s.postForm(t, invitationPath, url.Values{"token": {token}, "password": {"harbour finch umbrella"}, "password_confirm": {"harbour finch umbrella"}}, nil).
		wantStatus(http.StatusGone)
	s.deliver(t)
	if got := s.smtp.To("wes@example.org"); len(got) != 1 {
		t.Errorf("%d messages to the withdrawn invitee, want the first invitation alone", len(got))
	}

	account.Del("disabled")
	s.postForm(t, "/admin/users/"+id, account, cookie).wantStatus(http.StatusSeeOther)
	s.postForm(t, "/admin/users/"+id+"/invitation", nil, cookie).wantStatus(http.StatusSeeOther)
	s.deliver(t)
	s.get(t, s.linkTo(t, "wes@example.org", invitationPath)).wantStatus(http.StatusOK)
}

// Ensure that without mail the accounts page says invitations cannot be sent, and
// refuses one.
func TestInvitation_MailOff(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAdmin))
	s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK).
		wantContains("<strong>Mail is off on this site</strong>, so invitations cannot be sent").
		wantNotContains(`action="/admin/users/invite"`)
	s.postForm(t, "/admin/users/invite", url.Values{"name": {"Mo"}, "email": {"mo@example.org"}, "role": {"moderator"}}, cookie).
		wantStatus(http.StatusConflict).wantContains("Mail is off on this site")
	if n := s.count(t, `SELECT count(*) FROM users WHERE email = 'mo@example.org'`); n != 0 {
		t.Error("an invitation was saved with mail off")
	}
}

// newMailSiteWithAdmin is a site that sends mail, with an administrator signed in.
func newMailSiteWithAdmin(t *testing.T) (*mailSite, *model.User, *http.Cookie) {
	t.Helper()
	s := newMailSite(t)
	admin := s.addUser(t, model.RoleAdmin)
	return s, admin, s.signIn(t, admin)
}

// invite invites name at email with role, as the administrator signed in with cookie,
// delivers the mail and returns the invitation's link.
func (s *mailSite) invite(t *testing.T, cookie *http.Cookie, name, email string, role model.Role) string {
	t.Helper()
	s.postForm(t, "/admin/users/invite", url.Values{"name": {name}, "email": {email}, "role": {string(role)}}, cookie).
		wantStatus(http.StatusSeeOther)
	s.deliver(t)
	return s.linkTo(t, email, invitationPath)
}

// between returns the text of s between the first before and the after that
// follows, failing the test if either is missing.
func between(t testing.TB, s, before, after string) string {
	t.Helper()
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		t.Fatalf("no %q in the page", before)
	}
	got, _, ok := strings.Cut(rest, after)
	if !ok {
		t.Fatalf("no %q after %q in the page", after, before)
	}
	return got
}
