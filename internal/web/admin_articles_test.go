package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// editorForm returns a valid editor submission.
func editorValues(title string, version int) url.Values {
	return url.Values{
		"title":         {title},
		"slug":          {""},
		"summary":       {"A short summary."},
		"body":          {"## Causes\n\nCaffeine can trigger twitches [1].\n"},
		"tags":          {"Neurology, Sleep"},
		"comments_open": {"on"},
		"version":       {strconv.Itoa(version)},
		"ref_title":     {"Sleep and muscle health", "Caffeine review", ""},
		"ref_url":       {"https://example.org/sleep", "https://example.org/caffeine", ""},
		"ref_publisher": {"Example University", "", ""},
		"ref_doi":       {"10.1000/xyz123", "", ""},
		"ref_pmid":      {"", "12345678", ""},
		"action":        {"save"},
	}
}

// createArticle writes a new article through the editor as u and returns its ID.
func createArticle(t testing.TB, s *site, cookie *http.Cookie, title string) int64 {
	t.Helper()
	res := s.postForm(t, "/admin/articles/new", editorValues(title, 0), cookie).wantStatus(http.StatusSeeOther)
	loc := res.Header.Get("Location")
	var id int64
	if _, err := fmtSscanf(loc, "/admin/articles/%d/edit?done=saved", &id); err != nil {
		t.Fatalf("Location after create = %q", loc)
	}
	return id
}

// Ensure an author can write an article in the editor: it is saved as a draft with its
// references in order, its tags and a first revision, and the editor shows it again.
func TestArticles_AuthorCreatesDraft(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	author := s.addUser(t, model.RoleAuthor)
	cookie := s.signIn(t, author)
	id := createArticle(t, s, cookie, "Sleep, Caffeine and Twitches")
	a, err := s.store.Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != model.ArticleDraft || a.Slug != "sleep-caffeine-and-twitches" || a.AuthorID != author.ID || a.Version != 1 {
		t.Errorf("saved: status %q slug %q author %d version %d", a.Status, a.Slug, a.AuthorID, a.Version)
	}
	if len(a.References) != 2 || a.References[0].Title != "Sleep and muscle health" || a.References[0].DOI != "10.1000/xyz123" || a.References[1].PMID != "12345678" {
		t.Errorf("references = %+v", a.References)
	}
	if len(a.Tags) != 2 || a.Tags[0].Slug != "neurology" || a.Tags[1].Name != "Sleep" {
		t.Errorf("tags = %+v", a.Tags)
	}
	if n := s.count(t, `SELECT count(*) FROM revisions WHERE article_id = ?`, id); n != 1 {
		t.Errorf("%d revisions after creating, want 1", n)
	}
	s.getAs(t, cookie, "/admin/articles/"+itoa(id)+"/edit?done=saved").wantStatus(http.StatusOK).
		wantContains("Article saved.", `value="Sleep, Caffeine and Twitches"`, `value="https://example.org/caffeine"`, "Neurology, Sleep")
	s.getAs(t, cookie, "/admin/articles").wantStatus(http.StatusOK).wantContains("Sleep, Caffeine and Twitches", "Draft")
	s.get(t, "/articles/"+a.Slug).wantStatus(http.StatusNotFound)
}

