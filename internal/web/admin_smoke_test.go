package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a moderator can sign in and approve a held reply, which then shows on the
// article at once.
func TestAdmin_ModeratorApprovesHeldReply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	id, status, reason := s.lastReply(t)
	if status != "pending" || reason == "" {
		t.Fatalf("new reply: status %q, reason %q", status, reason)
	}
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	queue := s.getAs(t, cookie, "/admin/comments").wantStatus(http.StatusOK)
	queue.wantContains("Reader One", "reader.one@example.com", "every reply is held", "1 pending")
	s.get(t, articlePath).wantNotContains("Magnesium helped")
	s.postForm(t, "/admin/comments/"+itoa(id)+"/action/approve", nil, cookie).wantStatus(http.StatusSeeOther)
	if got := s.status(t, id); got != "approved" {
		t.Fatalf("status after approve = %q", got)
	}
	s.get(t, articlePath).wantContains("Magnesium helped").wantNotContains("reader.one@example.com")
}

// Ensure the message after an action says when nothing changed, and counts the
// replies when several did.
func TestAdmin_FlashCountsChanges(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	res := s.postForm(t, "/admin/comments/bulk", url.Values{"action": {"trash"}, "ids": {"1", "3"}}, cookie).wantStatus(http.StatusSeeOther)
	s.getAs(t, cookie, res.Header.Get("Location")).wantContains("Moved to the trash. (2 replies)")
	res = s.postForm(t, "/admin/comments/1/action/trash", nil, cookie).wantStatus(http.StatusSeeOther)
	s.getAs(t, cookie, res.Header.Get("Location")).wantContains("Nothing changed").wantNotContains("Moved to the trash.")
}
