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
	s := newSite(t)
	s.postReply(articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	id, status, reason := s.lastReply()
	if status != "pending" || reason == "" {
		t.Fatalf("new reply: status %q, reason %q", status, reason)
	}
	cookie := s.signIn(s.addUser(model.RoleModerator))
	queue := s.getAs(cookie, "/admin/comments").wantStatus(http.StatusOK)
	queue.wantContains("Reader One", "reader.one@example.com", "every reply is held", "1 pending")
	s.get(articlePath).wantNotContains("Magnesium helped")
	s.postForm("/admin/comments/"+itoa(id)+"/action/approve", nil, cookie).wantStatus(http.StatusSeeOther)
	if got := s.status(id); got != "approved" {
		t.Fatalf("status after approve = %q", got)
	}
	s.get(articlePath).wantContains("Magnesium helped").wantNotContains("reader.one@example.com")
}

// Ensure the message after an action says when nothing changed, and counts the
// replies when several did.
func TestAdmin_FlashCountsChanges(t *testing.T) {
	s := newSite(t)
	cookie := s.signIn(s.addUser(model.RoleModerator))
	res := s.postForm("/admin/comments/bulk", url.Values{"action": {"trash"}, "ids": {"1", "3"}}, cookie).wantStatus(http.StatusSeeOther)
	s.getAs(cookie, res.Header.Get("Location")).wantContains("Moved to the trash. (2 replies)")
	res = s.postForm("/admin/comments/1/action/trash", nil, cookie).wantStatus(http.StatusSeeOther)
	s.getAs(cookie, res.Header.Get("Location")).wantContains("Nothing changed").wantNotContains("Moved to the trash.")
}
