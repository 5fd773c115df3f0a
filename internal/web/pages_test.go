package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure every public page answers with the right status, shows what a reader needs
// and leaks nothing it must not.
func TestPublicPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	addArticle(t, s, "a-draft-article", model.ArticleDraft)
	addArticle(t, s, "an-archived-article", model.ArticleArchived)
	// Staff emails that no public page may show, and a profile that is not public.
	s.exec(t, `UPDATE users SET email = 'daniel.reyes@staff.example' WHERE slug = 'daniel-reyes'`)
	s.exec(t, `UPDATE users SET email = 'amara.okafor@staff.example' WHERE slug = 'dr-amara-okafor'`)
	s.exec(t, `INSERT INTO users (name, email, role, credentials, slug, bio, created_at, updated_at)
		VALUES ('Private Reviewer', 'private.reviewer@staff.example', 'reviewer', 'MD', 'private-reviewer', 'Not for readers yet.', '2026-01-01', '2026-01-01')`)
	staffEmails := []string{"daniel.reyes@staff.example", "amara.okafor@staff.example", "private.reviewer@staff.example", "@staff.example"}
	addPage(t, s, "a-draft-page", model.ArticleDraft, 3)
	addPage(t, s, "an-archived-page", model.ArticleArchived, 4)
	// What a page must not have: a byline, tags, replies, the reply form or its feed.
	notOnPages := []string{"Leave a Reply", `name="comment"`, `id="respond"`, `id="comments"`, `class="byline"`,
		"Helen Marsh", `class="tag-list"`, "comments.xml", "Not medical advice.", `"author"`}

	tests := []struct {
		Name               string
		Method             string
		URL                string
		Header             map[string]string
		ExpectedStatus     int
		ExpectedContent    []string
		NotExpectedContent []string
	}{
		{
			Name: "Home", URL: "/", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<a href="/articles/understanding-involuntary-muscle-twitches">Understanding Involuntary Muscle Twitches: Causes and Management</a>`,
				"Most muscle twitches are harmless", "14 September 2026", "3 replies", "By Daniel Reyes",
				`reviewed by <a href="/medical-review-board">medical professionals</a>`, // the footer
			},
			// Pages are in the footer, never in the list.
			NotExpectedContent: []string{"a-draft-article", "an-archived-article", `rel="next"`, `rel="prev"`,
				`href="/articles/about"`, `href="/articles/editorial-policy"`, "Who we are, what we publish"},
		},
		{Name: "HomePageOne", URL: "/?page=1", ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Understanding Involuntary"}},
		{Name: "HomePageBeyondLast", URL: "/?page=2", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Page not found"}},
		{Name: "HomePageZero", URL: "/?page=0", ExpectedStatus: http.StatusNotFound},
		{Name: "HomePageNegative", URL: "/?page=-1", ExpectedStatus: http.StatusNotFound},
		{Name: "HomePageNotANumber", URL: "/?page=abc", ExpectedStatus: http.StatusNotFound},
		{
			Name: "Article", URL: articlePath, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Understanding Involuntary Muscle Twitches: Causes and Management</h1>",
				// bylines link to the public profiles
				`By <a class="author" href="/authors/daniel-reyes">Daniel Reyes</a>, health writer`,
				`Medically reviewed by <strong><a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a></strong>, MD, neurologist`,
				"Last reviewed <time datetime=\"2026-09-08T10:00:00Z\">8 September 2026</time>",
				"Updated <time datetime=\"2026-10-20T16:45:00Z\">20 October 2026</time>",
				// Markdown rendered
				"<h2 id=\"h-fasciculations-the-everyday-twitch\">Fasciculations: the everyday twitch</h2>",
				"<strong>up to 70% of people</strong>",
				"Action myoclonus–renal failure (AMRF) syndrome",
				// references, in order, as links
				`<li id="ref-1"><a href="https://stanfordmedicine25.stanford.edu/" rel="external noopener">`,
				"Stanford Medicine 25", "RUSH University Medical Center", "North Carolina State University", "Baylor Medicine",
				// a source's DOI and PubMed ID, as links
				`<span class="ref-ids"><a href="https://doi.org/10.1093/brain/awh263" rel="external noopener">doi:10.1093/brain/awh263</a> · ` +
					`<a class="pmid" href="https://pubmed.ncbi.nlm.nih.gov/15364701/" rel="external noopener">PMID 15364701</a></span></li>`,
				"Not medical advice.",
				// replies, threaded, with permalinks and reply links
				`id="comment-1"`, `href="#comment-1"`, "Priya N.", `<ol class="children">`, "Tom Whitaker",
				`href="/articles/understanding-involuntary-muscle-twitches?replytocom=1#respond"`,
				"3 replies to “Understanding Involuntary Muscle Twitches: Causes and Management”",
				// the reply form, with WordPress's names and limits
				"Leave a Reply", "Your email address will not be published.", "Required fields are marked *",
				`action="/articles/understanding-involuntary-muscle-twitches/comments#form-errors"`,
				`name="comment" cols="45" rows="8" maxlength="65525" required`,
				`name="author" type="text" value="" size="30" maxlength="245"`,
				`name="email" type="email" value="" size="30" maxlength="100"`,
				`name="url" type="url" value="" size="30" maxlength="200"`,
				`<input type="hidden" name="comment_parent" id="comment_parent" value="0">`,
				`<a id="cancel-comment-reply-link" href="/articles/understanding-involuntary-muscle-twitches#respond" hidden>`,
				`<link rel="canonical" href="http://fascicle.test/articles/understanding-involuntary-muscle-twitches">`,
			},
			NotExpectedContent: append([]string{"awaiting moderation", `name="robots"`, "not posted", "Private Reviewer"}, staffEmails...),
		},
		{
			Name: "AuthorProfile", URL: "/authors/daniel-reyes", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<title>Daniel Reyes – Fascicle</title>", `<link rel="canonical" href="http://fascicle.test/authors/daniel-reyes">`,
				`<p class="listing-kind">Author</p>`, "<h1>Daniel Reyes</h1>", `<p class="person-credentials">health writer</p>`,
				"He trained as a science journalist", "<em>common and harmless</em>", // the bio's Markdown
				`<span class="person-photo person-initials" aria-hidden="true">DR</span>`, // no photo
				"Articles by Daniel Reyes",
				`<a href="/articles/understanding-involuntary-muscle-twitches">Understanding Involuntary Muscle Twitches: Causes and Management</a>`,
			},
			NotExpectedContent: append([]string{"Articles medically reviewed by", "Private Reviewer", "<img"}, staffEmails...),
		},
		{
			Name: "ReviewerProfile", URL: "/authors/dr-amara-okafor", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<p class="listing-kind">Medical reviewer</p>`, "<h1>Dr. Amara Okafor</h1>", "MD, neurologist",
				"Articles medically reviewed by Dr. Amara Okafor",
				`<a href="/articles/understanding-involuntary-muscle-twitches">Understanding Involuntary Muscle Twitches: Causes and Management</a>`,
			},
			NotExpectedContent: append([]string{"Articles by Dr. Amara Okafor"}, staffEmails...),
		},
		{
			Name: "PrivateProfile", URL: "/authors/private-reviewer", ExpectedStatus: http.StatusNotFound,
			ExpectedContent:    []string{"Page not found"},
			NotExpectedContent: append([]string{"Private Reviewer", "Not for readers yet"}, staffEmails...),
		},
		{Name: "UnknownProfile", URL: "/authors/no-one", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Page not found"}},
		{
			Name: "ReviewBoard", URL: "/medical-review-board", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Medical review board</h1>", `<a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a>`,
				`<p class="person-credentials">MD, neurologist</p>`,
				// the bio's first paragraph only
				"Dr. Okafor is a neurologist who sees people with movement disorders",
			},
			NotExpectedContent: append([]string{"Daniel Reyes", "Private Reviewer", "She checks each article", "No reviewer has a public profile"}, staffEmails...),
		},
		{
			Name: "ArticleReplyToWithoutJavaScript", URL: articlePath + "?replytocom=1", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"Reply to Priya N.", `value="1">`, `<meta name="robots" content="noindex">`,
				`<a id="cancel-comment-reply-link" href="/articles/understanding-involuntary-muscle-twitches#respond">Cancel reply</a>`,
			},
		},
		{
			Name: "ArticleReplyToUnknownComment", URL: articlePath + "?replytocom=999", ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{`<span id="reply-title-text">Leave a Reply</span>`, `id="comment_parent" value="0"`},
			NotExpectedContent: []string{`<span id="reply-title-text">Reply to`},
		},
		{
			Name: "PageAbout", URL: "/pages/about", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<title>About us – Fascicle</title>", "<h1>About us</h1>",
				`<p class="article-summary">Who we are, what we publish`,
				`Medically reviewed by <strong><a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a></strong>, MD, neurologist`,
				`Last reviewed <time datetime="2026-08-28T14:00:00Z">28 August 2026</time>`,
				`Last updated <time datetime="2026-09-01T08:00:00Z">1 September 2026</time>`,
				`<h2 id="h-who-we-are">Who we are</h2>`, `<a href="/pages/editorial-policy">editorial policy</a>`,
				`<link rel="canonical" href="http://fascicle.test/pages/about">`, `"@type":"WebPage"`,
				`"reviewedBy":{"@type":"Person","name":"Dr. Amara Okafor"`,
			},
			NotExpectedContent: notOnPages,
		},
		{
			Name: "PageEditorialPolicy", URL: "/pages/editorial-policy", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Editorial policy</h1>", `Medically reviewed by <strong><a href="/authors/dr-amara-okafor">Dr. Amara Okafor</a></strong>`,
				"<h2 id=\"h-medical-review\">Medical review</h2>", "at least every 12 months",
				"a correction note under its title", "Every reply is read by a moderator before it appears",
				"are never medical advice",
			},
			NotExpectedContent: notOnPages,
		},
		{Name: "DraftPage", URL: "/pages/a-draft-page", ExpectedStatus: http.StatusNotFound, NotExpectedContent: []string{"Draft body"}},
		{Name: "ArchivedPage", URL: "/pages/an-archived-page", ExpectedStatus: http.StatusGone,
			ExpectedContent: []string{"This page has been withdrawn"}, NotExpectedContent: []string{"Draft body"}},
		{Name: "UnknownPage", URL: "/pages/no-such-page", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Page not found"}},
		// An article lives at /articles/ only; a page asked for there moves to /pages/.
		{Name: "ArticleAtPageAddress", URL: "/pages/" + demo.ArticleSlug, ExpectedStatus: http.StatusNotFound, NotExpectedContent: []string{"Fasciculations"}},
		{Name: "PageAtArticleAddress", URL: "/articles/about", ExpectedStatus: http.StatusMovedPermanently, NotExpectedContent: []string{"Who we are"}},
		{Name: "DraftPageAtArticleAddress", URL: "/articles/a-draft-page", ExpectedStatus: http.StatusNotFound},
		{Name: "PageRepliesFeed", URL: "/articles/about/comments.xml", ExpectedStatus: http.StatusNotFound},
		{Name: "ReplyToPage", Method: http.MethodPost, URL: "/articles/about/comments", ExpectedStatus: http.StatusNotFound},
		{Name: "UnknownArticle", URL: "/articles/no-such-article", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Page not found", "Error 404"}},
		{Name: "DraftArticle", URL: "/articles/a-draft-article", ExpectedStatus: http.StatusNotFound, NotExpectedContent: []string{"Draft body"}},
		{Name: "ArchivedArticle", URL: "/articles/an-archived-article", ExpectedStatus: http.StatusGone, ExpectedContent: []string{"This article has been withdrawn"}, NotExpectedContent: []string{"Draft body"}},
		{Name: "ReplyToDraftArticle", Method: http.MethodPost, URL: "/articles/a-draft-article/comments", ExpectedStatus: http.StatusNotFound},
		{Name: "UnknownPath", URL: "/wp-login.php", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Page not found"}},
		{Name: "Health", URL: "/healthz", ExpectedStatus: http.StatusOK, ExpectedContent: []string{"ok"}},
		{Name: "StaticPlainName", URL: "/static/css/site.css", ExpectedStatus: http.StatusOK, ExpectedContent: []string{"--accent"}},
		{Name: "StaticUnknown", URL: "/static/css/nope.css", ExpectedStatus: http.StatusNotFound},
		{Name: "StaticTraversal", URL: "/static/../go.mod", ExpectedStatus: http.StatusNotFound, NotExpectedContent: []string{"module github.com"}},
		{Name: "StaticEncodedTraversal", URL: "/static/%2e%2e/%2e%2e/go.mod", ExpectedStatus: http.StatusNotFound, NotExpectedContent: []string{"module github.com"}},
		{Name: "StaticEmbedSource", URL: "/static/embed.go", ExpectedStatus: http.StatusNotFound},
		{Name: "MethodNotAllowed", Method: http.MethodDelete, URL: articlePath, ExpectedStatus: http.StatusMethodNotAllowed, ExpectedContent: []string{"Method not allowed"}},
		{
			Name: "CrossSiteReplyRefused", Method: http.MethodPost, URL: articlePath + "/comments",
			Header:         map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"},
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"sent from another site"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			method := tt.Method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tt.URL, nil)
			for k, v := range tt.Header {
				req.Header.Set(k, v)
			}

			res := s.do(t, req)
			res.wantStatus(tt.ExpectedStatus).wantContains(tt.ExpectedContent...).wantNotContains(tt.NotExpectedContent...)
			res.wantNotContains("<script>", "<script >")
			for _, email := range s.commenterEmails(t) {
				res.wantNotContains(email)
			}
			if got := res.Header.Get("Content-Security-Policy"); !strings.Contains(got, "script-src 'self'") || !strings.Contains(got, "frame-ancestors 'none'") ||
				!strings.Contains(got, "object-src 'none'") || !strings.Contains(got, "base-uri 'none'") || strings.Contains(got, "unsafe-inline") {
				t.Errorf("Content-Security-Policy = %q", got)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if got := res.Header.Get("Referrer-Policy"); got == "" {
				t.Error("no Referrer-Policy")
			}
		})
	}
}