// Ensure a refused save shows the editor again with 422, the problem next to its field
// and everything typed, and saves nothing.
func TestArticles_InvalidSaveKeepsWork(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	tests := []struct {
		Name    string
		Change  func(v url.Values)
		Message string
	}{
		{"ErrTitleRequired", func(v url.Values) { v.Set("title", " ") }, "Title is required."},
		{"ErrSlugFormat", func(v url.Values) { v.Set("slug", "Not A Slug!") }, "Use only lower-case letters"},
		{"ErrReferenceURL", func(v url.Values) { v["ref_url"] = []string{"javascript:alert(1)", "https://example.org/caffeine", ""} },
			"Reference 1 needs a web address starting with http:// or https://."},
		{"ErrReferenceRepeatedURL", func(v url.Values) {
			v["ref_url"] = []string{"https://example.org/sleep", "http://EXAMPLE.org/sleep/", ""}
		},
			"Reference 2 repeats the address of reference 1."},
		{"ErrReferenceRepeatedTitle", func(v url.Values) { v["ref_title"] = []string{"Caffeine review", "caffeine  REVIEW", ""} },
			"Reference 2 repeats the title of reference 1."},
		{"ErrReferenceDOI", func(v url.Values) { v["ref_doi"] = []string{"doi:xyz", "", ""} }, "a DOI looks like 10.1000/xyz123"},
		{"ErrReferenceNoTitle", func(v url.Values) { v["ref_title"] = []string{"", "Caffeine review", ""} }, "Reference 1 needs a title."},
		{"ErrNextReviewDate", func(v url.Values) { v.Set("next_review", "next year") }, "Enter a date such as 2027-09-30."},
		{"ErrTagOnlyOtherScript", func(v url.Values) { v.Set("tags", "Neurology, 日本語") }, "a tag written only in another script has none"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			before := s.count(t, `SELECT count(*) FROM articles`)
			v := editorValues("Kept <title> & text", 0)
			v.Set("body", "Body the author typed <b>here</b>.")
			tt.Change(v)
			res := s.postForm(t, "/admin/articles/new", v, cookie).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains("The article was not saved.", htmlEscape(tt.Message), "Body the author typed &lt;b&gt;here&lt;/b&gt;.</textarea>",
				`value="Example University"`)
			if v.Get("title") != " " {
				res.wantContains(`value="Kept &lt;title&gt; &amp; text"`)
			}
			if n := s.count(t, `SELECT count(*) FROM articles`); n != before {
				t.Error("a refused article was saved")
			}
		})
	}
}

// Ensure two people editing one article cannot overwrite each other: the second save
// is refused with 409, a clear message and everything they typed.
func TestArticles_ConcurrentEditConflict(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	id := createArticle(t, s, cookie, "Shared article")
	first := editorValues("Shared article, first edit", 1)
	second := editorValues("Shared article, second edit", 1)
	second.Set("body", "The second editor's careful paragraph.")
	s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", first, cookie).wantStatus(http.StatusSeeOther)
	res := s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", second, cookie).wantStatus(http.StatusConflict)
	res.wantContains("Someone else saved this article after you opened it", `value="Shared article, second edit"`,
		"The second editor&#39;s careful paragraph.</textarea>")
	a, _ := s.store.Article(context.Background(), id)
	if a.Title != "Shared article, first edit" || a.Version != 2 {
		t.Errorf("after the conflict: title %q version %d", a.Title, a.Version)
	}
}

// Ensure a save sent after the session ended shows the editor again with what was
// typed, instead of losing it on the way to the sign-in page.
func TestArticles_ExpiredSessionKeepsWork(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	id := createArticle(t, s, cookie, "Long afternoon")
	s.advance(2 * time.Hour) // past the idle limit
	v := editorValues("Long afternoon, revised", 1)
	v.Set("body", "Three hours of careful writing.")
	res := s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", v, cookie).wantStatus(http.StatusUnauthorized)
	res.wantContains("Your session has ended", "Three hours of careful writing.</textarea>", `value="Long afternoon, revised"`, "/admin/login")
	res.wantNotContains("Caffeine can trigger") // nothing of the stored article leaks to someone signed out
	a, _ := s.store.Article(context.Background(), id)
	if a.Title != "Long afternoon" {
		t.Error("a save without a session changed the article")
	}
}

