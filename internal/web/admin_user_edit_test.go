package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// accountForm is the account form of u as stored, for a test to change.
func accountForm(u *model.User) url.Values {
	return url.Values{"name": {u.Name}, "role": {string(u.Role)}, "credentials": {u.Credentials}}
}

// userPath is the address of an account's page.
func userPath(u *model.User) string {
	return "/admin/users/" + itoa(u.ID)
}

// wantSavedTo checks that a form was saved and sent back to target with the flash.
func (r *response) wantSavedTo(target string) *response {
	r.t.Helper()
	r.wantStatus(http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != target+"?done=account-saved" {
		r.t.Errorf("Location = %q, want %q", loc, target+"?done=account-saved")
	}
	return r
}

// Ensure the account list shows each account's name, linking to its page, email,
// role, two-step sign-in, last sign-in and status, and nothing secret; that the
// account page shows its form, facts and a link to the profile; and that people named
// on articles, malformed and unknown numbers have no account page.
func TestUsers_ListAndAccountPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.addStaff(t, "Ada Admin", model.RoleAdmin, "")
	cookie := s.signIn(t, admin)
	rita := s.addStaff(t, "Rita Reviewer", model.RoleReviewer, "MD, neurologist")
	gone := s.addStaff(t, "Gus Gone", model.RoleAuthor, "")
	s.exec(t, `UPDATE users SET disabled_at = '2026-02-03 04:05:00' WHERE id = ?`, gone.ID)

	list := s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK)
	list.wantContains(
		`<a href="/admin/users/`+itoa(rita.ID)+`">Rita Reviewer</a>, <span class="muted">MD, neurologist</span>`,
		`<td data-label="Email" class="account-email">ritareviewer@staff.example</td>`,
		`<td data-label="Role">Medical reviewer</td>`,
		`<td data-label="Two-step"><a href="/admin/users/`+itoa(rita.ID)+`/two-step">off</a></td>`,
		`<tr class="account-disabled">`,
		`<a href="/admin/users/`+itoa(gone.ID)+`">Gus Gone</a>`,
		`<td data-label="Status"><span class="status status-disabled">Disabled</span></td>`,
		`<td data-label="Status">Active</td>`,
		// The admin signed in just now; the others never did.
		`<td data-label="Last signed in"><time datetime="`, `<td data-label="Last signed in">never</td>`,
		// People named on articles are listed, with their profile, not as accounts.
		"Dr. Amara Okafor",
	)
	list.wantNotContains("$argon2id", `href="/admin/users/1"`, `href="/admin/users/2"`)
	if n := strings.Count(list.Body, `class="account-disabled"`); n != 1 {
		t.Errorf("%d rows marked disabled, want 1", n)
	}

	page := s.getAs(t, cookie, userPath(rita)).wantStatus(http.StatusOK)
	page.wantContains(
		"<title>Rita Reviewer – Fascicle</title>",
		`<form action="/admin/users/`+itoa(rita.ID)+`" method="post"`,
		`id="name" name="name" type="text" value="Rita Reviewer"`,
		`<option value="reviewer" selected>Medical reviewer</option>`,
		`id="credentials" name="credentials" type="text" value="MD, neurologist"`,
		`<input id="disabled" name="disabled" type="checkbox" value="1"`,
		`<dt>Email</dt><dd>ritareviewer@staff.example</dd>`,
		`<dt>Status</dt><dd>Active</dd>`,
		`<dt>Two-step sign-in</dt><dd>Off</dd>`,
		`<a href="/admin/users/`+itoa(rita.ID)+`/profile">Edit the profile</a>`,
		"No change has been recorded yet.",
	).wantNotContains(`type="checkbox" value="1" checked`, "$argon2id", `name="password"`)
	s.getAs(t, cookie, userPath(gone)).wantStatus(http.StatusOK).
		wantContains(`type="checkbox" value="1" checked`, `<dt>Status</dt><dd>Disabled since <time datetime="2026-02-03T04:05:00Z">`)

	for _, target := range []string{"/admin/users/1", "/admin/users/99999", "/admin/users/abc", "/admin/users/-1"} {
		s.getAs(t, cookie, target).wantStatus(http.StatusNotFound).wantNotContains("Amara", `name="role"`)
		s.postForm(t, target, accountForm(rita), cookie).wantStatus(http.StatusNotFound)
	}
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	s.getAs(t, editor, userPath(rita)).wantStatus(http.StatusForbidden).wantNotContains("ritareviewer@staff.example")
	s.postForm(t, userPath(rita), url.Values{"name": {"Hijacked"}, "role": {"admin"}}, editor).wantStatus(http.StatusForbidden)
	if got := s.userField(t, rita.ID, "name") + "/" + s.userField(t, rita.ID, "role"); got != "Rita Reviewer/reviewer" {
		t.Errorf("after an editor's POST the account is %s", got)
	}
}

