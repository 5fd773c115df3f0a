package web_test

import (
	"database/sql"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure no request body or Content-Type sent to the reply form makes the real server
// panic or answer 5xx; that it answers 400 exactly when net/http cannot read the form,
// 413 when the body is over the limit, 422 when a field is refused, and otherwise
// saves the reply (or spots a duplicate); and that a saved reply is exactly what the
// form carried.
func FuzzCommentCreateForm(f *testing.F) {
	const form = "application/x-www-form-urlencoded"
	valid := validReply()
	f.Add(form, []byte(valid.Encode()))
	for _, seed := range []struct{ contentType, body string }{
		{form + "; charset=UTF-8", valid.Encode()},
		{"APPLICATION/X-WWW-FORM-URLENCODED", valid.Encode()},
		{form + "; charset=\"", valid.Encode()},
		{form + ";;", valid.Encode()},
		{"", valid.Encode()},
		{"text/plain", valid.Encode()},
		{"application/json", `{"comment":"x","author":"a","email":"a@example.com"}`},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nhi\r\n--x--\r\n"},
		{form, "comment=%"},
		{form, "comment=%zz&author=A&email=a%40example.com"},
		{form, "comment=a;author=b"},
		{form, "&&&=&=="},
		{form, "comment&author&email"},
		{form, "comment=first&comment=second&author=A&email=a%40example.com"},
		{form, "comment=%00&author=%ff%fe&email=a%40example.com"},
		{form, "comment=line%0D%0Abreak&author=A%0AB&email=a%40example.com&url=javascript%3Aalert(1)"},
		{form, "comment=x&author=A&email=a%40example.com&comment_parent=1"},
		{form, "comment=x&author=A&email=a%40example.com&comment_parent=-1"},
		{form, "comment=x&author=A&email=a%40example.com&comment_parent=99999999999999999999"},
		{form, "comment=x&author=A&email=a%40example.com&comment_parent=+1"},
		{form, "comment=x&author=A&email=a%40example.com&contact_me_by_fax_only=1&form_shown=forged"},
	} {
		f.Add(seed.contentType, []byte(seed.body))
	}
	// The corpus as raw bodies tests the decoding; saving each as a reply would test
	// the database more than the form, and take seconds before fuzzing starts.
	for _, s := range hostile.Corpus(f) {
		f.Add(form, []byte(s))
	}
	for _, s := range hostile.Own() {
		reply := cloneValues(valid)
		reply.Set("comment", s)
		f.Add(form, []byte(reply.Encode()))
		reply.Set("author", s)
		reply.Set("url", s)
		f.Add(form, []byte(reply.Encode()))
	}

	// One site for all the inputs: each input checks only what it changed.
	s := newSite(f)
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		s.advance(time.Minute) // past the flood interval and the burst limit
		before := s.count(t, `SELECT count(*) FROM comments`)
		req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(string(body)))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("User-Agent", "Mozilla/5.0 (fuzz)")
		res := s.do(t, req)
		after := s.count(t, `SELECT count(*) FROM comments`)

		sent, readable := decodeReplyForm(contentType, body)
		var want []int
		switch {
		case len(body) > web.MaxRequestBody:
			want = []int{http.StatusRequestEntityTooLarge}
		case !readable:
			want = []int{http.StatusBadRequest}
		case !s.replyAcceptable(t, sent):
			want = []int{http.StatusUnprocessableEntity}
		default:
			want = []int{http.StatusSeeOther, http.StatusConflict}
		}
		if res.Code >= 500 || !slices.Contains(want, res.Code) {
			t.Fatalf("Content-Type %q, body %q: status %d, want one of %v; body:\n%.1000s", contentType, body, res.Code, want, res.Body)
		}
		if res.Code != http.StatusSeeOther {
			if after != before {
				t.Fatalf("status %d, yet %d replies were saved", res.Code, after-before)
			}
			return
		}
		if after != before+1 {
			t.Fatalf("status 303, yet %d replies were saved", after-before)
		}
		got := s.newestReply(t)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, articlePath) || !strings.HasSuffix(loc, "#comment-"+itoa(got.id)) {
			t.Errorf("Location = %q for reply %d", loc, got.id)
		}
		wantBody := strings.ReplaceAll(sent.Get("comment"), "\r\n", "\n")
		if got.body != wantBody || got.author != sent.Get("author") || got.email != sent.Get("email") || got.url != sent.Get("url") {
			t.Errorf("saved %q, %q, %q, %q; sent %q, %q, %q, %q",
				got.body, got.author, got.email, got.url, wantBody, sent.Get("author"), sent.Get("email"), sent.Get("url"))
		}
		if parent := sent.Get("comment_parent"); got.parent.Valid != (parent != "" && parent != "0") ||
			got.parent.Valid && strconv.FormatInt(got.parent.Int64, 10) != parent {
			t.Errorf("saved under parent %v; sent comment_parent %q", got.parent, parent)
		}
	})
}

// decodeReplyForm reads a reply form's body as the HTML standard and net/http define
// it, independently of the server: only a url-encoded body carries fields.
func decodeReplyForm(contentType string, body []byte) (url.Values, bool) {
	if contentType == "" {
		return url.Values{}, true // treated as application/octet-stream: no fields
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, false
	}
	if mediaType == "multipart/form-data" {
		// Read as the server's form reader reads it: a broken multipart body is a 400.
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", contentType)
		if err := req.ParseMultipartForm(32 << 20); err != nil {
			return nil, false
		}
		return req.PostForm, true
	}
	if mediaType != "application/x-www-form-urlencoded" {
		return url.Values{}, true
	}
	values, err := url.ParseQuery(string(body))
	return values, err == nil
}

// replyAcceptable reports whether a reply with these fields passes every check: the
// model's rules and a parent that is an approved reply on the same article.
func (s *site) replyAcceptable(t testing.TB, sent url.Values) bool {
	c := model.Comment{
		Body:        strings.ReplaceAll(sent.Get("comment"), "\r\n", "\n"),
		AuthorName:  sent.Get("author"),
		AuthorEmail: sent.Get("email"),
		AuthorURL:   sent.Get("url"),
	}
	if c.Validate() != nil {
		return false
	}
	parent := sent.Get("comment_parent")
	if parent == "" || parent == "0" {
		return true
	}
	id, err := strconv.ParseInt(parent, 10, 64)
	return err == nil && s.count(t, `SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id
		WHERE c.id = ? AND c.status = 'approved' AND a.slug = ?`, id, demo.ArticleSlug) == 1
}

// savedReply is a reply as stored, with its email decrypted.
type savedReply struct {
	id                       int64
	body, author, email, url string
	parent                   sql.NullInt64
}

func (s *site) newestReply(t testing.TB) savedReply {
	t.Helper()
	var r savedReply
	var sealed []byte
	err := s.db.QueryRow(`SELECT id, body, author_name, author_email, author_email_enc, author_url, parent_id
		FROM comments ORDER BY id DESC LIMIT 1`).Scan(&r.id, &r.body, &r.author, &r.email, &sealed, &r.url, &r.parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) > 0 {
		if r.email, err = testKeys.Open(sealed); err != nil {
			t.Fatal(err)
		}
	}
	return r
}
