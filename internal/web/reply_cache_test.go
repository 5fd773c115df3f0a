package web_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure the kept rendering of a reply is never shown once the reply changed: an edit,
// a new name, a website removed and a second reply nested under it all show on the
// next rendered page, and the old text is gone.
func TestArticlePage_RenderedRepliesFollowEveryChange(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	form := validReply()
	form.Set("comment", "Original wording of my reply.")
	form.Set("author", "First Name")
	form.Set("url", "https://first.example.org/")
	s.postReply(t, articlePath+"/comments", form).wantStatus(303)
	id, status, _ := s.lastReply(t)
	if status != "approved" {
		t.Fatalf("reply is %s, want approved", status)
	}
	s.get(t, articlePath).wantStatus(200).wantContains("Original wording of my reply.", "First Name", "https://first.example.org/")

	s.exec(t, `UPDATE comments SET body = 'Corrected wording.', author_name = 'Second Name', author_url = '' WHERE id = ?`, id)
	s.get(t, articlePath).wantStatus(200).
		wantContains("Corrected wording.", "Second Name").
		wantNotContains("Original wording of my reply.", "First Name", "https://first.example.org/")

	answer := validReply()
	answer.Set("comment", "An answer to the corrected reply.")
	answer.Set("comment_parent", itoa(id))
	answer.Set("email", "someone.else@example.net")
	s.postReply(t, articlePath+"/comments", answer).wantStatus(303)
	s.get(t, articlePath).wantStatus(200).wantContains(`<ol class="children">`, "An answer to the corrected reply.")
}