// Ensure an administrator changes a person's name, role and credentials: the person's
// next request has the new role's permissions, and the account page lists each change
// with who made it.
func TestUsers_ChangeRoleNameAndCredentials(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	mo := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	moCookie := s.signIn(t, mo)
	s.getAs(t, moCookie, "/admin/articles/new").wantStatus(http.StatusForbidden)

	form := accountForm(mo)
	form.Set("name", "  Mo Editor ")
	form.Set("role", "editor")
	form.Set("credentials", "health writer")
	s.advance(time.Minute)
	s.postForm(t, userPath(mo), form, admin).wantSavedTo(userPath(mo))

	s.getAs(t, moCookie, "/admin/articles/new").wantStatus(http.StatusOK)
	page := s.getAs(t, admin, userPath(mo)+"?done=account-saved").wantStatus(http.StatusOK)
	page.wantContains("Account saved.", `value="Mo Editor"`, `<option value="editor" selected>Editor</option>`, `value="health writer"`)
	page.wantInOrder(
		`<td data-label="By">Ada Admin</td>`, `<td data-label="Change">Name changed: Mo Moderator → Mo Editor</td>`,
		`<td data-label="Change">Role changed: Moderator → Editor</td>`,
		`<td data-label="Change">Credentials changed: none → “health writer”</td>`)
	page.wantNotContains("No change has been recorded yet.")
	s.getAs(t, admin, "/admin/users").wantContains(`>Mo Editor</a>, <span class="muted">health writer</span>`)
}

