package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure the article and its thread are kept rendered between views (with the page
// cache off, as after any change elsewhere on the site), and that every change to the
// page reaches the next view: a staff member's new role, the author's new name, an
// edited reference, an edited reply.
func TestArticleParts_KeptUntilThePageChanges(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	mo := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	cookie := s.signIn(t, mo)
	s.sendReply(t, s.staffForm(t, cookie, "Stretching the calf before bed helps many people."), nil, cookie)
	reply := itoa(s.lastSender(t).ID)
	s.postForm(t, "/admin/comments/"+reply+"/action/approve", nil, cookie).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<span class="staff-role">Moderator</span>`, "Daniel Reyes", "Fasciculations and the bedside neurological examination")

	// Changes made behind the page version are not seen: the parts are kept. (So the
	// checks below test the caches, not a page rendered afresh.)
	version := strconv.Itoa(s.count(t, `SELECT version FROM page_versions WHERE article_id = 1`))
	s.exec(t, `UPDATE comments SET body = 'Changed behind the version.' WHERE id = `+reply)
	s.exec(t, `UPDATE articles SET title = 'A title changed behind the version' WHERE id = 1`)
	s.exec(t, `UPDATE page_versions SET version = `+version+` WHERE article_id = 1`)
	s.get(t, articlePath).wantContains("Stretching the calf", "Understanding Involuntary Muscle Twitches").
		wantNotContains("Changed behind the version.", "A title changed behind the version")
	s.exec(t, `UPDATE page_versions SET version = version + 100 WHERE article_id = 1`)
	s.get(t, articlePath).wantContains("Changed behind the version.", "A title changed behind the version")

	form := accountForm(mo)
	form.Set("role", "editor")
	s.postForm(t, userPath(mo), form, admin).wantSavedTo(userPath(mo))
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<span class="staff-role">Editor</span>`).wantNotContains(`<span class="staff-role">Moderator</span>`)

	s.exec(t, `UPDATE users SET name = 'Dan Reyes' WHERE name = 'Daniel Reyes'`)
	s.exec(t, `UPDATE article_references SET title = 'The bedside examination' WHERE article_id = 1 AND position = 1`)
	s.exec(t, `UPDATE comments SET body = 'Edited by a moderator.' WHERE id = `+reply)
	s.get(t, articlePath).wantContains("Dan Reyes", "The bedside examination", "Edited by a moderator.").
		wantNotContains("Daniel Reyes", "Fasciculations and the bedside neurological examination", "Changed behind the version.")
}