// Ensure the workflow follows the state table for every role: who may move an article
// from which status to which (only editors and administrators publish, schedule,
// archive or take back), and that publishing needs a medical review.
func TestArticles_WorkflowStateTable(t *testing.T) {
	t.Parallel()
	type want int
	const (
		allowed want = iota
		forbidden
		impossible
	)
	statuses := []model.ArticleStatus{model.ArticleDraft, model.ArticleInReview, model.ArticleScheduled, model.ArticlePublished, model.ArticleArchived}
	actions := []string{"submit", "withdraw", "publish", "schedule", "archive"}
	roles := []struct {
		Name  string
		Role  model.Role
		Owner bool
	}{
		{"Admin", model.RoleAdmin, false}, {"Editor", model.RoleEditor, false}, {"AuthorOwn", model.RoleAuthor, true},
		{"AuthorOther", model.RoleAuthor, false}, {"Reviewer", model.RoleReviewer, false}, {"Moderator", model.RoleModerator, false},
	}
	s := newSite(t)
	for _, r := range roles {
		u := s.addUser(t, r.Role)
		cookie := s.signIn(t, u)
		for _, from := range statuses {
			for _, action := range actions {
				t.Run(r.Name+"/"+string(from)+"/"+action, func(t *testing.T) {
					owner := int64(1) // the demo author
					if r.Owner {
						owner = u.ID
					}
					a := addArticle(t, s, "wf-"+r.Name+"-"+string(from)+"-"+action, from)
					s.exec(t, `UPDATE articles SET author_id = ?, reviewer_name = 'Dr. R', reviewed_at = ? WHERE id = ?`, owner, time.Now().UTC(), a.ID)
					expect := impossible
					if tr, err := model.TransitionFor(action, from); err == nil {
						expect = allowed
						if tr.IsPublishing(from) && !r.Role.Can(model.PermPublish) {
							expect = forbidden // authors send for review and take back from there
						}
					}
					canEdit := r.Role.Can(model.PermEditAllArticles) || (r.Role.Can(model.PermEditOwnArticles) && r.Owner)
					if !canEdit {
						expect = forbidden
					}
					form := url.Values{"action": {action}, "version": {"1"}, "scheduled_at": {s.clock().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04")}}
					res := s.postForm(t, "/admin/articles/"+itoa(a.ID)+"/status", form, cookie)
					var status string
					if err := s.db.QueryRow(`SELECT status FROM articles WHERE id = ?`, a.ID).Scan(&status); err != nil {
						t.Fatal(err)
					}
					switch expect {
					case allowed:
						res.wantStatus(http.StatusSeeOther)
						tr, _ := model.TransitionFor(action, from)
						if status != string(tr.To) {
							t.Errorf("status = %q, want %q", status, tr.To)
						}
					case forbidden:
						res.wantStatus(http.StatusForbidden)
						if status != string(from) {
							t.Errorf("a forbidden change happened: %q", status)
						}
					case impossible:
						res.wantStatus(http.StatusConflict)
						if status != string(from) {
							t.Errorf("an impossible change happened: %q", status)
						}
					}
				})
			}
		}
	}
}

// Ensure an unreviewed article cannot be published or scheduled unless the
// administrator allows it, and that a reviewer's sign-off is shown on the page.
func TestArticles_ReviewRequiredToPublish(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	reviewerUser := s.addUser(t, model.RoleReviewer)
	s.exec(t, `UPDATE users SET name = 'Dr. Lena Ortiz', credentials = 'MD, neurologist' WHERE id = ?`, reviewerUser.ID)
	reviewer := s.signIn(t, reviewerUser)
	id := createArticle(t, s, editor, "Unreviewed article")
	publish := url.Values{"action": {"publish"}, "version": {"1"}}
	s.postForm(t, "/admin/articles/"+itoa(id)+"/status", publish, editor).wantStatus(http.StatusConflict).wantContains("Medical review needed")

	s.getAs(t, reviewer, "/admin/articles/"+itoa(id)).wantStatus(http.StatusOK).wantContains("Record my review").wantNotContains("Publish now")
	s.postForm(t, "/admin/articles/"+itoa(id)+"/review", url.Values{"version": {"1"}}, reviewer).wantStatus(http.StatusSeeOther)
	a, _ := s.store.Article(context.Background(), id)
	if a.ReviewerName != "Dr. Lena Ortiz" || a.ReviewerCredentials != "MD, neurologist" || a.ReviewedAt == nil || a.NextReviewAt == nil ||
		a.NextReviewAt.Sub(*a.ReviewedAt) < 360*24*time.Hour {
		t.Fatalf("after review: %q %q %v %v", a.ReviewerName, a.ReviewerCredentials, a.ReviewedAt, a.NextReviewAt)
	}
	publish.Set("version", strconv.Itoa(a.Version))
	s.postForm(t, "/admin/articles/"+itoa(id)+"/status", publish, editor).wantStatus(http.StatusSeeOther)
	s.get(t, "/articles/"+a.Slug).wantStatus(http.StatusOK).wantContains("Medically reviewed by <strong>Dr. Lena Ortiz</strong>, MD, neurologist")
	s.get(t, "/").wantContains("Unreviewed article")

	t.Run("AllowedBySetting", func(t *testing.T) {
		s.setPolicy(t, func(p *model.Policy) { p.PublishWithoutReview = true })
		other := createArticle(t, s, editor, "Quick note")
		s.postForm(t, "/admin/articles/"+itoa(other)+"/status", url.Values{"action": {"publish"}, "version": {"1"}}, editor).wantStatus(http.StatusSeeOther)
	})
}

// Ensure a scheduled article goes out when its time comes and not before, using the
// server's clock, without sleeping.
func TestArticles_ScheduledPublish(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.PublishWithoutReview = true })
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	id := createArticle(t, s, editor, "Scheduled piece")
	at := s.clock().UTC().Add(3 * time.Hour).Truncate(time.Minute)
	form := url.Values{"action": {"schedule"}, "version": {"1"}, "scheduled_at": {at.Format("2006-01-02T15:04")}}
	s.postForm(t, "/admin/articles/"+itoa(id)+"/status", form, editor).wantStatus(http.StatusSeeOther)
	past := url.Values{"action": {"schedule"}, "version": {"2"}, "scheduled_at": {s.clock().UTC().Add(-time.Hour).Format("2006-01-02T15:04")}}
	s.postForm(t, "/admin/articles/"+itoa(id)+"/status", past, editor).wantStatus(http.StatusConflict)

	ctx := context.Background()
	svc := publishing.New(s.store) // as the scheduler does
	if n, err := svc.PublishDue(ctx, at.Add(-time.Second)); err != nil || n != 0 {
		t.Fatalf("before its time: published %d (%v)", n, err)
	}
	s.get(t, "/articles/scheduled-piece").wantStatus(http.StatusNotFound)
	if n, err := svc.PublishDue(ctx, at); err != nil || n != 1 {
		t.Fatalf("at its time: published %d (%v)", n, err)
	}
	s.get(t, "/articles/scheduled-piece").wantStatus(http.StatusOK).wantContains("Scheduled piece")
	a, _ := s.store.Article(ctx, id)
	if a.PublishedAt == nil || !a.PublishedAt.Equal(at) {
		t.Errorf("published_at = %v, want %v", a.PublishedAt, at)
	}
}