// Ensure disabling an account ends its sessions at once (its very next request is
// signed out), refuses its sign-in with the same status and page as a wrong password,
// keeps what it wrote on the site, and is written to the audit log; enabling it lets
// it sign in again.
func TestUsers_DisableAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	mo := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	laptop, phone := s.signIn(t, mo), s.signIn(t, mo)
	// What the account wrote: a reply, published, and the byline of the demo article.
	s.sendReply(t, s.staffForm(t, laptop, "Cutting caffeine for a week settled my twitches."), nil, laptop)
	reply := s.lastSender(t)
	s.postForm(t, "/admin/comments/"+itoa(reply.ID)+"/action/approve", nil, laptop).wantStatus(http.StatusSeeOther)
	s.exec(t, `UPDATE articles SET author_id = ? WHERE id = 1`, mo.ID)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains("Cutting caffeine for a week", "Mo Moderator")

	form := accountForm(mo)
	form.Set("disabled", "1")
	s.postForm(t, userPath(mo), form, admin).wantSavedTo(userPath(mo))

	for name, cookie := range map[string]*http.Cookie{"laptop": laptop, "phone": phone} {
		res := s.getAs(t, cookie, "/admin/")
		res.wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2F" {
			t.Errorf("%s: the disabled account's next request goes to %q, want the sign-in page", name, loc)
		}
		if c := authCookie(res, "fascicle_session"); c == nil || c.MaxAge >= 0 {
			t.Errorf("%s: the refused session cookie is not cleared: %v", name, c)
		}
		before := s.status(t, 1)
		s.postForm(t, "/admin/comments/1/action/spam", nil, cookie).wantStatus(http.StatusSeeOther)
		if s.status(t, 1) != before {
			t.Errorf("%s: the disabled account's old cookie moderated a reply", name)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM sessions WHERE user_id = ?`, mo.ID); n != 0 {
		t.Errorf("%d sessions of the disabled account left", n)
	}

	// Its sign-in is refused exactly like a wrong password, from fresh clients.
	disabled := s.authLogin(t, "198.51.100.7:4000", url.Values{"email": {mo.EmailAddress()}, "password": {staffPassword}})
	wrong := s.authLogin(t, "198.51.100.8:4000", url.Values{"email": {mo.EmailAddress()}, "password": {staffPassword + "!"}})
	disabled.wantStatus(http.StatusUnauthorized).wantContains("The email address or password is not right.").
		wantNotContains("disabled", "Disabled")
	if disabled.Code != wrong.Code || disabled.Body != wrong.Body {
		t.Errorf("a disabled account's sign-in (%d) differs from a wrong password's (%d)", disabled.Code, wrong.Code)
	}
	if got := disabled.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("the refused sign-in sets cookies: %q", got)
	}

	// What it wrote stays.
	article := s.get(t, articlePath).wantStatus(http.StatusOK)
	article.wantContains("Cutting caffeine for a week settled my twitches.", "Mo Moderator")
	if got := s.status(t, reply.ID); got != "approved" {
		t.Errorf("the disabled account's reply is %q, want approved", got)
	}

	page := s.getAs(t, admin, userPath(mo)).wantStatus(http.StatusOK)
	page.wantContains(`<span class="status status-disabled">Disabled</span>`, `type="checkbox" value="1" checked`,
		`<td data-label="Change">Disabled: 2 sessions ended</td>`, `<td data-label="By">Ada Admin</td>`)

	form.Del("disabled")
	s.advance(time.Minute)
	s.postForm(t, userPath(mo), form, admin).wantSavedTo(userPath(mo))
	s.signIn(t, mo)
	s.getAs(t, admin, userPath(mo)).wantInOrder(`<td data-label="Change">Enabled</td>`, `<td data-label="Change">Disabled: 2 sessions ended</td>`)
}

// Ensure the last active administrator can be neither disabled nor demoted, with the
// form shown again as typed (409) and nothing changed; that nobody disables their own
// account; and that an administrator may step down while another remains.
func TestUsers_LastAdministrator(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ada := s.addStaff(t, "Ada Admin", model.RoleAdmin, "")
	cookie := s.signIn(t, ada)
	const lastAdmin = "This is the site&#39;s last active administrator, so it can be neither disabled nor given another role."

	t.Run("ErrDemote", func(t *testing.T) {
		form := url.Values{"name": {"Ada Renamed"}, "role": {"editor"}, "credentials": {"MD"}}
		res := s.postForm(t, userPath(ada), form, cookie).wantStatus(http.StatusConflict)
		res.wantContains("The account was not saved.", lastAdmin,
			`<span class="field-error" id="role-error">The last active administrator keeps this role.</span>`,
			`value="Ada Renamed"`, `<option value="editor" selected>Editor</option>`, `value="MD"`).
			wantNotContains(`id="disabled-error"`)
	})
	t.Run("ErrDisable", func(t *testing.T) {
		form := url.Values{"name": {"Ada Admin"}, "role": {"admin"}, "credentials": {""}, "disabled": {"1"}}
		res := s.postForm(t, userPath(ada), form, cookie).wantStatus(http.StatusConflict)
		res.wantContains(lastAdmin, `<span class="field-error" id="disabled-error">The last active administrator cannot be disabled.</span>`,
			`type="checkbox" value="1" checked`, `<option value="admin" selected>Administrator</option>`).
			wantNotContains(`id="role-error"`)
	})
	if got := s.userField(t, ada.ID, "name") + "/" + s.userField(t, ada.ID, "role") + "/" + s.userField(t, ada.ID, "credentials"); got != "Ada Admin/admin/" {
		t.Errorf("after refusals the administrator is %s", got)
	}
	if n := s.count(t, `SELECT count(*) FROM users WHERE disabled_at IS NOT NULL`); n != 0 {
		t.Errorf("%d disabled accounts", n)
	}
	if n := s.count(t, `SELECT count(*) FROM staff_audit`); n != 0 {
		t.Errorf("%d audit entries after refusals", n)
	}
	s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK)

	bob := s.addStaff(t, "Bob Admin", model.RoleAdmin, "")
	t.Run("ErrDisableSelf", func(t *testing.T) {
		form := accountForm(ada)
		form.Set("disabled", "1")
		res := s.postForm(t, userPath(ada), form, cookie).wantStatus(http.StatusConflict)
		res.wantContains("You cannot disable your own account: you would be signed out at once.", `type="checkbox" value="1" checked`,
			`<span class="field-error" id="disabled-error">You cannot disable your own account.</span>`)
		s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusOK)
	})
	t.Run("StepDown", func(t *testing.T) {
		form := accountForm(ada)
		form.Set("role", "editor")
		res := s.postForm(t, userPath(ada), form, cookie).wantStatus(http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/?done=account-saved" {
			t.Errorf("Location = %q, want the dashboard: the accounts are no longer hers to see", loc)
		}
		s.getAs(t, cookie, "/admin/users").wantStatus(http.StatusForbidden)
		bobCookie := s.signIn(t, bob)
		demote := accountForm(bob)
		demote.Set("role", "author")
		s.postForm(t, userPath(bob), demote, bobCookie).wantStatus(http.StatusConflict).wantContains(lastAdmin)
	})
}

// Ensure a refused account form keeps everything typed (422), names what is wrong,
// and changes nothing.
func TestUsers_RefusedFormKeepsEverything(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	rita := s.addStaff(t, "Rita Reviewer", model.RoleReviewer, "MD")
	form := url.Values{"name": {"  "}, "role": {"superuser"}, "credentials": {"MD\nneurologist <b>"}, "disabled": {"1"}}
	res := s.postForm(t, userPath(rita), form, admin).wantStatus(http.StatusUnprocessableEntity)
	res.wantContains("The account was not saved.", "Please correct what is marked below.",
		"Name is required.", "Choose a role.", "Credentials must be one line of ordinary text.",
		"value=\"MD\nneurologist &lt;b&gt;\"", `type="checkbox" value="1" checked`).
		wantNotContains(`<b>`, ` selected>`)
	if got := s.userField(t, rita.ID, "name") + "/" + s.userField(t, rita.ID, "role") + "/" + s.userField(t, rita.ID, "credentials"); got != "Rita Reviewer/reviewer/MD" {
		t.Errorf("after a refused form the account is %s", got)
	}
	if n := s.count(t, `SELECT count(*) FROM users WHERE disabled_at IS NOT NULL`); n != 0 {
		t.Error("a refused form disabled the account")
	}
}

// Ensure adding an account is written to its audit log, shown on its page, and that
// neither the page nor the log holds the password.
func TestUsers_AuditHasNoPassword(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	const password = "tangerine orchard whistle"
	s.postForm(t, "/admin/users", url.Values{"name": {"Mo Derator"}, "email": {"mo@example.org"}, "role": {"moderator"},
		"password": {password}}, admin).wantStatus(http.StatusSeeOther)
	var id int64
	if err := s.db.QueryRow(`SELECT id FROM users WHERE email = 'mo@example.org'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	page := s.getAs(t, admin, "/admin/users/"+itoa(id)).wantStatus(http.StatusOK)
	page.wantContains(`<td data-label="By">Ada Admin</td>`, `<td data-label="Change">Account created: Moderator</td>`,
		"Passwords are never recorded.").wantNotContains(password, "tangerine", "$argon2id")
	if n := s.count(t, `SELECT count(*) FROM staff_audit WHERE detail LIKE '%tangerine%' OR detail LIKE '%argon2%'`); n != 0 {
		t.Error("the audit log holds the password or its hash")
	}
	if n := s.count(t, `SELECT count(*) FROM staff_audit WHERE account_id = ?`, id); n != 1 {
		t.Errorf("%d audit entries for the new account, want 1", n)
	}
}

