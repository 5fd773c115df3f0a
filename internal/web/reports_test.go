package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Ensure a reader can report an approved reply from its own page (no script needed),
// that a reason is required and one reader counts once, that the reply leaves the
// page once three readers reported it, that moderators see it in the Reported tab
// with the reasons, and that keeping it closes the reports and puts it back.
func TestReports_ReadersReportModeratorsDecide(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	id := s.addReplyRow(t, replyRow{Name: "Dr. Google", Body: "Stop taking your heart pills, magnets work better.", Status: "approved"})
	held := s.addReplyRow(t, replyRow{Body: "Still held.", Status: "pending"})
	reportURL := articlePath + "/comments/" + itoa(id) + "/report"
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<a class="comment-report-link" href="` + reportURL + `" rel="nofollow" aria-label="Report the reply by Dr. Google">Report</a>`)
	s.get(t, reportURL).wantStatus(http.StatusOK).
		wantContains("Report a reply", "Stop taking your heart pills", `value="harmful-advice"`, "Harmful medical advice", `<meta name="robots" content="noindex">`)
	s.get(t, articlePath+"/comments/"+itoa(held)+"/report").wantStatus(http.StatusNotFound)
	s.get(t, "/articles/no-such-article/comments/"+itoa(id)+"/report").wantStatus(http.StatusNotFound)

	report := func(addr, reason string) *response {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, reportURL, strings.NewReader(url.Values{"reason": {reason}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = addr
		return s.do(t, req)
	}
	report("198.51.100.1:4000", "").wantStatus(http.StatusUnprocessableEntity).wantContains("Choose what is wrong with this reply.")
	report("198.51.100.1:4000", "harmful-advice").wantStatus(http.StatusOK).wantContains("Thank you.")
	report("198.51.100.1:4001", "misinformation").wantStatus(http.StatusOK) // the same reader again
	if n := s.count(t, `SELECT count(*) FROM reports WHERE comment_id = ?`, id); n != 1 {
		t.Fatalf("%d reports after one reader reported twice, want 1", n)
	}
	if n := s.count(t, `SELECT count(*) FROM reports WHERE client_hash LIKE '%198.51%'`); n != 0 {
		t.Error("a report keeps the reader's address")
	}
	report("198.51.100.2:4000", "misinformation").wantStatus(http.StatusOK)
	s.get(t, articlePath).wantContains("magnets work better") // two readers: still there
	report("203.0.113.9:4000", "harmful-advice").wantStatus(http.StatusOK)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantNotContains("magnets work better")
	if n := s.count(t, `SELECT count(*) FROM comments WHERE id = ? AND status = 'pending' AND held_reason = 'hidden after 3 readers reported it'`, id); n != 1 {
		t.Error("the reply reported by three readers is not held with the reason")
	}

	mod := s.moderator(t)
	s.getAs(t, mod, "/admin/").wantStatus(http.StatusOK).
		wantContains(`<a class="card card-attention" href="/admin/comments?status=reported"><strong>1</strong> reported by readers</a>`)
	tab := s.getAs(t, mod, "/admin/comments?status=reported").wantStatus(http.StatusOK)
	tab.wantContains("Reported <span class=\"count\">1</span>", "<strong>Reported:</strong> Harmful medical advice (2), Medical misinformation",
		"magnets work better").wantNotContains("Still held.")
	s.postForm(t, "/admin/comments/"+itoa(id)+"/action/approve", nil, mod).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantContains("magnets work better")
	s.getAs(t, mod, "/admin/comments?status=reported").wantStatus(http.StatusOK).
		wantContains("Reported <span class=\"count\">0</span>", "No reported replies")
	if n := s.count(t, `SELECT count(*) FROM reports WHERE comment_id = ? AND closed_at IS NULL`, id); n != 0 {
		t.Errorf("%d reports still open after the moderator kept the reply", n)
	}
}