// Ensure every save keeps a revision, two revisions can be compared, and an old one
// restored as a new save once confirmed on a page of its own.
func TestArticles_Revisions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	id := createArticle(t, s, cookie, "Revised article")
	v := editorValues("Revised article", 1)
	v.Set("body", "## Causes\n\nCoffee can trigger twitches [1].\nA new line.\n")
	s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", v, cookie).wantStatus(http.StatusSeeOther)
	list := s.getAs(t, cookie, "/admin/articles/"+itoa(id)+"/revisions").wantStatus(http.StatusOK)
	list.wantContains("Created", "Saved", "Staff editor")
	var oldest, newest int64
	s.db.QueryRow(`SELECT min(id), max(id) FROM revisions WHERE article_id = ?`, id).Scan(&oldest, &newest)
	diff := s.getAs(t, cookie, "/admin/articles/"+itoa(id)+"/revisions/diff?from="+itoa(oldest)+"&to="+itoa(newest)).wantStatus(http.StatusOK)
	diff.wantContains(`class="diff-del">− Caffeine can trigger twitches [1].`, `class="diff-add">+ Coffee can trigger twitches [1].`, `class="diff-add">+ A new line.`)
	restore := "/admin/articles/" + itoa(id) + "/revisions/" + itoa(oldest) + "/restore"
	list.wantContains(`<a href="` + restore + `">Restore…</a>`).wantNotContains(`formaction="` + restore)
	s.getAs(t, cookie, restore).wantStatus(http.StatusOK).
		wantContains("Restore this revision?", `class="diff-del">− Coffee can trigger twitches [1].`, `class="diff-add">+ Caffeine can trigger twitches [1].`,
			`<form action="`+restore+`" method="post"`, `name="version" value="2"`)
	if a, _ := s.store.Article(context.Background(), id); a.Version != 2 {
		t.Fatalf("opening the confirmation changed the article: version %d", a.Version)
	}
	s.postForm(t, restore, url.Values{"version": {"2"}}, cookie).wantStatus(http.StatusSeeOther)
	a, _ := s.store.Article(context.Background(), id)
	if !strings.Contains(a.BodyMarkdown, "Caffeine can trigger") || a.Version != 3 {
		t.Errorf("after restore: version %d body %q", a.Version, a.BodyMarkdown)
	}
	if n := s.count(t, `SELECT count(*) FROM revisions WHERE article_id = ?`, id); n != 3 {
		t.Errorf("%d revisions, want 3", n)
	}
}

