package web_test

import (
	"net/http"
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
