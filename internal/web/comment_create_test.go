package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure a valid reply is saved as pending, the reader is redirected with 303 to a page
// that shows it to them as awaiting moderation, and nobody else sees it.
func TestCommentCreate_HeldForModeration(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := s.count(t, `SELECT count(*) FROM comments`)
	res := s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)

	var id int64
	var status, body, plainEmail, clientHash, prefix, ua string
	var sealed []byte
	err := s.db.QueryRow(`SELECT id, status, body, author_email, author_email_enc, client_hash, client_prefix, user_agent FROM comments ORDER BY id DESC LIMIT 1`).
		Scan(&id, &status, &body, &plainEmail, &sealed, &clientHash, &prefix, &ua)
	if err != nil {
		t.Fatal(err)
	}
	if plainEmail != "" || strings.Contains(string(sealed), "reader.one") {
		t.Errorf("the email is stored in clear: %q / %q", plainEmail, sealed)
	}
	email, err := testKeys.Open(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.count(t, `SELECT count(*) FROM comments`); n != before+1 {
		t.Fatalf("comments = %d, want %d", n, before+1)
	}
	if status != "pending" || body != "Magnesium helped my cramps.\nThanks for the clear article." || email != "reader.one@example.com" {
		t.Errorf("saved status=%q body=%q email=%q", status, body, email)
	}
	if prefix != "192.0.2.0/24" || len(clientHash) != 64 || strings.Contains(clientHash, "192.0.2.1") || ua != "Mozilla/5.0 (test)" {
		t.Errorf("client_prefix=%q client_hash=%q user_agent=%q", prefix, clientHash, ua)
	}
	if s.count(t, `SELECT count(*) FROM comments WHERE client_hash LIKE '%192.0.2%' OR client_prefix = '192.0.2.1'`) != 0 {
		t.Error("the raw client address was stored")
	}

	location := res.Header.Get("Location")
	wantPrefix := articlePath + "?pending="
	if !strings.HasPrefix(location, wantPrefix) || !strings.HasSuffix(location, "#comment-"+strconv.FormatInt(id, 10)) {
		t.Fatalf("Location = %q", location)
	}
	own := s.get(t, strings.Split(location, "#")[0]).wantStatus(http.StatusOK)
	own.wantContains(`id="comment-`+strconv.FormatInt(id, 10)+`"`, "Your comment is awaiting moderation.",
		"Magnesium helped my cramps.<br>", "Reader One", `<meta name="robots" content="noindex">`)
	own.wantNotContains("reader.one@example.com")
	if got := own.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("Cache-Control of the reader's own page = %q", got)
	}

	others := s.get(t, articlePath).wantStatus(http.StatusOK)
	others.wantNotContains("Magnesium helped my cramps", "awaiting moderation", "Reader One", "reader.one@example.com")
	s.get(t, "/").wantContains("3 replies").wantNotContains("4 replies")

	t.Run("ForgedToken", func(t *testing.T) {
		token, _ := url.QueryUnescape(strings.TrimPrefix(strings.Split(location, "#")[0], wantPrefix))
		parts := strings.Split(token, ".")
		forged := []string{
			"1.9999999999." + parts[2],            // someone else's reply, same signature
			parts[0] + ".9999999999." + parts[2],  // a later expiry
			parts[0] + "." + parts[1] + ".AAAA",   // a made-up signature
			parts[0] + "." + parts[1],             // no signature
			"../../etc/passwd",                    // nonsense
			strings.Repeat("A.", 5000) + parts[2], // very long
		}
		for _, tok := range forged {
			s.get(t, articlePath+"?pending="+url.QueryEscape(tok)).wantStatus(http.StatusOK).
				wantNotContains("Magnesium helped my cramps", "awaiting moderation")
		}
	})
	t.Run("ExpiredToken", func(t *testing.T) {
		s.get(t, strings.Split(location, "#")[0]).wantContains("awaiting moderation")
		s.advance(web.PendingTokenTTL + time.Second)
		s.get(t, strings.Split(location, "#")[0]).wantStatus(http.StatusOK).
			wantNotContains("Magnesium helped my cramps", "awaiting moderation")
	})
	t.Run("ShownNormallyOnceApproved", func(t *testing.T) {
		s.exec(t, `UPDATE comments SET status = 'approved' WHERE id = ?`, id)
		s.get(t, articlePath).wantContains("Magnesium helped my cramps", "4 replies").wantNotContains("awaiting moderation", "reader.one@example.com")
		s.get(t, "/").wantContains("4 replies")
	})
}

