package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure the whole newsroom works through HTTP with four roles: an author writes, a
// reviewer asks for changes, the author fixes them, the reviewer signs off, the author
// cannot publish but an editor can; an edit of the published article waits as a
// pending change while readers keep the reviewed text, until it is reviewed and
// published; an editor's minor fix goes live at once, an author's is refused with
// everything typed kept. Each dashboard shows what waits for that person.
func TestNewsroom_WriteReviewPublishEdit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	author := s.signIn(t, s.addUser(t, model.RoleAuthor))
	reviewer := s.signIn(t, s.addUser(t, model.RoleReviewer))
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	moderator := s.signIn(t, s.addUser(t, model.RoleModerator))
	version := func() string {
		t.Helper()
		var v int
		if err := s.db.QueryRow(`SELECT version FROM articles WHERE slug = 'sodium-and-cramps'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return itoa(int64(v))
	}
	status := func(cookie *http.Cookie, id int64, action string) *response {
		t.Helper()
		return s.postForm(t, "/admin/articles/"+itoa(id)+"/status", url.Values{"action": {action}, "version": {version()}}, cookie)
	}
	review := func(cookie *http.Cookie, id int64, decision, notes string) *response {
		t.Helper()
		return s.postForm(t, "/admin/articles/"+itoa(id)+"/review", url.Values{"decision": {decision}, "notes": {notes}, "version": {version()}}, cookie)
	}
	edit := func(cookie *http.Cookie, id int64, body string, extra ...string) *response {
		t.Helper()
		v := editorValues("Sodium and cramps", 0)
		v.Set("version", version())
		v.Set("body", body)
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", v, cookie)
	}
	const first = "Cramps at night are common [1].\n"
	const dangerous = "Take 500 mg of sodium every 10 minutes.\n"

	id := createArticle(t, s, author, "Sodium and cramps")
	edit(author, id, first).wantStatus(http.StatusSeeOther)
	status(author, id, "submit").wantStatus(http.StatusSeeOther)
	s.getAs(t, author, "/admin/").wantStatus(http.StatusOK).wantContains("Sent for review", "Sodium and cramps")
	s.getAs(t, reviewer, "/admin/").wantStatus(http.StatusOK).wantContains("Waiting for your review", "Sodium and cramps", "waiting less than an hour")

	// Changes requested, notes required.
	review(reviewer, id, "changes", "  ").wantStatus(http.StatusUnprocessableEntity).
		wantContains("Say what needs to change", `<textarea id="notes" name="notes"`)
	review(reviewer, id, "changes", "Cite a source for the <em>night</em> claim.").wantStatus(http.StatusSeeOther)
	s.getAs(t, author, "/admin/").wantStatus(http.StatusOK).
		wantContains("Changes requested", "Cite a source for the &lt;em&gt;night&lt;/em&gt; claim.").wantNotContains("<em>night</em>")
	s.getAs(t, author, "/admin/articles/"+itoa(id)).wantStatus(http.StatusOK).
		wantContains(`<span class="status status-draft">Draft</span>`, "Changes requested", "Cite a source for the &lt;em&gt;night&lt;/em&gt; claim.")
	s.getAs(t, reviewer, "/admin/").wantContains("Changes you asked for").wantNotContains("Waiting for your review")

	// Fixed, sent again, reviewed; the author may not publish, an editor does.
	edit(author, id, "Cramps at night are common in older adults [1].\n", "action", "save-submit").
		wantStatus(http.StatusSeeOther).wantSeeOtherTo("/admin/articles/" + itoa(id) + "?done=submitted")
	s.getAs(t, author, "/admin/articles/"+itoa(id)).wantNotContains("Changes requested")
	review(reviewer, id, "approve", "").wantStatus(http.StatusSeeOther)
	status(author, id, "publish").wantStatus(http.StatusForbidden).wantContains("Only editors and administrators publish")
	s.getAs(t, author, "/admin/articles/"+itoa(id)).wantNotContains(`value="publish"`)
	s.getAs(t, editor, "/admin/").wantContains("Reviewed, ready to publish", "Sodium and cramps")
	status(editor, id, "publish").wantStatus(http.StatusSeeOther)
	s.get(t, "/articles/sodium-and-cramps").wantStatus(http.StatusOK).
		wantContains("Cramps at night are common in older adults", "Medically reviewed by")
	s.getAs(t, author, "/admin/").wantContains("Recently published")

	// An edit of the published article waits for review; readers keep the old text.
	edit(author, id, dangerous).wantStatus(http.StatusSeeOther).
		wantSeeOtherTo("/admin/articles/" + itoa(id) + "/edit?done=saved-change")
	s.get(t, "/articles/sodium-and-cramps").wantStatus(http.StatusOK).
		wantContains("Cramps at night are common in older adults", "Medically reviewed by").wantNotContains("500 mg")
	s.get(t, "/search?q=sodium+every+minutes").wantNotContains("500 mg")
	s.getAs(t, editor, "/admin/articles/"+itoa(id)).wantStatus(http.StatusOK).
		wantContains("Pending change", "Change: Draft", `class="diff-add">+ Take 500 mg of sodium every 10 minutes.`,
			`class="diff-del">− Cramps at night are common in older adults [1].`, "view the live version")
	s.getAs(t, author, "/admin/articles/"+itoa(id)+"/edit").wantContains("You are editing the pending change", "Take 500 mg")
	status(editor, id, "publish").wantStatus(http.StatusConflict).wantContains("has not been medically reviewed")
	status(author, id, "submit").wantStatus(http.StatusSeeOther)
	s.getAs(t, reviewer, "/admin/").wantContains("Waiting for your review", "a change to the published article")
	review(reviewer, id, "approve", "").wantStatus(http.StatusSeeOther)
	s.get(t, "/articles/sodium-and-cramps").wantNotContains("500 mg")
	status(editor, id, "publish").wantStatus(http.StatusSeeOther)
	s.get(t, "/articles/sodium-and-cramps").wantStatus(http.StatusOK).wantContains("Take 500 mg of sodium", "Medically reviewed by <strong>Staff reviewer</strong>")

	// A minor fix: the editor's goes live, the author's is refused with their text.
	edit(editor, id, "Take 500 mg of sodium every 10 minutes (a typo fixed).\n", "minor", "on", "minor_reason", "Fixed a typo").
		wantStatus(http.StatusSeeOther).wantSeeOtherTo("/admin/articles/" + itoa(id) + "/edit?done=saved-minor")
	s.get(t, "/articles/sodium-and-cramps").wantContains("(a typo fixed)")
	s.getAs(t, editor, "/admin/articles/"+itoa(id)+"/revisions").wantContains("Minor change, not medically reviewed: Fixed a typo")
	edit(author, id, "An author's own quick fix.\n", "minor", "on", "minor_reason", "Typo").
		wantStatus(http.StatusUnprocessableEntity).
		wantContains("Only editors and administrators may publish a change without medical review", "An author&#39;s own quick fix.")
	s.get(t, "/articles/sodium-and-cramps").wantNotContains("quick fix")

	// "Save and publish" from the editor: the reviewed change goes out as it is; a
	// changed text is saved, and the page says why it did not go out.
	edit(author, id, "A reviewed second change.\n", "action", "save-submit").wantStatus(http.StatusSeeOther)
	review(reviewer, id, "approve", "").wantStatus(http.StatusSeeOther)
	s.getAs(t, author, "/admin/articles/"+itoa(id)+"/edit").wantNotContains(`value="save-publish"`)
	s.getAs(t, editor, "/admin/articles/"+itoa(id)+"/edit").wantContains(`value="save-publish"`)
	edit(editor, id, "A reviewed second change.\n", "action", "save-publish").
		wantStatus(http.StatusSeeOther).wantSeeOtherTo("/admin/articles/" + itoa(id) + "?done=published")
	s.get(t, "/articles/sodium-and-cramps").wantContains("A reviewed second change.")
	edit(editor, id, "An unreviewed third change.\n", "action", "save-publish").
		wantStatus(http.StatusConflict).wantContains("Saved, but not published", "has not been medically reviewed")
	s.get(t, "/articles/sodium-and-cramps").wantContains("A reviewed second change.").wantNotContains("third change")

	// The moderator's dashboard is of replies, not articles.
	s.getAs(t, moderator, "/admin/").wantStatus(http.StatusOK).wantContains("Replies", "waiting").
		wantNotContains("Waiting for your review", "Reviewed, ready to publish", "Your drafts")
}

// Ensure a reviewer's dashboard lists the published articles whose medical review
// falls due within the next 30 days, and says how far ahead it looks.
func TestDashboard_DueForReview(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	reviewer := s.signIn(t, s.addUser(t, model.RoleReviewer))
	s.getAs(t, reviewer, "/admin/").wantStatus(http.StatusOK).wantNotContains("Due for medical re-review")
	s.exec(t, `UPDATE articles SET next_review_at = ? WHERE id = 1`, s.clock().Add(10*24*time.Hour).UTC())
	s.getAs(t, reviewer, "/admin/").wantStatus(http.StatusOK).
		wantContains("Due for medical re-review within 30 days", "Understanding Involuntary Muscle Twitches")
}

// Ensure what an import brought in is listed for reviewers as "imported, not yet
// reviewed here" (the published first, marked in the articles list too) until a
// reviewer signs it off, and never for an author, who cannot review.
func TestDashboard_ImportedNotReviewed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	reviewer := s.signIn(t, s.addUser(t, model.RoleReviewer))
	author := s.signIn(t, s.addUser(t, model.RoleAuthor))
	s.getAs(t, reviewer, "/admin/").wantStatus(http.StatusOK).wantNotContains("Imported, not yet reviewed here")
	imported := publish(t, s, 1, model.Article{Slug: "heat-cramps", Title: "Heat cramps, from the old site"})
	draft := publish(t, s, 2, model.Article{Slug: "old-draft", Title: "An old draft", Status: model.ArticleDraft})
	for i, a := range []*model.Article{imported, draft} {
		s.exec(t, `INSERT INTO import_sources (source, kind, original_id, local_id, created_at) VALUES ('wordpress https://old.example', 'post', ?, ?, ?)`,
			i+1, a.ID, s.clock().UTC())
	}
	s.getAs(t, reviewer, "/admin/").wantStatus(http.StatusOK).
		wantInOrder("Imported, not yet reviewed here", "the published ones are on the site without a review",
			"Heat cramps, from the old site", "An old draft")
	s.getAs(t, reviewer, "/admin/articles?imported=1").wantStatus(http.StatusOK).
		wantContains("<h1>Imported, not yet reviewed here</h1>", "Heat cramps, from the old site", "An old draft").
		wantNotContains("Understanding Involuntary Muscle Twitches", `class="flag-imported"`)
	s.getAs(t, reviewer, "/admin/articles").wantStatus(http.StatusOK).wantContains("imported, not yet reviewed here")
	s.getAs(t, author, "/admin/").wantStatus(http.StatusOK).wantNotContains("Imported, not yet reviewed here")

	s.exec(t, `UPDATE articles SET reviewed_at = ?, reviewer_name = 'Dr. Rita Reviewer', next_review_at = ? WHERE id = ?`,
		s.clock().UTC(), s.clock().AddDate(1, 0, 0).UTC(), imported.ID)
	s.getAs(t, reviewer, "/admin/").wantStatus(http.StatusOK).
		wantContains("Imported, not yet reviewed here", "An old draft").
		wantNotContains("Heat cramps, from the old site", "the published ones are on the site without a review")
	s.getAs(t, reviewer, "/admin/articles").wantStatus(http.StatusOK).wantContains("imported, not yet reviewed here")
}