// Ensure the list of revisions never offers a comparison that fails: one revision has
// no compare form, two or more have both choices made, so pressing Compare as the page
// comes shows the changes; a comparison sent without its choices shows the list again
// with what to do, not a bare error page.
func TestArticles_RevisionsCompareForm(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	id := createArticle(t, s, cookie, "Revised once")
	list := "/admin/articles/" + itoa(id) + "/revisions"
	var first int64
	s.db.QueryRow(`SELECT id FROM revisions WHERE article_id = ?`, id).Scan(&first)

	t.Run("OneRevisionNothingToCompare", func(t *testing.T) {
		s.getAs(t, cookie, list).wantStatus(http.StatusOK).
			wantContains("Created", "Only one revision so far: once the article is saved again, the two can be compared.").
			wantNotContains("/revisions/diff", `name="from"`, `name="to"`, "Compare selected", ">Compare</th>", "form-errors")
	})
	t.Run("ErrChoicesMissing", func(t *testing.T) {
		for _, query := range []string{"", "?to=" + itoa(first), "?from=" + itoa(first), "?from=&to=", "?from=abc&to=" + itoa(first)} {
			s.getAs(t, cookie, list+"/diff"+query).wantStatus(http.StatusUnprocessableEntity).
				wantContains("<h1>History</h1>", `<div class="form-errors" role="alert"><p><strong>Nothing was compared.</strong> Choose the two revisions to compare in the list below, then press “Compare selected”.</p></div>`,
					"Only one revision so far").
				wantNotContains("Error 400", "Choose two revisions")
		}
	})

	v := editorValues("Revised once", 1)
	v.Set("body", "## Causes\n\nCoffee can trigger twitches [1].\n")
	s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", v, cookie).wantStatus(http.StatusSeeOther)
	var second int64
	s.db.QueryRow(`SELECT max(id) FROM revisions WHERE article_id = ?`, id).Scan(&second)

	t.Run("TwoRevisionsChosenAlready", func(t *testing.T) {
		page := s.getAs(t, cookie, list).wantStatus(http.StatusOK).
			wantContains(`name="from" value="`+itoa(first)+`" id="from-`+itoa(first)+`" checked>`,
				`name="to" value="`+itoa(second)+`" id="to-`+itoa(second)+`" checked>`, "Compare selected").
			wantNotContains("Only one revision so far")
		_, forms := crawlHTML(page.Body, list)
		var compare *crawlForm
		for i, f := range forms {
			if f.Method == http.MethodGet && f.Action == list+"/diff" {
				compare = &forms[i]
			}
		}
		if compare == nil {
			t.Fatalf("no compare form among %+v", forms)
		}
		s.getAs(t, cookie, compare.Action+"?"+compare.Fields.Encode()).wantStatus(http.StatusOK).
			wantContains(`class="diff-del">− Caffeine can trigger twitches [1].`, `class="diff-add">+ Coffee can trigger twitches [1].`).
			wantNotContains("Nothing changed between these two revisions.")
	})
	t.Run("SameRevisionTwice", func(t *testing.T) {
		s.getAs(t, cookie, list+"/diff?from="+itoa(second)+"&to="+itoa(second)).wantStatus(http.StatusOK).
			wantContains("Nothing changed between these two revisions.").wantNotContains("diff-del", "diff-add")
	})
}

