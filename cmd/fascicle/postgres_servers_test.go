package main_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure two servers on one PostgreSQL database behave as one site: started at the
// same moment they migrate once and add the demo content once; a scheduled article
// that fell due while they were down goes out once when both start again; replies
// sent to both are kept; a reply approved on one shows on the other's next view (also
// from its page cache), with the session made on the first; each queued message is
// sent once; and one server killed with SIGKILL mid-load loses no acknowledged reply.
func TestServe_TwoServersOnePostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	t.Parallel()
	ctx := context.Background()
	dbURL := storetest.NewPostgres(t)
	keyBytes := make([]byte, 32)
	rand.Read(keyBytes)
	key := base64.StdEncoding.EncodeToString(keyBytes)
	smtp := mailtest.Start(t)
	env := []string{"FASCICLE_SECRET_KEY=" + key, "FASCICLE_SMTP_URL=" + smtp.URL(), "FASCICLE_MAIL_FROM=Health News <news@example.org>"}
	startBoth := func() (*server, *server) {
		t.Helper()
		var wg sync.WaitGroup
		var a, b *server
		wg.Add(2)
		go func() { defer wg.Done(); a = startServer(t, dbURL, env...) }()
		go func() { defer wg.Done(); b = startServer(t, dbURL, env...) }()
		wg.Wait()
		if a == nil || b == nil {
			t.FailNow()
		}
		return a, b
	}
	db := storetest.Open(t, dbURL)
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}

	// Started at the same moment on an empty database.
	a, b := startBoth()
	if n := count(`SELECT count(*) FROM goose_db_version WHERE version_id = 18`); n != 1 {
		t.Errorf("migration 18 recorded %d times", n)
	}
	if n := count(`SELECT count(*) FROM articles WHERE slug = ?`, strings.TrimPrefix(articlePath, "/articles/")); n != 1 {
		t.Errorf("the demo article is there %d times", n)
	}
	a.stopCleanly(t)
	b.stopCleanly(t)

	// An article that fell due while both were down, and an administrator (who is
	// mailed about each reply held, as moderators are).
	cfg := config.Default()
	cfg.DBPath, cfg.SecretKey = dbURL, key
	const adminEmail, adminPassword = "ada.admin@staff.example", "a long and careful passphrase"
	if err := app.AddUser(ctx, cfg, adminEmail, "Ada Admin", model.RoleAdmin, strings.NewReader(adminPassword+"\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(-time.Hour).UTC()
	if err := st.CreateArticle(ctx, &model.Article{Slug: "due-while-down", Title: "Due while the servers were down",
		Summary: "Scheduled.", BodyMarkdown: "Text.", Status: model.ArticleScheduled, ScheduledAt: &due, AuthorID: 1,
		ReviewerName: "Dr. R", ReviewedAt: &due, CommentsOpen: true, CreatedAt: due, UpdatedAt: due}); err != nil {
		t.Fatal(err)
	}
	p, err := st.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.FloodSeconds, p.MinFormSeconds = 0, 0
	if err := st.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	st.Close()

	a, b = startBoth()
	if n := count(`SELECT count(*) FROM articles WHERE slug = 'due-while-down' AND status = 'published'`); n != 1 {
		t.Errorf("the due article is not published (%d)", n)
	}
	if n := count(`SELECT count(*) FROM events WHERE kind = 'article.published'`); n != 1 {
		t.Errorf("the due article was published %d times", n)
	}
	mustGet(t, b.base+"/articles/due-while-down", "Due while the servers were down")

	// Replies to both; one approved on A shows on B's next view, which B had cached.
	client := newPoster()
	for i, s := range []*server{a, b} {
		r := reply{Comment: fmt.Sprintf("two servers: reply %d", i), Author: "Ria Reader", Email: fmt.Sprintf("ria%d@example.org", i),
			ForwardedFor: fmt.Sprintf("10.77.0.%d", i+1)}
		if ans, err := post(ctx, client, s.base, r); err != nil || ans.Status != http.StatusSeeOther {
			t.Fatalf("reply to server %d: %v, %d %.200q", i, err, ans.Status, gist(ans.Body))
		}
	}
	// Each reply held is mailed to the administrator once, by one server or the other.
	deadline := time.Now().Add(30 * time.Second)
	for len(smtp.To(adminEmail)) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // both senders look for work again meanwhile
	ids := map[string]int{}
	for _, m := range smtp.To(adminEmail) {
		ids[m.Header().Get("Message-Id")]++
	}
	if got := len(smtp.To(adminEmail)); got != 2 || len(ids) != 2 {
		t.Errorf("the administrator got %d messages (%d different) for 2 replies held", got, len(ids))
	}

	mustGet(t, b.base+articlePath, "Understanding Involuntary Muscle Twitches") // cached on B now
	var held int64
	if err := db.QueryRow(`SELECT id FROM comments WHERE body = 'two servers: reply 1'`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	cookie := signInOver(t, a.base, adminEmail, adminPassword)
	approve := fmt.Sprintf("%s/admin/comments/%d/action/approve", a.base, held)
	req, _ := http.NewRequest(http.MethodPost, approve, nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(cookie)
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve on A: %v %v", err, res)
	} else {
		res.Body.Close()
	}
	mustGet(t, b.base+articlePath, "two servers: reply 1")
	// The session made on A works on B.
	req, _ = http.NewRequest(http.MethodGet, b.base+"/admin/comments", nil)
	req.AddCookie(cookie)
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the session on B: %v %v", err, res)
	} else {
		res.Body.Close()
	}

	// Load on both, then A killed: every acknowledged reply is kept.
	streamA := streamReplies(a.base, "two servers A ", 4)
	streamB := streamReplies(b.base, "two servers B ", 4)
	streamA.waitAcks(t, 30, 60*time.Second)
	a.kill()
	streamB.waitAcks(t, 30, 60*time.Second)
	streamA.stop()
	streamB.stop()
	acked := streamA.snapshot()
	for k := range streamB.snapshot() {
		acked[k] = true
	}
	stored := map[string]bool{}
	rows, err := db.Query(`SELECT body FROM comments WHERE body LIKE 'two servers % %'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		if stored[body] {
			t.Errorf("%q is stored twice", body)
		}
		stored[body] = true
	}
	rows.Close()
	if lost, n := missing(acked, stored, 5); n > 0 {
		t.Errorf("%d of %d acknowledged replies were lost, for example %q", n, len(acked), lost)
	}
	if len(streamB.unexpected) > 0 {
		t.Errorf("B answered other than 303: %q", first(streamB.unexpected, 3))
	}

	b.stopCleanly(t)
}

// signInOver signs in at base's sign-in form and returns the session cookie.
func signInOver(t *testing.T, base, email, password string) *http.Cookie {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/admin/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin") // as a browser says of its own forms
	res, err := newPoster().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "fascicle_session" && c.Value != "" {
			return c
		}
	}
	body, _ := io.ReadAll(res.Body)
	t.Fatalf("sign-in: %d, no session cookie; %.300q", res.StatusCode, regexp.MustCompile(`\s+`).ReplaceAllString(gist(string(body)), " "))
	return nil
}