// Ensure a reply to an approved reply is saved under it and shown nested beneath it
// to its author.
func TestCommentCreate_ReplyToReply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	form := validReply()
	form.Set("comment_parent", "2")
	res := s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	if n := s.count(t, `SELECT count(*) FROM comments WHERE parent_id = 2 AND status = 'pending'`); n != 1 {
		t.Fatalf("pending replies to comment 2 = %d, want 1", n)
	}
	page := s.get(t, strings.Split(res.Header.Get("Location"), "#")[0]).wantStatus(http.StatusOK)
	tom := strings.Index(page.Body, `id="comment-2"`)
	mine := strings.Index(page.Body, "Magnesium helped")
	marguerite := strings.Index(page.Body, `id="comment-3"`)
	if tom < 0 || mine < tom || mine > marguerite {
		t.Errorf("the pending reply is not nested under comment 2 (positions %d, %d, %d)", tom, mine, marguerite)
	}
	if !strings.Contains(page.Body[tom:mine], `<ol class="children">`) {
		t.Error("the pending reply is not in comment 2's children")
	}
}

// Ensure every invalid reply is refused with 422, a message next to the field, every
// value the reader typed, and nothing saved.
func TestCommentCreate_Invalid(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := time.Now().UTC()
	s.exec(t, `INSERT INTO comments (article_id, author_name, author_email, body, status, created_at, updated_at)
		VALUES (1, 'Held', 'held@example.com', 'held reply', 'pending', ?, ?)`, now, now)
	pendingID := s.count(t, `SELECT max(id) FROM comments`)
	other := addArticle(t, s, "another-article", model.ArticlePublished)
	s.exec(t, `INSERT INTO comments (article_id, author_name, author_email, body, status, created_at, updated_at)
		VALUES (?, 'Elsewhere', 'elsewhere@example.com', 'other article', 'approved', ?, ?)`, other.ID, now, now)
	otherArticleComment := s.count(t, `SELECT max(id) FROM comments`)

	tests := []struct {
		Name    string
		Field   string
		Value   string
		Message string
	}{
		{"ErrCommentRequired", "comment", "", "Comment is required."},
		{"ErrCommentBlank", "comment", " \r\n\t ", "Comment is required."},
		{"ErrNameRequired", "author", "", "Name is required."},
		{"ErrNameBlank", "author", "   ", "Name is required."},
		{"ErrEmailRequired", "email", "", "Email is required."},
		{"ErrEmailMalformed", "email", "not-an-email", "Enter an email address like name@example.com."},
		{"ErrEmailNoDomainDot", "email", "reader@localhost", "Enter an email address like name@example.com."},
		{"ErrEmailWithName", "email", "Reader <reader@example.com>", "Enter an email address like name@example.com."},
		{"ErrWebsiteJavascript", "url", "javascript:alert(1)", "Enter a web address that starts with http:// or https://"},
		{"ErrWebsiteFTP", "url", "ftp://files.example.com/", "Enter a web address that starts with http:// or https://"},
		{"ErrWebsiteNoScheme", "url", "example.com", "Enter a web address that starts with http:// or https://"},
		{"ErrWebsiteData", "url", "data:text/html,<script>alert(1)</script>", "Enter a web address that starts with http:// or https://"},
		{"ErrCommentTooLong", "comment", strings.Repeat("x", model.MaxCommentBody+1), "Comment is too long: at most 65525 bytes, and this has 65526."},
		{"ErrNameTooLong", "author", strings.Repeat("n", model.MaxCommentName+1), "Name is too long: at most 245 bytes"},
		{"ErrEmailTooLong", "email", strings.Repeat("e", 95) + "@example.com", "Email is too long: at most 100 bytes"},
		{"ErrWebsiteTooLong", "url", "https://example.com/" + strings.Repeat("p", 190), "Website is too long: at most 200 bytes"},
		{"ErrNameTwoLines", "author", "Reader\nOne", "Name must be on one line."},
		{"ErrCommentInvalidUTF8", "comment", "bad \xff\xfe bytes", "Comment contains bytes that are not valid text (UTF-8)."},
		{"ErrCommentNUL", "comment", "nul \x00 byte", "Comment contains a NUL character"},
		{"ErrParentUnknown", "comment_parent", "99999", "The reply you are answering no longer exists or has not been approved."},
		{"ErrParentPending", "comment_parent", strconv.Itoa(pendingID), "The reply you are answering no longer exists or has not been approved."},
		{"ErrParentOtherArticle", "comment_parent", strconv.Itoa(otherArticleComment), "The reply you are answering no longer exists or has not been approved."},
		{"ErrParentNotANumber", "comment_parent", "abc", "The reply you are answering no longer exists or has not been approved."},
		{"ErrParentNegative", "comment_parent", "-3", "The reply you are answering no longer exists or has not been approved."},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			before := s.count(t, `SELECT count(*) FROM comments`)
			form := validReply()
			form.Set("author", "Ann O'Neil <b>")
			form.Set("comment", "My <em>own</em> words & \"quotes\"\nsecond line")
			form.Set(tt.Field, tt.Value)
			res := s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusUnprocessableEntity)
			res.wantContains(html.EscapeString(tt.Message), "Your comment was not posted.",
				"Understanding Involuntary Muscle Twitches", "Leave a Reply")
			if tt.Field != "comment_parent" {
				res.wantContains(`id="` + tt.Field + `-error"`)
			}
			// Every other value the reader typed is still in the form, escaped.
			for _, field := range []string{"comment", "author", "email", "url"} {
				if field == tt.Field && (strings.Contains(tt.Name, "UTF8") || strings.Contains(tt.Name, "NUL")) {
					continue // shown with a replacement character: a page cannot hold these bytes
				}
				value := form.Get(field)
				if field == "comment" {
					res.wantContains(">\n" + html.EscapeString(value) + "</textarea>")
				} else {
					res.wantContains(`value="` + html.EscapeString(value) + `"`)
				}
			}
			res.wantNotContains("<em>own</em>", "O'Neil <b>")
			if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
				t.Errorf("comments = %d after a refused reply, want %d", got, before)
			}
		})
	}
}

