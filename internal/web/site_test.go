package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/argon2"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
	"github.com/fascicle/fascicle/internal/web"
)

const articlePath = "/articles/" + demo.ArticleSlug

// site is the real web server on a real SQLite file with every migration and the demo
// content, with a clock the test can move.
type site struct {
	handler http.Handler
	store   *store.Store
	db      *storetest.DB // a second connection, to check what was really saved
	logs    *syncBuffer

	mu  sync.Mutex
	now time.Time
}

func newSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(*web.Options) {})
}

// prepare brings the database of st up to date, binds its emails to testKeys and adds
// the demo content, as the program does at start.
func prepare(ctx context.Context, st *store.Store) error {
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.UseKeys(ctx, testKeys); err != nil {
		return err
	}
	return demo.Install(ctx, st)
}

// template is a database that prepare has readied, made once per test run and
// engine: each site starts from a copy of it, on which prepare then has nothing left to
// do.
var template = storetest.NewTemplate(prepare)

// TestMain runs the tests on each engine (see storetest), then removes the template.
func TestMain(m *testing.M) {
	code := storetest.Main(m)
	template.Remove()
	os.Exit(code)
}

// newSiteWith is newSite with options changed by configure before the server is built,
// and the store opened with opts.
func newSiteWith(t testing.TB, configure func(*web.Options), opts ...store.Option) *site {
	t.Helper()
	ctx := context.Background()
	path := template.Copy(t)
	st, err := store.Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := prepare(ctx, st); err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, path)

	// The clock starts on a whole second, as the form's signed time counts whole
	// seconds: the time from form to reply is then what the test makes it.
	s := &site{store: st, db: db, logs: &syncBuffer{}, now: time.Now().Truncate(time.Second)}
	mod := moderation.New(st, []byte("client-key-for-tests-0123456789ab"))
	mod.SetClock(s.clock)
	opt := web.Options{
		Store:      st,
		Moderation: mod,
		Logger:     slog.New(slog.NewTextHandler(s.logs, nil)),
		PublicURL:  "http://fascicle.test",
		TokenKey:   []byte("token-key-for-tests-0123456789abcdef"),
		Now:        s.clock,
	}
	configure(&opt)
	srv, err := web.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	s.handler = srv
	return s
}

func (s *site) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

func (s *site) advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// do sends a request through the real router and returns the response.
func (s *site) do(t testing.TB, req *http.Request) *response {
	t.Helper()
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return &response{t: t, Code: rec.Code, Header: rec.Header(), Body: string(body)}
}

func (s *site) get(t testing.TB, target string) *response {
	t.Helper()
	return s.do(t, httptest.NewRequest(http.MethodGet, target, nil))
}

// postReply submits the reply form as a person on the site would: it opens the page
// first, for the form's signed timestamp, and takes more time than the flood interval
// to write.
func (s *site) postReply(t testing.TB, target string, form url.Values) *response {
	t.Helper()
	if !form.Has("form_shown") {
		form = cloneValues(form)
		form.Set("form_shown", s.formStamp(t, strings.TrimSuffix(target, "/comments")))
	}
	s.advance(20 * time.Second)
	return s.postReplyNow(t, target, form)
}