// Ensure /admin/users refuses a weak password with zxcvbn's feedback, including one
// made of the person's own name, and keeps the form.
func TestUsers_WeakPasswordRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	for password, message := range map[string]string{
		"password123":  "This is a very common password. Add another word or two. Uncommon words are better.",
		"qwertyuiop":   "This is a top-100 common password.",
		"derator2026!": "Do not use your name, your email address or the site&#39;s name.",
		"aaaaaaaaaaaa": "Repeats like &#34;aaa&#34; are easy to guess.",
	} {
		res := s.postForm(t, "/admin/users", url.Values{"name": {"Mo Derator"}, "email": {"mo@example.org"}, "role": {"editor"},
			"password": {password}}, admin).wantStatus(http.StatusUnprocessableEntity)
		res.wantContains(message, `value="Mo Derator"`, `value="mo@example.org"`, `<option value="editor" selected>`).
			wantNotContains(`value="` + password + `"`)
	}
	if n := s.count(t, `SELECT count(*) FROM users WHERE email = 'mo@example.org'`); n != 0 {
		t.Error("an account was created with a weak password")
	}
}

// Ensure a role change reaches cached article pages at once: a staff reply shows its
// account's role to readers.
func TestUsers_RoleChangeReachesCachedPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	mo := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	cookie := s.signIn(t, mo)
	s.sendReply(t, s.staffForm(t, cookie, "Stretching the calf before bed helps many people."), nil, cookie)
	s.postForm(t, "/admin/comments/"+itoa(s.lastSender(t).ID)+"/action/approve", nil, cookie).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains(`<span class="staff-role">Moderator</span>`)
	if got := s.get(t, articlePath).Header.Get("X-Cache"); got != "hit" {
		t.Fatalf("the second view is not from the cache (X-Cache %q); the test would prove nothing", got)
	}

	form := accountForm(mo)
	form.Set("role", "editor")
	s.postForm(t, userPath(mo), form, admin).wantSavedTo(userPath(mo))
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<span class="staff-role">Editor</span>`).wantNotContains(`<span class="staff-role">Moderator</span>`)
}
