package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// The demo's people: Daniel Reyes wrote the demo article, Dr. Amara Okafor reviewed it.
// Neither can sign in.
const (
	demoAuthorID   = 1
	demoReviewerID = 2
)

// profileForm is the profile form as the demo author's stored profile fills it.
func profileForm() url.Values {
	return url.Values{"name": {"Daniel Reyes"}, "credentials": {"health writer"}, "slug": {"daniel-reyes"},
		"bio": {"Daniel writes about everyday health questions."}, "profile_public": {"1"}}
}

// postProfile sends the profile form as a browser does, multipart, with photo as its
// file (nil: none chosen).
func (s *site) postProfile(t testing.TB, target string, form url.Values, photo []byte, cookie *http.Cookie) *response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for name, values := range form {
		for _, v := range values {
			if err := w.WriteField(name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := textproto.MIMEHeader{}
	filename := ""
	if photo != nil {
		filename = "me.png"
	}
	h.Set("Content-Disposition", `form-data; name="photo"; filename="`+filename+`"`)
	h.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(photo)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// userField reads one column of an account.
func (s *site) userField(t testing.TB, id int64, column string) string {
	t.Helper()
	var v string
	if err := s.db.QueryRow(`SELECT coalesce(CAST(`+column+` AS TEXT), '') FROM users WHERE id = ?`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Ensure a profile that is not public answers exactly like one that does not exist,
// so that its address tells no one the account is there.
func TestAuthorProfile_PrivateLooksUnknown(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.exec(t, `UPDATE users SET profile_public = FALSE WHERE id = ?`, demoAuthorID)
	private := s.get(t, "/authors/daniel-reyes").wantStatus(http.StatusNotFound)
	unknown := s.get(t, "/authors/daniel-reyez").wantStatus(http.StatusNotFound)
	// The pages name their own address (og:url), and nothing else differs.
	if private.Body != strings.ReplaceAll(unknown.Body, "/authors/daniel-reyez", "/authors/daniel-reyes") {
		t.Errorf("a private profile's page differs from an unknown one's:\n%s\n---\n%s", private.Body, unknown.Body)
	}
	private.wantNotContains("Daniel Reyes", "health writer")
	s.get(t, "/medical-review-board").wantStatus(http.StatusOK).wantContains("Dr. Amara Okafor")
	s.exec(t, `UPDATE users SET profile_public = FALSE`)
	s.get(t, "/medical-review-board").wantStatus(http.StatusOK).
		wantContains("No reviewer has a public profile yet.").wantNotContains("Dr. Amara Okafor", "/authors/")
}

// Ensure the article's byline and review badge link to the author's and the
// reviewer's profiles only while those are public, and are plain names otherwise.
func TestArticle_BylineLinksOnlyPublicProfiles(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains(
		`By <a class="author" href="/authors/daniel-reyes">Daniel Reyes</a>`,
		`Medically reviewed by <strong><a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a></strong>`)

	s.exec(t, `UPDATE users SET profile_public = FALSE WHERE id = ?`, demoReviewerID)
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`By <a class="author" href="/authors/daniel-reyes">Daniel Reyes</a>`,
			`Medically reviewed by <strong>Dr. Amara Okafor</strong>, MD, neurologist`).
		wantNotContains("/authors/dr-amara-okafor")

	s.exec(t, `UPDATE users SET profile_public = FALSE WHERE id = ?`, demoAuthorID)
	s.exec(t, `UPDATE users SET profile_public = TRUE WHERE id = ?`, demoReviewerID)
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`By <span class="author">Daniel Reyes</span>, health writer`,
			`Medically reviewed by <strong><a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a></strong>`).
		wantNotContains("/authors/daniel-reyes")
	// The home page's list, the tag pages and the feeds name the author without a link
	// either way; none of them may name a private profile's address.
	s.get(t, "/").wantStatus(http.StatusOK).wantNotContains("/authors/daniel-reyes")
}

// Ensure the article's JSON-LD links the author and the reviewer to their profiles
// only while those are public: a private profile's address must not be published.
func TestArticle_JSONLDProfileURLs(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.exec(t, `UPDATE users SET profile_public = FALSE WHERE name = 'Dr. Amara Okafor'`)
	data := articleJSONLD(t, s.get(t, articlePath).wantStatus(http.StatusOK))
	if author, _ := data["author"].(map[string]any); author["url"] != "http://fascicle.test/authors/daniel-reyes" {
		t.Errorf("author = %v, want the url of the public profile", data["author"])
	}
	if reviewer, _ := data["reviewedBy"].(map[string]any); reviewer["name"] != "Dr. Amara Okafor" || reviewer["url"] != nil {
		t.Errorf("reviewedBy = %v, want no url for a private profile", data["reviewedBy"])
	}
	// A review that names no account links nowhere.
	s.exec(t, `UPDATE articles SET reviewer_id = NULL`)
	s.exec(t, `UPDATE users SET profile_public = FALSE WHERE name = 'Daniel Reyes'`)
	data = articleJSONLD(t, s.get(t, articlePath).wantStatus(http.StatusOK))
	if author, _ := data["author"].(map[string]any); author["url"] != nil || author["name"] != "Daniel Reyes" {
		t.Errorf("author = %v, want no url for a private profile", data["author"])
	}
	if reviewer, _ := data["reviewedBy"].(map[string]any); reviewer["url"] != nil || reviewer["name"] != "Dr. Amara Okafor" {
		t.Errorf("reviewedBy = %v", data["reviewedBy"])
	}
}

// Ensure a cached page never shows a stale name or profile: a profile saved in the
// admin changes the article page, the profile and the review board at once, and a save
// that changes nothing keeps the cache.
func TestProfileEdit_CachedPagesShowNewName(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	for _, path := range []string{articlePath, "/authors/dr-amara-okafor", "/medical-review-board"} {
		s.get(t, path).wantStatus(http.StatusOK)
		if res := s.get(t, path); res.Header.Get("X-Cache") != "hit" {
			t.Fatalf("%s is not served from the cache (X-Cache %q); the test would prove nothing", path, res.Header.Get("X-Cache"))
		}
	}
	version := func() int64 {
		v, err := s.store.ContentVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// The same profile saved again changes nothing a reader sees.
	before := version()
	same := url.Values{"name": {"Dr. Amara Okafor"}, "credentials": {"MD, neurologist"}, "slug": {"dr-amara-okafor"},
		"bio": {s.userField(t, demoReviewerID, "bio")}, "profile_public": {"1"}}
	s.postProfile(t, "/admin/users/2/profile", same, nil, admin).wantStatus(http.StatusSeeOther)
	if after := version(); after != before {
		t.Errorf("saving an unchanged profile moved the content version from %d to %d, emptying the cache", before, after)
	}

	changed := cloneValues(same)
	changed.Set("name", "Prof. Amara Okafor-Lind")
	changed.Set("credentials", "MD, PhD, neurologist")
	changed.Set("bio", "Professor of neurology.")
	s.postProfile(t, "/admin/users/2/profile", changed, nil, admin).wantStatus(http.StatusSeeOther)
	article := s.get(t, articlePath).wantStatus(http.StatusOK)
	if article.Header.Get("X-Cache") == "hit" {
		t.Error("the article page came from the cache after the profile changed")
	}
	// The review itself records who signed it off and with what credentials; the link
	// follows the profile.
	article.wantContains(`<a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a>`)
	s.get(t, "/authors/dr-amara-okafor").wantStatus(http.StatusOK).
		wantContains("<h1>Prof. Amara Okafor-Lind</h1>", "MD, PhD, neurologist", "Professor of neurology.").
		wantNotContains("Dr. Okafor is a neurologist")
	s.get(t, "/medical-review-board").wantStatus(http.StatusOK).
		wantContains("Prof. Amara Okafor-Lind", "Professor of neurology.")
	// The bio alone is a change too.
	changed.Set("bio", "Professor of neurology and of sleep medicine.")
	s.postProfile(t, "/admin/users/2/profile", changed, nil, admin).wantStatus(http.StatusSeeOther)
	s.get(t, "/authors/dr-amara-okafor").wantStatus(http.StatusOK).wantContains("Professor of neurology and of sleep medicine.")
	s.get(t, "/medical-review-board").wantStatus(http.StatusOK).wantContains("Professor of neurology and of sleep medicine.")

	// The author's name is the byline's: a cached article shows the new one.
	author := profileForm()
	author.Set("name", "Daniel Reyes-Ortiz")
	s.postProfile(t, "/admin/users/1/profile", author, nil, admin).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`By <a class="author" href="/authors/daniel-reyes">Daniel Reyes-Ortiz</a>`)
	s.get(t, "/").wantStatus(http.StatusOK).wantContains("By Daniel Reyes-Ortiz")

	// Made private, the profile disappears from every cached page.
	private := cloneValues(author)
	private.Del("profile_public")
	s.postProfile(t, "/admin/users/1/profile", private, nil, admin).wantStatus(http.StatusSeeOther)
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`By <span class="author">Daniel Reyes-Ortiz</span>`).wantNotContains("/authors/daniel-reyes")
	s.get(t, "/authors/daniel-reyes").wantStatus(http.StatusNotFound)
}

// Ensure any staff member edits their own profile on their account page, that its old
// address sends there, and that it then shows to readers at the address made from
// their name.
func TestProfileForm_EditOwn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, role := range model.Roles {
		t.Run(string(role), func(t *testing.T) {
			u := s.addUser(t, role)
			cookie := s.signIn(t, u)
			if res := s.getAs(t, cookie, "/admin/profile").wantStatus(http.StatusMovedPermanently); res.Header.Get("Location") != "/admin/account" {
				t.Errorf("/admin/profile sends to %q, want /admin/account", res.Header.Get("Location"))
			}
			s.getAs(t, cookie, "/admin/account").wantStatus(http.StatusOK).
				wantContains("<h1>Your account</h1>", `value="Staff `+string(role)+`"`, `action="/admin/account"`).
				wantNotContains(`id="profile_public" name="profile_public" type="checkbox" value="1" checked`)
			name := "Sam " + string(role) + " Lee"
			form := url.Values{"name": {name}, "credentials": {"RN"}, "slug": {""},
				"bio": {"Twenty years on a *neurology* ward.\r\n\r\nNow writes."}, "profile_public": {"1"}}
			res := s.postProfile(t, "/admin/account", form, nil, cookie).wantStatus(http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != "/admin/account?done=profile-saved" {
				t.Errorf("Location = %q", loc)
			}
			slug := model.Slugify(name)
			s.getAs(t, cookie, "/admin/account?done=profile-saved").wantStatus(http.StatusOK).
				wantContains("Profile saved.", `value="`+slug+`"`, `<a href="/authors/`+slug+`">View the public profile</a>`)
			s.get(t, "/authors/"+slug).wantStatus(http.StatusOK).
				wantContains("<h1>"+name+"</h1>", "RN", "<em>neurology</em>", "<p>Now writes.</p>", "No published articles yet.").
				wantNotContains(u.EmailAddress())
		})
	}
}

// Ensure a refused profile comes back with 422, a message beside each wrong field and
// everything typed, and that nothing is saved.
func TestProfileForm_RefusedKeepsTyped(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleAuthor)
	cookie := s.signIn(t, u)
	form := url.Values{
		"name":           {""},
		"credentials":    {`MD "neuro" <b>`},
		"slug":           {"daniel-reyes"}, // the demo author's
		"bio":            {"Line one <script>x</script>\n\n" + strings.Repeat("b", model.MaxBio)},
		"profile_public": {"1"},
	}
	res := s.postProfile(t, "/admin/account", form, nil, cookie).wantStatus(http.StatusUnprocessableEntity)
	res.wantContains(
		"The profile was not saved.",
		`<span class="field-error" id="name-error">Name is required.</span>`,
		`<span class="field-error" id="slug-error">Another person&#39;s profile has this address. Choose another.</span>`,
		`<span class="field-error" id="bio-error">The bio is too long: at most 2,000 bytes, and this has 2,029.</span>`,
		`value="MD &#34;neuro&#34; &lt;b&gt;"`, `value="daniel-reyes"`,
		`>Line one &lt;script&gt;x&lt;/script&gt;`,
		`id="profile_public" name="profile_public" type="checkbox" value="1" checked`,
	)
	res.wantNotContains("<script>x", "choose the photo again")

	t.Run("ErrBadAddress", func(t *testing.T) {
		bad := url.Values{"name": {"Sam Lee"}, "slug": {"Sam Lee!"}}
		s.postProfile(t, "/admin/account", bad, nil, cookie).wantStatus(http.StatusUnprocessableEntity).
			wantContains("Use only lower-case letters, digits and single hyphens", `value="Sam Lee!"`, `value="Sam Lee"`)
	})
	t.Run("ErrPhotoNotAnImage", func(t *testing.T) {
		ok := url.Values{"name": {"Sam Lee"}, "slug": {""}}
		s.postProfile(t, "/admin/account", ok, []byte("not an image at all"), cookie).wantStatus(http.StatusUnprocessableEntity).
			wantContains(`id="photo-error"`, "choose the photo again", `value="Sam Lee"`)
	})
	if got := s.userField(t, u.ID, "name"); got != u.Name {
		t.Errorf("name after refused saves = %q, want %q unchanged", got, u.Name)
	}
	if n := s.count(t, `SELECT count(*) FROM users WHERE profile_public = TRUE AND id = ?`, u.ID); n != 0 {
		t.Error("a refused profile was made public")
	}
}

// Ensure a profile sent after the session ended comes back with everything typed
// (401) and the way to sign in again, shows nothing of the stored profile, saves
// nothing, and is saved once sent again signed in. Both of its forms: one's own and an
// administrator's for someone else.
func TestProfileForm_ExpiredSessionKeepsWork(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.addUser(t, model.RoleReviewer)
	cookie := s.signIn(t, u)
	admin := s.addUser(t, model.RoleAdmin)
	adminCookie := s.signIn(t, admin)
	s.advance(2 * time.Hour) // past the idle limit
	form := url.Values{"name": {"Dr. Sam Lee"}, "credentials": {"MD, <neurologist>"}, "slug": {"sam-lee"},
		"bio": {"Twenty years on a neurology ward, written over an afternoon."}, "profile_public": {"1"}}
	for _, target := range []struct {
		path   string
		cookie *http.Cookie
	}{{"/admin/account", cookie}, {"/admin/users/" + itoa(u.ID) + "/profile", adminCookie}} {
		t.Run(target.path, func(t *testing.T) {
			res := s.postProfile(t, target.path, form, pngImage(t, 40, 40), target.cookie).wantStatus(http.StatusUnauthorized)
			res.wantContains("Your session has ended", `action="`+target.path+`"`, `value="Dr. Sam Lee"`,
				`value="MD, &lt;neurologist&gt;"`, `value="sam-lee"`, "written over an afternoon.</textarea>",
				`id="profile_public" name="profile_public" type="checkbox" value="1" checked`,
				`href="/admin/login"`, "Choose the photo again")
			res.wantNotContains(u.Name, u.EmailAddress(), admin.Name, "<neurologist>", `id="password"`)
		})
	}
	if got := s.userField(t, u.ID, "name"); got != u.Name {
		t.Fatalf("name after a save without a session = %q, want %q unchanged", got, u.Name)
	}
	again := s.signIn(t, u)
	s.postProfile(t, "/admin/account", form, nil, again).wantStatus(http.StatusSeeOther)
	if got := s.userField(t, u.ID, "name"); got != "Dr. Sam Lee" {
		t.Errorf("name after sending the kept form again = %q", got)
	}
}

// Ensure profile addresses are unique: made from the name with -2 added when taken,
// and a typed address someone else has is refused.
func TestProfileForm_SlugsUnique(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	first, second := s.addUser(t, model.RoleAuthor), s.addUser(t, model.RoleAuthor)
	firstCookie, secondCookie := s.signIn(t, first), s.signIn(t, second)
	same := url.Values{"name": {"Daniel Reyes"}, "slug": {""}, "profile_public": {"1"}}
	s.postProfile(t, "/admin/account", same, nil, firstCookie).wantStatus(http.StatusSeeOther)
	s.postProfile(t, "/admin/account", same, nil, secondCookie).wantStatus(http.StatusSeeOther)
	if a, b := s.userField(t, first.ID, "slug"), s.userField(t, second.ID, "slug"); a != "daniel-reyes-2" || b != "daniel-reyes-3" {
		t.Errorf("slugs = %q and %q, want daniel-reyes-2 and daniel-reyes-3 (the demo author has daniel-reyes)", a, b)
	}
	taken := cloneValues(same)
	taken.Set("slug", "daniel-reyes-2")
	s.postProfile(t, "/admin/account", taken, nil, secondCookie).wantStatus(http.StatusUnprocessableEntity).
		wantContains("Another person&#39;s profile has this address.")
	// Keeping one's own address is not a conflict.
	s.postProfile(t, "/admin/account", taken, nil, firstCookie).wantStatus(http.StatusSeeOther)
	s.get(t, "/authors/daniel-reyes").wantStatus(http.StatusOK).wantContains("health writer")
	s.get(t, "/authors/daniel-reyes-3").wantStatus(http.StatusOK).wantNotContains("health writer")
}

// Ensure only administrators edit another person's profile: an author or an editor is
// refused, whether they open the form or post it, and nothing changes.
func TestProfileForm_OthersOnlyForAdministrators(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hostile := profileForm()
	hostile.Set("name", "Hijacked")
	for _, role := range []model.Role{model.RoleAuthor, model.RoleEditor, model.RoleReviewer, model.RoleModerator} {
		cookie := s.signIn(t, s.addUser(t, role))
		for _, target := range []string{"/admin/users/1/profile", "/admin/users/2/profile"} {
			s.getAs(t, cookie, target).wantStatus(http.StatusForbidden).wantNotContains("Daniel Reyes", "Dr. Amara Okafor")
			s.postProfile(t, target, hostile, nil, cookie).wantStatus(http.StatusForbidden)
		}
	}
	// Posting one's own form to /admin/profile cannot reach anyone else either: the
	// form has no field that names the account.
	author := s.addUser(t, model.RoleAuthor)
	withID := cloneValues(hostile)
	withID.Set("id", "1")
	withID.Set("user_id", "1")
	withID.Set("slug", "")
	s.postProfile(t, "/admin/account", withID, nil, s.signIn(t, author)).wantStatus(http.StatusSeeOther)
	if got := s.userField(t, author.ID, "name"); got != "Hijacked" {
		t.Errorf("the author's own name = %q, want the one typed", got)
	}
	for _, id := range []int64{demoAuthorID, demoReviewerID} {
		if got := s.userField(t, id, "name"); got == "Hijacked" {
			t.Errorf("account %d was renamed by someone who is not an administrator", id)
		}
	}

	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	s.getAs(t, admin, "/admin/users").wantStatus(http.StatusOK).
		wantContains("People named on articles", `<a href="/admin/users/2/profile">Edit profile`, `<a href="/authors/dr-amara-okafor">`)
	s.getAs(t, admin, "/admin/users/2/profile").wantStatus(http.StatusOK).
		wantContains("<h1>Profile of Dr. Amara Okafor</h1>", `value="dr-amara-okafor"`, `action="/admin/users/2/profile"`)
	s.getAs(t, admin, "/admin/users/999/profile").wantStatus(http.StatusNotFound)
	s.postProfile(t, "/admin/users/1/profile", hostile, nil, admin).wantStatus(http.StatusSeeOther)
	if got := s.userField(t, demoAuthorID, "name"); got != "Hijacked" {
		t.Errorf("an administrator's edit was not saved: name %q", got)
	}
}

// Ensure a profile photo is stored like an article image and shown on the profile and
// the review board with the person's name as its alt text; a refused photo stores
// nothing, and the photo can be removed.
func TestProfileForm_Photo(t *testing.T) {
	t.Parallel()
	s, dir := mediaSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	form := url.Values{"name": {"Dr. Amara Okafor"}, "credentials": {"MD, neurologist"}, "slug": {"dr-amara-okafor"},
		"bio": {"Neurologist."}, "profile_public": {"1"}}

	s.postProfile(t, "/admin/users/2/profile", form, gifImage(t), admin).wantStatus(http.StatusUnprocessableEntity).
		wantContains(`id="photo-error"`)
	if files := mediaFiles(t, dir); len(files) != 0 {
		t.Errorf("a refused photo left files %v", files)
	}

	photo := pngImage(t, 120, 120)
	name := mediaName(photo, "png")
	s.postProfile(t, "/admin/users/2/profile", form, photo, admin).wantStatus(http.StatusSeeOther)
	if files := mediaFiles(t, dir); !slices.Contains(files, name) {
		t.Fatalf("media files %v lack %s", files, name)
	}
	s.get(t, "/authors/dr-amara-okafor").wantStatus(http.StatusOK).
		wantContains(`<img class="person-photo" src="/media/` + name + `" alt="Dr. Amara Okafor"`).
		wantNotContains("person-initials")
	s.get(t, "/medical-review-board").wantStatus(http.StatusOK).wantContains(`src="/media/` + name + `"`)
	s.get(t, "/media/"+name).wantStatus(http.StatusOK)
	s.getAs(t, admin, "/admin/users/2/profile").wantStatus(http.StatusOK).
		wantContains(`src="/media/`+name+`"`, `name="remove_photo"`)

	// Saved again without choosing a file, the photo stays; asked to, it goes.
	s.postProfile(t, "/admin/users/2/profile", form, nil, admin).wantStatus(http.StatusSeeOther)
	s.get(t, "/authors/dr-amara-okafor").wantContains(`src="/media/` + name + `"`)
	remove := cloneValues(form)
	remove.Set("remove_photo", "1")
	s.postProfile(t, "/admin/users/2/profile", remove, nil, admin).wantStatus(http.StatusSeeOther)
	s.get(t, "/authors/dr-amara-okafor").wantStatus(http.StatusOK).
		wantContains("person-initials").wantNotContains(name)
}

// Ensure the review board lists the public profiles of reviewers and of anyone else
// who reviewed a published article, by name, and no one else.
func TestReviewBoard_Members(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	insert := func(name, role, slug string, public bool) {
		s.exec(t, `INSERT INTO users (name, email, role, credentials, slug, bio, profile_public, created_at, updated_at)
			VALUES (?, ?, ?, 'MD', ?, ?, ?, '2026-01-01', '2026-01-01')`, name, slug+"@staff.example", role, slug, "Bio of "+name, public)
	}
	insert("Aaron Admin", "admin", "aaron-admin", true)         // reviewed a published article: below
	insert("Zoe Reviewer", "reviewer", "zoe-reviewer", true)    // a reviewer with nothing reviewed yet
	insert("Quinn Private", "reviewer", "quinn-private", false) // not public
	insert("Edith Editor", "editor", "edith-editor", true)      // reviewed only a draft
	insert("Walter Writer", "author", "walter-writer", true)    // writes, never reviews
	a := addArticle(t, s, "reviewed-by-the-admin", model.ArticlePublished)
	s.exec(t, `UPDATE articles SET reviewer_id = (SELECT id FROM users WHERE slug = 'aaron-admin') WHERE id = ?`, a.ID)
	d := addArticle(t, s, "reviewed-draft", model.ArticleDraft)
	s.exec(t, `UPDATE articles SET reviewer_id = (SELECT id FROM users WHERE slug = 'edith-editor') WHERE id = ?`, d.ID)

	res := s.get(t, "/medical-review-board").wantStatus(http.StatusOK)
	res.wantContains("Aaron Admin", "Dr. Amara Okafor", "Zoe Reviewer", "Bio of Zoe Reviewer")
	res.wantNotContains("Quinn Private", "Edith Editor", "Walter Writer", "Daniel Reyes", "@staff.example")
	if i, j, k := strings.Index(res.Body, "Aaron Admin"), strings.Index(res.Body, "Dr. Amara Okafor"), strings.Index(res.Body, "Zoe Reviewer"); !(i < j && j < k) {
		t.Error("the board is not in order of name")
	}
	s.get(t, "/authors/aaron-admin").wantStatus(http.StatusOK).
		wantContains("Articles medically reviewed by Aaron Admin", `<a href="/articles/reviewed-by-the-admin">`)
	s.get(t, "/authors/edith-editor").wantStatus(http.StatusOK).wantNotContains("reviewed-draft")
}
