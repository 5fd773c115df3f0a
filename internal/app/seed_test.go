package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/seed"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// generatedEmail matches the emails "fascicle seed" makes up.
var generatedEmail = regexp.MustCompile(`[a-z0-9._]+@((mail|inbox)\.)?example\.(com|org|net)|@spam\.example`)

// seedDB runs "fascicle seed" into a new database in a temporary folder and returns
// its settings and what the command printed.
func seedDB(t *testing.T, articles, replies int, value uint64) (config.Config, string) {
	t.Helper()
	cfg := testConfig(t)
	var out bytes.Buffer
	res, err := app.Seed(context.Background(), cfg, seed.Options{Articles: articles, Replies: replies, Seed: value}, &out)
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if res.Articles != articles || res.Replies != replies {
		t.Fatalf("seed reports %d articles and %d replies, want %d and %d", res.Articles, res.Replies, articles, replies)
	}
	return cfg, out.String()
}

// commentIndexes counts the indexes of the replies table.
const commentIndexes = `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL`

// migratedCommentIndexes returns how many indexes the replies table of a new
// database has.
func migratedCommentIndexes(t *testing.T) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "new.db")
	if err := app.Migrate(context.Background(), config.Config{DBPath: path}, io.Discard); err != nil {
		t.Fatal(err)
	}
	return queryInt(t, openRaw(t, path), commentIndexes)
}

func openRaw(t *testing.T, path string) *storetest.DB {
	t.Helper()
	return storetest.Open(t, path)
}