// Ensure the preview renders Markdown as the public page does, sanitised, and nothing
// is saved.
func TestArticles_Preview(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleAuthor))
	v := editorValues("Preview me", 0)
	v.Set("action", "preview")
	v.Set("body", "**Bold** claim <script>alert(1)</script>")
	res := s.postForm(t, "/admin/articles/new", v, cookie).wantStatus(http.StatusOK)
	res.wantContains("<strong>Bold</strong> claim", `value="Preview me"`).wantNotContains("<script>alert(1)")
	if n := s.count(t, `SELECT count(*) FROM articles WHERE title = 'Preview me'`); n != 0 {
		t.Error("preview saved the article")
	}
	live := s.postForm(t, "/admin/preview", url.Values{"body": {"*live* <img src=x onerror=alert(1)>"}}, cookie).wantStatus(http.StatusOK)
	live.wantContains("<em>live</em>").wantNotContains("onerror")
	s.postForm(t, "/admin/preview", url.Values{"body": {"x"}}, nil).wantStatus(http.StatusSeeOther)
	// The longest body the editor saves, in Cyrillic, is three times as long URL-encoded
	// (each byte as %XX): the live preview must still show it.
	long := strings.Repeat("д", model.MaxBody/2)
	s.postForm(t, "/admin/preview", url.Values{"body": {long}}, cookie).wantStatus(http.StatusOK).wantContains(long[:200])
}

// Ensure authors see and edit only their own articles, while editors see all.
func TestArticles_AuthorsOwnOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	me := s.signIn(t, s.addUser(t, model.RoleAuthor))
	other := s.signIn(t, s.addUser(t, model.RoleAuthor))
	id := createArticle(t, s, other, "Someone else's draft")
	s.getAs(t, me, "/admin/articles").wantStatus(http.StatusOK).wantNotContains("Someone else&#39;s draft", "Understanding Involuntary")
	s.getAs(t, me, "/admin/articles/"+itoa(id)+"/edit").wantStatus(http.StatusForbidden)
	s.getAs(t, me, "/admin/articles/"+itoa(id)).wantStatus(http.StatusForbidden)
	s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", editorValues("Hijacked", 1), me).wantStatus(http.StatusForbidden)
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	s.getAs(t, editor, "/admin/articles").wantContains("Someone else&#39;s draft", "Understanding Involuntary")
	s.getAs(t, s.signIn(t, s.addUser(t, model.RoleModerator)), "/admin/articles").wantStatus(http.StatusForbidden)
}

// Ensure changing an article's address keeps the old one as a redirect, and that an
// address in use by another article is refused.
func TestArticles_SlugChange(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	v := editorValues("Understanding Involuntary Muscle Twitches: Causes and Management", 1)
	v.Set("slug", "muscle-twitches")
	v.Set("minor", "on") // live at once: an address is not medical content
	v.Set("minor_reason", "A shorter address")
	s.postForm(t, "/admin/articles/1/edit", v, cookie).wantStatus(http.StatusSeeOther)
	if slug, err := s.store.RedirectSlug(context.Background(), "understanding-involuntary-muscle-twitches"); err != nil || slug != "muscle-twitches" {
		t.Fatalf("redirect = %q, %v", slug, err)
	}
	s.get(t, "/articles/muscle-twitches").wantStatus(http.StatusOK)
	other := createArticle(t, s, cookie, "Another one")
	taken := editorValues("Another one", 1)
	taken.Set("slug", "understanding-involuntary-muscle-twitches")
	s.postForm(t, "/admin/articles/"+itoa(other)+"/edit", taken, cookie).wantStatus(http.StatusUnprocessableEntity).
		wantContains("Another article has, or had, this address.")
}