// Ensure a full-length reply in a non-Latin script fits under the body limit, and a
// body over the limit is refused with 413 without being saved.
func TestCommentCreate_BodyLimits(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	t.Run("FullLengthNonLatin", func(t *testing.T) {
		text := strings.Repeat("肌", model.MaxCommentBody/3) // 3 bytes each in UTF-8
		form := validReply()
		form.Set("comment", text)
		if n := len(form.Encode()); n < 190_000 || n > web.MaxRequestBody {
			t.Fatalf("encoded form is %d bytes; the test needs one near 200 KB", n)
		}
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
		if n := s.count(t, `SELECT count(*) FROM comments WHERE body = ?`, text); n != 1 {
			t.Errorf("full-length reply saved %d times, want 1", n)
		}
	})
	t.Run("DeclaredTooLarge", func(t *testing.T) {
		before := s.count(t, `SELECT count(*) FROM comments`)
		form := validReply()
		form.Set("comment", strings.Repeat("a", web.MaxRequestBody))
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusRequestEntityTooLarge).wantContains("Submission too large")
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Error("an oversized reply was saved")
		}
	})
	t.Run("StreamedTooLarge", func(t *testing.T) {
		before := s.count(t, `SELECT count(*) FROM comments`)
		// No Content-Length: the server must stop reading at the limit.
		body := io.MultiReader(strings.NewReader("author=A&email=a%40example.com&comment="), strings.NewReader(strings.Repeat("a", 2*web.MaxRequestBody)))
		req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", body)
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		s.do(t, req).wantStatus(http.StatusRequestEntityTooLarge)
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Error("an oversized reply was saved")
		}
	})
}

// Ensure reply text is shown exactly as typed but escaped, with line breaks kept and
// web addresses as nofollow links, and that a website is linked only if it is http(s).
func TestArticle_ReplyTextIsEscaped(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := time.Now().UTC()
	s.exec(t, `INSERT INTO comments (article_id, author_name, author_email, author_url, body, status, created_at, updated_at)
		VALUES (1, '<img src=x onerror=alert(1)>', 'evil@example.com', 'javascript:alert(2)', ?, 'approved', ?, ?)`,
		"<script>alert(\"x\")</script> see https://example.org/page?a=1&b=2.\nline two\n\npara two", now, now)
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantContains(
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",
		`<a href="https://example.org/page?a=1&amp;b=2" rel="nofollow ugc">https://example.org/page?a=1&amp;b=2</a>.<br>`,
		"line two</p>", "<p>para two</p>",
		"&lt;img src=x onerror=alert(1)&gt;",
	)
	page.wantNotContains(`<script>alert("x")`, "<img src=x", `href="javascript:`, "evil@example.com")
}