func queryInt(t *testing.T, db *storetest.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func getPage(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// Ensure "fascicle seed" writes exactly the articles and replies asked for, with
// references, tags, full-text entries, threads that stay within one article and come
// after their parent, a mix of statuses skewed towards approved and of reply counts
// skewed towards a few articles, and emails stored only encrypted; and that the site
// serves the result.
func TestSeed_RealisticContentServed(t *testing.T) {
	storetest.SQLiteOnly(t, "it reads the SQLite file and schema; the bulk loader runs on PostgreSQL in internal/seed's tests")
	t.Parallel()
	cfg, out := seedDB(t, 200, 20_000, seed.DefaultSeed)
	if !strings.Contains(out, "replies/s") {
		t.Errorf("the command does not print its rate:\n%s", out)
	}
	db := openRaw(t, cfg.DBPath)

	t.Run("Counts", func(t *testing.T) {
		for query, want := range map[string]int{
			`SELECT count(*) FROM articles`:        200,
			`SELECT count(*) FROM comments`:        20_000,
			`SELECT count(*) FROM articles_search`: 200,
			`SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM article_references r WHERE r.article_id = a.id) NOT BETWEEN 2 AND 6`: 0,
			`SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM article_tags t WHERE t.article_id = a.id) NOT BETWEEN 1 AND 3`:       0,
			`SELECT count(*) FROM users WHERE password_hash != ''`:                                                                            0,
			// Every reply index is there: the load builds them again at its end.
			commentIndexes: migratedCommentIndexes(t),
			`SELECT count(*) FROM site_meta WHERE name LIKE 'bulk%'`: 0,
		} {
			if got := queryInt(t, db, query); got != want {
				t.Errorf("%s = %d, want %d", query, got, want)
			}
		}
		if n := queryInt(t, db, `SELECT count(DISTINCT substr(body_markdown, 1, 200)) FROM articles`); n < 190 {
			t.Errorf("only %d different article openings in 200", n)
		}
		if n := queryInt(t, db, `SELECT count(DISTINCT strftime('%Y', published_at)) FROM articles WHERE published_at IS NOT NULL`); n < 5 {
			t.Errorf("articles published over %d years, want several", n)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM articles WHERE body_markdown LIKE '%## %' AND body_markdown LIKE '%' || char(10) || char(10) || '%'`); n != 200 {
			t.Errorf("%d of 200 bodies have headings and paragraphs", n)
		}
	})

	t.Run("Threads", func(t *testing.T) {
		for query, want := range map[string]int{
			`SELECT count(*) FROM comments c LEFT JOIN comments p ON p.id = c.parent_id
			  WHERE c.parent_id IS NOT NULL AND (p.id IS NULL OR p.article_id != c.article_id OR p.created_at > c.created_at)`: 0,
			`SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id
			  WHERE a.published_at IS NULL OR c.created_at < a.published_at`: 0,
		} {
			if got := queryInt(t, db, query); got != want {
				t.Errorf("%s = %d, want %d", query, got, want)
			}
		}
		if n := queryInt(t, db, `SELECT count(*) FROM comments WHERE parent_id IS NOT NULL`); n < 2000 {
			t.Errorf("only %d replies to replies", n)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent_id JOIN comments g ON g.id = p.parent_id`); n == 0 {
			t.Error("no thread is deeper than one level")
		}
	})

	t.Run("StatusesAndSkew", func(t *testing.T) {
		approved := queryInt(t, db, `SELECT count(*) FROM comments WHERE status = 'approved'`)
		if approved < 16_000 || approved > 19_000 {
			t.Errorf("%d of 20000 replies approved, want most", approved)
		}
		for _, s := range []string{"pending", "spam", "trash"} {
			if n := queryInt(t, db, `SELECT count(*) FROM comments WHERE status = ?`, s); n < 100 {
				t.Errorf("%d %s replies, want some", n, s)
			}
		}
		most := queryInt(t, db, `SELECT max(n) FROM (SELECT count(*) AS n FROM comments GROUP BY article_id)`)
		if most < 5*20_000/200 {
			t.Errorf("the busiest article has %d replies; want a skew (at least 5× the average)", most)
		}
	})

	// Before the server starts, which would encrypt any email it found in clear.
	t.Run("NoEmailInClear", func(t *testing.T) {
		if n := queryInt(t, db, `SELECT count(*) FROM comments WHERE user_id IS NULL
			AND (author_email != '' OR author_email_enc IS NULL OR length(author_email_index) != 64)`); n != 0 {
			t.Errorf("%d readers' replies with an email in clear or without its encrypted form and index", n)
		}
		// A staff reply has no email at all.
		if n := queryInt(t, db, `SELECT count(*) FROM comments WHERE user_id IS NOT NULL
			AND (author_email != '' OR author_email_enc IS NOT NULL OR author_email_index != '')`); n != 0 {
			t.Errorf("%d staff replies with an email, or its encrypted form or index", n)
		}
		file, err := os.ReadFile(cfg.DBPath)
		if err != nil {
			t.Fatal(err)
		}
		// Every generated email is at example.com, .org or .net, or at spam.example.
		if m := generatedEmail.Find(file); m != nil {
			t.Errorf("an email in clear in the database file: %q", m)
		}
	})

	// The first start deletes the generated history's old spam in the background;
	// the checks below pick replies at random, so they wait for it.
	logs := &lockedBuffer{}
	a, base := startAppWith(t, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	waitForLogWithin(t, logs, `msg="applied the retention settings"`, time.Minute)
	ctx := context.Background()

	t.Run("EmailsDecrypt", func(t *testing.T) {
		rows, err := db.Query(`SELECT id FROM comments WHERE user_id IS NULL ORDER BY random() LIMIT 50`)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		file, err := os.ReadFile(cfg.DBPath)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			c, err := a.Store.Comment(ctx, id)
			if err != nil {
				t.Fatalf("reply %d: %v", id, err)
			}
			if !model.ValidEmail(c.AuthorEmail) {
				t.Errorf("reply %d decrypts to %q, not an email", id, c.AuthorEmail)
			}
			if bytes.Contains(file, []byte(c.AuthorEmail)) {
				t.Errorf("the email of reply %d is in the database file in clear", id)
			}
			if list, err := a.Store.CommentsByEmail(ctx, c.AuthorEmail); err != nil || len(list) == 0 {
				t.Errorf("reply %d is not found by its email's blind index: %v", id, err)
			}
		}
	})

	t.Run("PublicPages", func(t *testing.T) {
		var newest string
		if err := db.QueryRow(`SELECT title FROM articles WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT 1`).Scan(&newest); err != nil {
			t.Fatal(err)
		}
		if status, body := getPage(t, base+"/"); status != http.StatusOK || !strings.Contains(body, html.EscapeString(newest)) {
			t.Errorf("home: %d, newest article %q shown: %v", status, newest, strings.Contains(body, html.EscapeString(newest)))
		}

		var slug, name string
		var articleID int64
		if err := db.QueryRow(`SELECT a.id, a.slug FROM articles a JOIN comments c ON c.article_id = a.id
			WHERE a.status = 'published' AND c.status = 'approved' GROUP BY a.id ORDER BY count(*) DESC LIMIT 1`).Scan(&articleID, &slug); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT author_name FROM comments WHERE article_id = ? AND status = 'approved' AND user_id IS NULL
			ORDER BY created_at DESC LIMIT 1`, articleID).Scan(&name); err != nil {
			t.Fatal(err)
		}
		status, body := getPage(t, base+"/articles/"+slug)
		if status != http.StatusOK || !strings.Contains(body, html.EscapeString(name)) {
			t.Errorf("article %s: %d, latest replier %q shown: %v", slug, status, name, strings.Contains(body, html.EscapeString(name)))
		}
		if strings.Contains(body, "@example.") {
			t.Errorf("article %s shows an email", slug)
		}

		var tag string
		if err := db.QueryRow(`SELECT t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id ORDER BY count(*) DESC LIMIT 1`).Scan(&tag); err != nil {
			t.Fatal(err)
		}
		if status, body := getPage(t, base+"/tags/"+tag); status != http.StatusOK || !strings.Contains(body, `href="/articles/`) {
			t.Errorf("tag %s: %d, lists articles: %v", tag, status, strings.Contains(body, `href="/articles/`))
		}
		if status, body := getPage(t, base+"/search?q="+url.QueryEscape("symptoms doctor")); status != http.StatusOK || !strings.Contains(body, "<mark>") {
			t.Errorf("search: %d, highlighted matches: %v", status, strings.Contains(body, "<mark>"))
		}
	})
}

// contentDigest is a hash of everything generated except the encrypted emails and
// keyed hashes, which differ from one database to another by design.
func contentDigest(t *testing.T, path string) string {
	t.Helper()
	db := openRaw(t, path)
	h := sha256.New()
	for _, q := range []string{
		`SELECT id || slug || title || summary || body_markdown || status || coalesce(published_at, '') FROM articles ORDER BY id`,
		`SELECT article_id || position || title || url FROM article_references ORDER BY id`,
		`SELECT id || article_id || coalesce(parent_id, '') || author_name || body || status || created_at FROM comments ORDER BY id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			h.Write([]byte(s))
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// Ensure the same seed value gives the same content, and another one other content.
func TestSeed_Deterministic(t *testing.T) {
	storetest.SQLiteOnly(t, "it reads the SQLite file and schema; the bulk loader runs on PostgreSQL in internal/seed's tests")
	t.Parallel()
	a, _ := seedDB(t, 30, 600, 42)
	b, _ := seedDB(t, 30, 600, 42)
	c, _ := seedDB(t, 30, 600, 43)
	if contentDigest(t, a.DBPath) != contentDigest(t, b.DBPath) {
		t.Error("two runs with seed value 42 differ")
	}
	if contentDigest(t, a.DBPath) == contentDigest(t, c.DBPath) {
		t.Error("seed values 42 and 43 give the same content")
	}
}

// Ensure seeding a database that has content adds to it without clashing with what
// is there, keeping the reply indexes that a small addition does not rebuild.
func TestSeed_AddsToExistingDatabase(t *testing.T) {
	storetest.SQLiteOnly(t, "it reads the SQLite file and schema; the bulk loader runs on PostgreSQL in internal/seed's tests")
	t.Parallel()
	cfg, _ := seedDB(t, 20, 400, 1)
	if _, err := app.Seed(context.Background(), cfg, seed.Options{Articles: 20, Replies: 100, Seed: 1}, io.Discard); err != nil {
		t.Fatal(err)
	}
	db := openRaw(t, cfg.DBPath)
	if n := queryInt(t, db, `SELECT count(*) FROM articles`); n != 40 {
		t.Errorf("%d articles, want 40", n)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM comments`); n != 500 {
		t.Errorf("%d replies, want 500", n)
	}
	if n := queryInt(t, db, `SELECT count(DISTINCT slug) FROM articles`); n != 40 {
		t.Errorf("%d different slugs for 40 articles", n)
	}
}
