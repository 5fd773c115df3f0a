package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a moderator can pin one clinician's answer first under the reply it answers,
// before another clinician's earlier answer, from the queue's Pin first button; that
// the article shows the new order at once; and that Unpin puts it back.
func TestPin_ClinicianAnswerFirst(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mod := s.moderator(t)
	rui := s.addStaff(t, "Dr. Rui Costa", model.RoleReviewer, "MD, sports physician")
	ida := s.addStaff(t, "Dr. Ida Berg", model.RoleReviewer, "MD, neurologist")
	question := s.addReplyRow(t, replyRow{Name: "Asking Ann", Body: "Can I take magnesium with my statin?", Status: "approved", Age: 10 * time.Minute})
	s.addReplyRow(t, replyRow{Parent: question, Name: "Reader Rob", Body: "I do, no problem.", Status: "approved", Age: 8 * time.Minute})
	first := s.addReplyRow(t, replyRow{Parent: question, Name: rui.Name, Body: "Usually yes, two hours apart.", Status: "approved", Age: 5 * time.Minute})
	second := s.addReplyRow(t, replyRow{Parent: question, Name: ida.Name, Body: "Ask your pharmacist about your dose.", Status: "approved", Age: time.Minute})
	s.exec(t, `UPDATE comments SET user_id = ? WHERE id = ?`, rui.ID, first)
	s.exec(t, `UPDATE comments SET user_id = ? WHERE id = ?`, ida.ID, second)

	s.get(t, articlePath).wantStatus(http.StatusOK).wantInOrder("Can I take magnesium", "Usually yes", "Ask your pharmacist", "I do, no problem")

	queue := s.getAs(t, mod, "/admin/comments?status=approved").wantStatus(http.StatusOK)
	queue.wantContains(`<button formaction="/admin/comments/`+itoa(second)+`/pin" aria-label="Pin first: the answer by Dr. Ida Berg, listed first under the reply it answers">Pin first</button>`,
		`<button formaction="/admin/comments/`+itoa(first)+`/pin"`)
	// Only clinicians' answers to a reply offer it.
	if n := strings.Count(queue.Body, `/pin"`); n != 2 {
		t.Errorf("%d Pin first buttons in the queue, want 2", n)
	}

	back := url.Values{"return": {"/admin/comments?status=approved"}}
	res := s.postForm(t, "/admin/comments/"+itoa(second)+"/pin", back, mod).
		wantSeeOtherTo("/admin/comments?done=pinned&n=1&status=approved")
	s.getAs(t, mod, res.Header.Get("Location")).wantStatus(http.StatusOK).
		wantContains(`<p class="flash" role="status">Pinned: readers find this answer first under the reply it answers.</p>`,
			`<button formaction="/admin/comments/`+itoa(second)+`/unpin"`, "<strong>pinned first</strong> under that reply")
	s.get(t, articlePath).wantStatus(http.StatusOK).wantInOrder("Can I take magnesium", "Ask your pharmacist", "Usually yes", "I do, no problem")

	// Pinning the other unpins this one: one pinned answer a reply.
	s.postForm(t, "/admin/comments/"+itoa(first)+"/pin", back, mod).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantInOrder("Can I take magnesium", "Usually yes", "Ask your pharmacist", "I do, no problem")
	if n := s.count(t, `SELECT count(*) FROM comments WHERE pinned_at IS NOT NULL`); n != 1 {
		t.Errorf("%d pinned answers, want 1", n)
	}

	s.postForm(t, "/admin/comments/"+itoa(first)+"/unpin", back, mod).wantSeeOtherTo("/admin/comments?done=unpinned&n=1&status=approved")
	s.postForm(t, "/admin/comments/"+itoa(first)+"/unpin", back, mod).wantSeeOtherTo("/admin/comments?done=unpinned&n=0&status=approved")
	if n := s.count(t, `SELECT count(*) FROM comments WHERE pinned_at IS NOT NULL`); n != 0 {
		t.Errorf("%d pinned answers after unpinning, want 0", n)
	}

	t.Run("ErrNotClinicianAnswer", func(t *testing.T) {
		reader := s.addReplyRow(t, replyRow{Parent: question, Name: "Reader Rae", Body: "Me too.", Status: "approved"})
		s.postForm(t, "/admin/comments/"+itoa(reader)+"/pin", back, mod).wantStatus(http.StatusConflict).
			wantContains("Not a clinician", "Only a clinician’s published answer", `<a href="/admin/comments">Go to the moderation queue</a>`)
	})
	t.Run("ErrReplyNotFound", func(t *testing.T) {
		s.postForm(t, "/admin/comments/99999/pin", back, mod).wantStatus(http.StatusNotFound)
		s.postForm(t, "/admin/comments/x/unpin", back, mod).wantStatus(http.StatusNotFound)
	})
	t.Run("ModeratorsOnly", func(t *testing.T) {
		author := s.signIn(t, s.addUser(t, model.RoleAuthor))
		s.postForm(t, "/admin/comments/"+itoa(second)+"/pin", back, author).wantStatus(http.StatusForbidden)
		s.postForm(t, "/admin/comments/"+itoa(second)+"/pin", back, nil).wantSeeOtherTo("/admin/login")
		if n := s.count(t, `SELECT count(*) FROM comments WHERE pinned_at IS NOT NULL`); n != 0 {
			t.Errorf("%d pinned answers, want 0", n)
		}
	})
}