// Ensure the article list is paginated ten to a page, newest first, with links both
// ways.
func TestHome_Paginates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 1; i <= 11; i++ {
		a := addArticle(t, s, "article-"+string(rune('a'+i)), model.ArticlePublished)
		s.exec(t, `UPDATE articles SET published_at = ?, title = ? WHERE id = ?`,
			time.Date(2026, 10, 1+i, 8, 0, 0, 0, time.UTC), "Generated article "+string(rune('a'+i)), a.ID)
	}
	first := s.get(t, "/").wantStatus(http.StatusOK)
	first.wantContains("Generated article l", "Generated article c", `<a rel="next" href="/?page=2">`)
	first.wantNotContains("Generated article b", "Understanding Involuntary", `rel="prev"`)
	if strings.Index(first.Body, "Generated article l") > strings.Index(first.Body, "Generated article k") {
		t.Error("articles are not newest first")
	}
	second := s.get(t, "/?page=2").wantStatus(http.StatusOK)
	second.wantContains("Generated article b", "Understanding Involuntary", `<a rel="prev" href="/">`, "Page 2")
	second.wantNotContains("Generated article c", `rel="next"`)
	s.get(t, "/?page=3").wantStatus(http.StatusNotFound)
}

// Ensure static files are served under content-hashed names, cached for a year, and
// answer If-None-Match with 304.
func TestStatic_HashedNamesAreImmutable(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := s.get(t, "/").wantStatus(http.StatusOK)
	start := strings.Index(page.Body, `href="/static/css/site.`)
	if start < 0 {
		t.Fatal("no hashed stylesheet link on the home page")
	}
	href := page.Body[start+len(`href="`):]
	href = href[:strings.IndexByte(href, '"')]
	res := s.get(t, href).wantStatus(http.StatusOK)
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("Content-Type = %q", got)
	}
	req := httptest.NewRequest(http.MethodGet, href, nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	s.do(t, req).wantStatus(http.StatusNotModified)
}

