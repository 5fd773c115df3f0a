package web_test

import (
	"net/http"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure a rendered thread is kept between views (with the page cache off, as after
// any change on the site) and that every change to the thread reaches the next view:
// a staff member's new role, a reply's edit.
func TestThreadCache_KeptUntilTheThreadChanges(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	admin := s.signIn(t, s.addStaff(t, "Ada Admin", model.RoleAdmin, ""))
	mo := s.addStaff(t, "Mo Moderator", model.RoleModerator, "")
	cookie := s.signIn(t, mo)
	s.sendReply(t, s.staffForm(t, cookie, "Stretching the calf before bed helps many people."), nil, cookie)
	reply := itoa(s.lastSender(t).ID)
	s.postForm(t, "/admin/comments/"+reply+"/action/approve", nil, cookie).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains(`<span class="staff-role">Moderator</span>`)

	// A change made behind the thread's version is not seen: the thread is kept. (So
	// the checks below test the cache, not a page rendered afresh.)
	s.exec(t, `UPDATE comments SET body = 'Changed behind the version.' WHERE id = `+reply)
	s.exec(t, `UPDATE thread_versions SET version = version - 1 WHERE article_id = 1`)
	s.get(t, articlePath).wantContains("Stretching the calf").wantNotContains("Changed behind the version.")
	s.exec(t, `UPDATE thread_versions SET version = version + 2 WHERE article_id = 1`)
	s.get(t, articlePath).wantContains("Changed behind the version.")

	form := accountForm(mo)
	form.Set("role", "editor")
	s.postForm(t, userPath(mo), form, admin).wantSavedTo(userPath(mo))
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<span class="staff-role">Editor</span>`).wantNotContains(`<span class="staff-role">Moderator</span>`)

	s.exec(t, `UPDATE comments SET body = 'Edited by a moderator.' WHERE id = `+reply)
	s.get(t, articlePath).wantContains("Edited by a moderator.").wantNotContains("Changed behind the version.")
}
