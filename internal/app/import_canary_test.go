package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// importCanary is an export's reader whose email and addresses must be in clear
// nowhere once imported.
type importCanary struct {
	email, local     string
	ipv4, ipv6       string
	prefix4, prefix6 string
}

func newImportCanary(t *testing.T) importCanary {
	t.Helper()
	b := make([]byte, 5)
	rand.Read(b)
	local := "canary-" + hex.EncodeToString(b)
	n := func(max int64) int64 {
		v, err := rand.Int(rand.Reader, big.NewInt(max))
		if err != nil {
			t.Fatal(err)
		}
		return v.Int64()
	}
	last, group := 100+n(150), 0x1000+n(0xe000)
	return importCanary{
		email: local + "@example.org", local: local,
		ipv4: fmt.Sprintf("203.0.113.%d", last), prefix4: "203.0.113.0/24",
		ipv6: fmt.Sprintf("2001:db8:%x:51c3::%x", group, 0x1000+n(0xe000)), prefix6: fmt.Sprintf("2001:db8:%x::/48", group),
	}
}

// traces are the forms in which the canary could leak, in lower case.
func (c importCanary) traces() []string {
	return []string{c.email, c.local, c.ipv4, c.ipv6}
}

// export is a WordPress export with three replies from the canary, one from each
// address (the IPv4 one also as IPv4-mapped IPv6), the email once in capitals and
// once among spaces, and the email and addresses in comment and post meta (as
// Akismet and plugins write them), which an import must leave out.
func (c importCanary) export() string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Canary Notes</title><link>https://canary.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://canary.example.org</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>vera</wp:author_login><wp:author_email>vera@staff.example</wp:author_email><wp:author_display_name>Vera Lind</wp:author_display_name></wp:author>
<item><title>Cold hands in winter</title><dc:creator>vera</dc:creator><wp:post_id>40</wp:post_id>
<content:encoded><![CDATA[<p>Cold hands are common and mostly harmless.</p>]]></content:encoded>
<wp:post_date_gmt>2024-12-01 09:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name>cold-hands</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Canary Four</wp:comment_author>
<wp:comment_author_email>%s</wp:comment_author_email><wp:comment_author_IP>%s</wp:comment_author_IP>
<wp:comment_date_gmt>2024-12-02 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Mine turn white then blue, is that normal?</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Canary Six</wp:comment_author>
<wp:comment_author_email>%s</wp:comment_author_email><wp:comment_author_IP>%s</wp:comment_author_IP>
<wp:comment_date_gmt>2024-12-02 11:00:00</wp:comment_date_gmt>
<wp:comment_content>Gloves with mittens over them helped me a lot.</wp:comment_content><wp:comment_approved>0</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_author>Canary Mapped</wp:comment_author>
<wp:comment_author_email>  %s  </wp:comment_author_email><wp:comment_author_IP>::ffff:%s</wp:comment_author_IP>
<wp:comment_date_gmt>2024-12-02 12:00:00</wp:comment_date_gmt>
<wp:comment_content>Warm drinks help too.</wp:comment_content><wp:comment_approved>spam</wp:comment_approved>
<wp:commentmeta><wp:meta_key>akismet_history</wp:meta_key><wp:meta_value><![CDATA[a:2:{s:5:"email";s:%d:"%s";s:2:"ip";s:%d:"%s";}]]></wp:meta_value></wp:commentmeta></wp:comment>
<wp:postmeta><wp:meta_key>_last_commenter</wp:meta_key><wp:meta_value><![CDATA[%s %s %s]]></wp:meta_value></wp:postmeta>
</item></channel></rss>
`, c.email, c.ipv4, strings.ToUpper(c.email), c.ipv6, c.email, c.ipv4,
		len(c.email), c.email, len(c.ipv4), c.ipv4, c.email, c.ipv4, c.ipv6)
}

// asciiLower returns data with the ASCII capitals in lower case, leaving other bytes
// as they are (database files are not text).
func asciiLower(data []byte) []byte {
	out := make([]byte, len(data))
	for i, b := range data {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		out[i] = b
	}
	return out
}

// Ensure replies imported from WordPress keep no reader's email or address in clear:
// not in the SQLite file, its write-ahead log or shared memory, nor in any row of any
// table on PostgreSQL, nor in what the command prints; the site still reads the email
// back through its own key, and keeps the address's network only.
func TestImportWordPress_CanaryNowhereInClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newImportCanary(t)
	cfg := testConfig(t)
	exportPath := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(exportPath, []byte(c.export()), 0o600); err != nil {
		t.Fatal(err)
	}
	// A connection held open across the import keeps SQLite from folding the
	// write-ahead log into the file and removing it when the command closes its own.
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := app.ImportWordPress(ctx, cfg, config.Import{File: exportPath, KeepPublished: true}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "replies: 1 approved, 1 pending, 1 spam") {
		t.Fatalf("the import says:\n%s", out.String())
	}
	places := map[string][]byte{"the command's output": out.Bytes()}

	if storetest.OnPostgres() {
		for table, rows := range tableTexts(t, cfg.DBPath) {
			places["table "+table] = rows
		}
		if !bytes.Contains(places["table comments"], []byte("Gloves with mittens")) {
			t.Fatalf("the comments table as text lacks the reply, so the scan would prove nothing:\n%s", places["table comments"])
		}
	} else {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			data, err := os.ReadFile(cfg.DBPath + suffix)
			if err != nil {
				t.Fatalf("read %s: %v", cfg.DBPath+suffix, err)
			}
			places[filepath.Base(cfg.DBPath+suffix)] = data
		}
		if !bytes.Contains(places[filepath.Base(cfg.DBPath)+"-wal"], []byte("Gloves with mittens")) &&
			!bytes.Contains(places[filepath.Base(cfg.DBPath)], []byte("Gloves with mittens")) {
			t.Fatal("neither the file nor its log holds the reply text, so the scan would prove nothing")
		}
	}
	for place, data := range places {
		lower := asciiLower(data)
		for _, trace := range c.traces() {
			if bytes.Contains(lower, []byte(trace)) {
				t.Errorf("%s contains %q", place, trace)
			}
		}
	}

	// The site reads the email back with its key, and keeps each address's network.
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	found, err := a.Store.CommentsByEmail(ctx, c.email)
	if err != nil || len(found) != 3 {
		t.Fatalf("replies found by the canary's email: %d, %v; want 3", len(found), err)
	}
	for _, r := range found {
		if !strings.EqualFold(r.AuthorEmail, c.email) {
			t.Errorf("reply %d: email reads back as %q, want %q", r.ID, r.AuthorEmail, c.email)
		}
	}
	db := storetest.Open(t, cfg.DBPath)
	prefixes := map[string]string{}
	rows, err := db.Query(`SELECT author_name, client_prefix, client_hash FROM comments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, prefix, hash string
		if err := rows.Scan(&name, &prefix, &hash); err != nil {
			t.Fatal(err)
		}
		if len(hash) != 64 {
			t.Errorf("%s: client hash %q", name, hash)
		}
		prefixes[name] = prefix
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if prefixes["Canary Four"] != c.prefix4 || prefixes["Canary Six"] != c.prefix6 || prefixes["Canary Mapped"] != c.prefix4 {
		t.Errorf("networks kept: %v; want %s, %s and %s", prefixes, c.prefix4, c.prefix6, c.prefix4)
	}
}

// tableTexts returns every row of every table of the PostgreSQL database at dbURL as
// text, one table at a time.
func tableTexts(t *testing.T, dbURL string) map[string][]byte {
	t.Helper()
	db := storetest.Open(t, dbURL)
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	out := map[string][]byte{}
	for _, table := range tables {
		rows, err := db.Query(`SELECT t::text FROM "` + table + `" t`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		var buf bytes.Buffer
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			buf.WriteString(text)
			buf.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		out[table] = buf.Bytes()
	}
	return out
}