// Ensure HEAD is answered like GET, without a body.
func TestHead_AnsweredLikeGet(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	srv := httptest.NewServer(s.handler)
	defer srv.Close()
	res, err := http.Head(srv.URL + articlePath)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.ContentLength == 0 {
		t.Errorf("HEAD: status %d, length %d", res.StatusCode, res.ContentLength)
	}
}

// addPage adds a page in status, at footer position footer (0: not in the footer).
func addPage(t testing.TB, s *site, slug string, status model.ArticleStatus, footer int) *model.Article {
	t.Helper()
	now := time.Now().UTC()
	a := &model.Article{
		Kind: model.KindPage, Slug: slug, Title: "Title of " + slug, Summary: "Summary of " + slug,
		BodyMarkdown: "Draft body of " + slug, Status: status, AuthorID: 1,
	}
	if footer > 0 {
		a.FooterPosition = &footer
	}
	if status == model.ArticlePublished {
		a.PublishedAt = &now
	}
	if err := s.store.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func addArticle(t testing.TB, s *site, slug string, status model.ArticleStatus) *model.Article {
	t.Helper()
	now := time.Now().UTC()
	a := &model.Article{
		Slug: slug, Title: "Title of " + slug, Summary: "Summary of " + slug, BodyMarkdown: "Draft body of " + slug,
		Status: status, AuthorID: 1, CommentsOpen: true,
	}
	if status == model.ArticlePublished {
		a.PublishedAt = &now
	}
	if err := s.store.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}