// Ensure an image uploaded from the editor is stored and inserted into the body as
// Markdown, with everything else typed kept and nothing saved until Save; a refused
// upload keeps the work too.
func TestArticles_EditorUpload(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	id := createArticle(t, s, cookie, "Illustrated article")
	send := func(t testing.TB, data []byte, alt string) *response {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		values := editorValues("Illustrated article, unsaved title", 1)
		values.Del("action")
		for k, vs := range values {
			for _, v := range vs {
				w.WriteField(k, v)
			}
		}
		w.WriteField("action", "upload")
		w.WriteField("image_alt", alt)
		part, _ := w.CreateFormFile("image", "figure.png")
		part.Write(data)
		w.Close()
		req := httptest.NewRequest(http.MethodPost, "/admin/articles/"+itoa(id)+"/edit", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(cookie)
		return s.do(t, req)
	}
	png := pngImage(t, 4, 3)
	res := send(t, png, "Diagram of a motor unit").wantStatus(http.StatusOK)
	res.wantContains("The image was added at the end of the body", `value="Illustrated article, unsaved title"`,
		"![Diagram of a motor unit](/media/"+mediaName(png, "png")+")\n</textarea>")
	if files := mediaFiles(t, dir); len(files) != 1 {
		t.Errorf("media files = %v", files)
	}
	a, _ := s.store.Article(context.Background(), id)
	if a.Title != "Illustrated article" {
		t.Error("uploading an image saved the article")
	}
	refused := send(t, []byte("<html>not an image</html>"), "x").wantStatus(http.StatusUnprocessableEntity)
	refused.wantContains(`value="Illustrated article, unsaved title"`, "Caffeine can trigger twitches [1].")
}

// Ensure each refusal of the publishing service reaches the person as its own status
// and words, and changes nothing.
func TestArticles_RefusalsWorded(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	editor := s.signIn(t, s.addUser(t, model.RoleEditor))
	reviewer := s.signIn(t, s.addUser(t, model.RoleReviewer))
	id := createArticle(t, s, editor, "Refused steps")
	v := editorValues("Refused steps", 1)
	v.Set("body", "A second version.\n")
	s.postForm(t, "/admin/articles/"+itoa(id)+"/edit", v, editor).wantStatus(http.StatusSeeOther)
	var oldest int64
	s.db.QueryRow(`SELECT min(id) FROM revisions WHERE article_id = ?`, id).Scan(&oldest)
	base := "/admin/articles/" + itoa(id)
	tests := []struct {
		Name   string
		URL    string
		Form   url.Values
		Cookie *http.Cookie
		Status int
		Text   string
	}{
		{"ErrReviewNeeded", base + "/status", url.Values{"action": {"publish"}, "version": {"2"}}, editor,
			http.StatusConflict, "This article has not been medically reviewed. Send it for review; a reviewer must sign it off before it is published."},
		{"ErrTransition", base + "/status", url.Values{"action": {"archive"}, "version": {"2"}}, editor,
			http.StatusConflict, "The article cannot take this step from its present status. Go back and reload the article."},
		{"ErrStaleVersionStatus", base + "/status", url.Values{"action": {"submit"}, "version": {"1"}}, editor,
			http.StatusConflict, "Someone changed this article after you opened it. Reload it, check their changes, and try again."},
		{"ErrStaleVersionReview", base + "/review", url.Values{"version": {"1"}}, reviewer,
			http.StatusConflict, "Someone changed this article after you opened it. Reload it, read the changes, and record your review again."},
		{"ErrStaleVersionRestore", base + "/revisions/" + itoa(oldest) + "/restore", url.Values{"version": {"1"}}, editor,
			http.StatusConflict, "Someone saved this article after you opened the revisions. Reload the list and restore again."},
		{"ErrForbiddenReview", base + "/review", url.Values{"version": {"2"}}, editor,
			http.StatusForbidden, "Your account (Editor) cannot do this."},
		{"ErrForbiddenRestore", base + "/revisions/" + itoa(oldest) + "/restore", url.Values{"version": {"2"}}, reviewer,
			http.StatusForbidden, "Your account (Medical reviewer) cannot do this."},
		{"ErrNotFoundRevision", base + "/revisions/999999/restore", url.Values{"version": {"2"}}, editor,
			http.StatusNotFound, "There is no page at this address."},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s.postForm(t, tt.URL, tt.Form, tt.Cookie).wantStatus(tt.Status).wantContains(htmlEscape(tt.Text))
			if n := s.count(t, `SELECT version FROM articles WHERE id = ?`, id); n != 2 {
				t.Errorf("version %d after a refusal, want 2", n)
			}
		})
	}

	t.Run("ErrScheduleInPast", func(t *testing.T) {
		s.setPolicy(t, func(p *model.Policy) { p.PublishWithoutReview = true })
		for _, at := range []string{s.clock().UTC().Add(-time.Hour).Format("2006-01-02T15:04"), "", "tomorrow"} {
			s.postForm(t, base+"/status", url.Values{"action": {"schedule"}, "version": {"2"}, "scheduled_at": {at}}, editor).
				wantStatus(http.StatusUnprocessableEntity).
				wantContains("Choose a time in the future", "Enter the date and time (UTC) at which the article should be published; it must be in the future.")
		}
		if n := s.count(t, `SELECT version FROM articles WHERE id = ?`, id); n != 2 {
			t.Errorf("version %d after a refusal, want 2", n)
		}
	})
}