// Ensure threads nest five deep, as in WordPress, and deeper replies are shown beside
// the fifth level with no further Reply link.
func TestArticle_ThreadDepth(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	parent := 3
	for depth := 2; depth <= 7; depth++ {
		now := time.Now().UTC()
		s.exec(t, `INSERT INTO comments (article_id, parent_id, author_name, author_email, body, status, created_at, updated_at)
			VALUES (1, ?, ?, 'deep@example.com', ?, 'approved', ?, ?)`,
			parent, "Depth "+strconv.Itoa(depth), "reply at depth "+strconv.Itoa(depth), now.Add(time.Duration(depth)*time.Minute), now)
		parent = s.count(t, `SELECT max(id) FROM comments`)
	}
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantContains("depth-5", "reply at depth 7").wantNotContains("depth-6", "depth-7")
	for depth := 2; depth <= 7; depth++ {
		id := parent - (7 - depth)
		hasReply := strings.Contains(page.Body, "?replytocom="+strconv.Itoa(id)+"#respond")
		if want := depth < 5; hasReply != want {
			t.Errorf("reply at depth %d: Reply link present = %v, want %v", depth, hasReply, want)
		}
	}
}

// Ensure the request log never holds a commenter's email or a raw client address.
func TestLogs_HoldNoEmailOrAddress(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	form := validReply()
	form.Set("url", "bad")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusUnprocessableEntity)
	logs := s.logs.String()
	if !strings.Contains(logs, "route=/articles/:slug/comments") {
		t.Fatalf("no request line was logged:\n%s", logs)
	}
	for _, secret := range []string{"reader.one@example.com", "reader.one%40example.com", "192.0.2.1"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, "client=192.0.2.0/24") {
		t.Errorf("log lacks the anonymised client network:\n%s", logs)
	}
}

// Ensure X-Forwarded-For is believed only from a configured proxy, so a reader cannot
// pick the address their reply is recorded under.
func TestCommentCreate_TrustedProxiesOnly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		Name       string
		Proxies    []string
		WantPrefix string
	}{
		{"NoProxyTrusted", nil, "192.0.2.0/24"},
		{"PeerIsTrustedProxy", []string{"192.0.2.0/24"}, "203.0.113.0/24"},
		{"OtherProxyTrusted", []string{"10.0.0.1"}, "192.0.2.0/24"},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := newSiteWith(t, func(o *web.Options) { o.TrustedProxies = tt.Proxies })
			req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(validReply().Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", "203.0.113.50")
			s.do(t, req).wantStatus(http.StatusSeeOther)
			var prefix string
			if err := s.db.QueryRow(`SELECT client_prefix FROM comments ORDER BY id DESC LIMIT 1`).Scan(&prefix); err != nil {
				t.Fatal(err)
			}
			if prefix != tt.WantPrefix {
				t.Errorf("client_prefix = %q, want %q", prefix, tt.WantPrefix)
			}
		})
	}
}

// Ensure a reply that cannot be saved because the database stays busy gets a clear
// "try again" with everything typed, never an "Internal error" page.
func TestCommentCreate_DatabaseBusyKeepsForm(t *testing.T) {
	t.Parallel()
	// The server's writes give up after 100 ms instead of the 5 s they wait in production.
	s := newSiteWith(t, func(*web.Options) {}, store.BusyTimeout(100*time.Millisecond))
	form := validReply()
	form.Set("form_shown", s.formStamp(t, articlePath))
	s.advance(20 * time.Second)
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	storetest.HoldWriteLock(t, conn)
	// Another writer holds the lock longer than the busy timeout.
	res := s.postReplyNow(t, articlePath+"/comments", form)
	conn.ExecContext(context.Background(), "ROLLBACK")
	res.wantStatus(http.StatusServiceUnavailable).
		wantContains("Your comment could not be saved just now. Please try again in a moment.",
			"Magnesium helped my cramps.\nThanks for the clear article.</textarea>", `value="reader.one@example.com"`).
		wantNotContains("Internal error")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// Ensure a refused reply is announced where a keyboard or screen-reader user lands:
// the page title says "Error", the focus goes to the alert, which links each problem
// to its field, and the reply box says whom it answers.
func TestReply_RefusedIsAccessible(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	form := validReply()
	form.Set("author", "")
	form.Set("email", "not an email")
	res := s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusUnprocessableEntity)
	res.wantContains("<title>Error: Understanding Involuntary Muscle Twitches",
		`<div class="form-errors" role="alert" id="form-errors" tabindex="-1" autofocus>`,
		`<li><a href="#author">Name: `, `<li><a href="#email">Email: `,
		`aria-describedby="reply-title-text"`)
	res.wantNotContains(`<li><a href="#comment">`)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantNotContains("<title>Error:", "autofocus")
}