// formStamp returns the signed timestamp of the reply form on the page at path.
func (s *site) formStamp(t testing.TB, path string) string {
	t.Helper()
	page := s.get(t, path)
	m := regexp.MustCompile(`name="form_shown" value="([^"]+)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no form timestamp on %s (status %d)", path, page.Code)
	}
	return html.UnescapeString(m[1])
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// postReplyNow submits the reply form at once, as it is.
func (s *site) postReplyNow(t testing.TB, target string, form url.Values) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", "Mozilla/5.0 (test)")
	return s.do(t, req)
}

// count runs a counting query on the database file.
func (s *site) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// exec runs SQL on the database file. Emails a test inserts in clear are then
// encrypted, as start-up does with those an earlier version left.
func (s *site) exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := s.db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.EncryptPlainEmails(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// testKeys encrypt the emails of the tests' replies.
var testKeys, _ = secret.New([]byte("fedcba9876543210fedcba9876543210"))

// commenterEmails returns the email of every reply in the database, decrypted (or in
// clear, for rows a test inserted with SQL).
func (s *site) commenterEmails(t testing.TB) []string {
	t.Helper()
	rows, err := s.db.Query(`SELECT author_email, author_email_enc FROM comments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var emails []string
	for rows.Next() {
		var plain string
		var sealed []byte
		if err := rows.Scan(&plain, &sealed); err != nil {
			t.Fatal(err)
		}
		if len(sealed) > 0 {
			if plain, err = testKeys.Open(sealed); err != nil {
				t.Fatal(err)
			}
		}
		emails = append(emails, plain)
	}
	if len(emails) == 0 {
		t.Fatal("no replies in the database; the privacy check would prove nothing")
	}
	return emails
}

type response struct {
	t      testing.TB
	Code   int
	Header http.Header
	Body   string
}

func (r *response) wantStatus(code int) *response {
	r.t.Helper()
	if r.Code != code {
		r.t.Fatalf("status = %d, want %d; body:\n%.2000s", r.Code, code, r.Body)
	}
	return r
}

func (r *response) wantContains(texts ...string) *response {
	r.t.Helper()
	for _, text := range texts {
		if !strings.Contains(r.Body, text) {
			r.t.Errorf("response lacks %q", text)
		}
	}
	return r
}

func (r *response) wantNotContains(texts ...string) *response {
	r.t.Helper()
	for _, text := range texts {
		if strings.Contains(r.Body, text) {
			r.t.Errorf("response contains %q, which must not be there", text)
		}
	}
	return r
}

// syncBuffer collects log lines from concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func validReply() url.Values {
	return url.Values{
		"comment":        {"Magnesium helped my cramps.\nThanks for the clear article."},
		"author":         {"Reader One"},
		"email":          {"reader.one@example.com"},
		"url":            {"https://reader.example.org/"},
		"comment_parent": {"0"},
	}
}

// staffPassword is the password of every account addUser creates.
const staffPassword = "correct horse battery staple"

// staffPasswordHash is an argon2id hash of staffPassword in the format of
// auth.HashPassword, made with argon2's cheapest parameters (64 KiB, one pass) rather
// than the 19 MiB and two passes that make each sign-in take tens of milliseconds on
// purpose. auth.VerifyPassword reads the parameters from the hash, so signing in
// checks the password through the same code; auth's tests and the setup test check
// the parameters of the hashes the program makes.
var staffPasswordHash = sync.OnceValue(func() string {
	const memory, passes, threads = 64, 1, 1
	salt := []byte("fascicle-test-16")
	key := argon2.IDKey([]byte(staffPassword), salt, passes, memory, threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memory, passes, threads, b64.EncodeToString(salt), b64.EncodeToString(key))
})

// addUser creates a staff account with the given role and returns it.
func (s *site) addUser(t testing.TB, role model.Role) *model.User {
	t.Helper()
	hash := staffPasswordHash()
	email := string(role) + "-" + strconv.Itoa(int(s.count(t, `SELECT count(*) FROM users`))) + "@staff.example"
	u := &model.User{Name: "Staff " + string(role), Email: &email, Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// signIn signs in through the sign-in form and returns the session cookie.
func (s *site) signIn(t testing.TB, u *model.User) *http.Cookie {
	t.Helper()
	res := s.postForm(t, "/admin/login", url.Values{"email": {u.EmailAddress()}, "password": {staffPassword}}, nil)
	res.wantStatus(http.StatusSeeOther)
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "fascicle_session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("sign-in set no session cookie; headers: %v", res.Header)
	return nil
}

// getAs sends a GET with the session cookie (nil for none).
func (s *site) getAs(t testing.TB, cookie *http.Cookie, target string) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// postForm sends a same-origin form POST with the session cookie (nil for none).
func (s *site) postForm(t testing.TB, target string, form url.Values, cookie *http.Cookie) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// setPolicy changes the moderation policy.
func (s *site) setPolicy(t testing.TB, change func(p *model.Policy)) {
	t.Helper()
	p, err := s.store.Policy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	change(&p)
	if err := s.store.SavePolicy(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// status returns the status of the reply with the given ID.
func (s *site) status(t testing.TB, id int64) string {
	t.Helper()
	var status string
	if err := s.db.QueryRow(`SELECT status FROM comments WHERE id = ?`, id).Scan(&status); err != nil {
		t.Fatal(err)
	}
	return status
}

// lastReply returns the ID, status and held reason of the newest reply.
func (s *site) lastReply(t testing.TB) (id int64, status, reason string) {
	t.Helper()
	if err := s.db.QueryRow(`SELECT id, status, held_reason FROM comments ORDER BY id DESC LIMIT 1`).Scan(&id, &status, &reason); err != nil {
		t.Fatal(err)
	}
	return id, status, reason
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fmtSscanf(s, format string, args ...any) (int, error) { return fmt.Sscanf(s, format, args...) }

func htmlEscape(s string) string { return html.EscapeString(s) }
