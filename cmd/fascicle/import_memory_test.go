package main_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// largeExport is what writeLargeExport put in an export, to compare with what the
// import says it brought in.
type largeExport struct {
	posts, pages, authors, tags       int
	approved, pending, spam, trash    int
	pingbacks, attachments, revisions int
	bytes                             int64
	firstEmail, firstIPv4, firstIPv6  string
	lastSlug                          string
	lastTitle                         string
}

// paragraphs are the article text the generated posts rotate through: a few hundred
// bytes each, with the markup a WordPress editor writes.
var paragraphs = []string{
	`<p>Heat cramps are painful, involuntary spasms of large muscles, most often in the calves, thighs and abdomen. They come on during or after hard work in a hot place, when sweat has carried off salt and water faster than they were replaced. Resting somewhere cool and drinking a <strong>salted drink</strong> usually settles them within an hour.</p>`,
	`<p>Drink before you are thirsty: thirst lags behind what the body has lost, especially in older adults. A simple check is the colour of your urine; pale straw means you are keeping up, dark amber means you are not. People taking diuretics should ask their doctor how much to drink in a heatwave.</p>`,
	`<h2>When to see a doctor</h2>`,
	`<p>Seek help at once if cramps come with <em>confusion</em>, a temperature above 40 °C, hot dry skin, fainting or vomiting: these are signs of heat stroke, which is an emergency. See the <a href="https://www.example.org/heat-illness">heat illness guide</a> for the difference.</p>`,
	`<ul><li>Wear loose, light-coloured clothing.</li><li>Plan outdoor work for the cooler hours of the morning.</li><li>Take breaks in the shade every half hour.</li></ul>`,
	`<p>Children and people over 65 lose heat less easily, and may not notice that they are overheating. Check on neighbours who live alone during a heatwave; a fan is not enough above 35 °C, when it only blows hot air. A cool shower or a damp cloth on the neck and wrists lowers the temperature faster.</p>`,
	`<blockquote><p>Most heat illness is preventable with water, shade and rest. — a district nurse</p></blockquote>`,
	`<p>Some medicines make heat harder to bear: antihistamines, some antidepressants, and medicines for blood pressure and the heart. Do not stop them on your own; ask the pharmacist whether to take extra care, and keep medicines below 25 °C as the leaflet says.</p>`,
}

// replyTexts are the comments of the generated posts.
var replyTexts = []string{
	`<p>This happened to me on a building site last July. The salted drink tip worked within twenty minutes, thank you for explaining why.</p>`,
	`Is coconut water enough, or does it need to be a proper sports drink? I run in the afternoon and get cramps in my calves most weeks.`,
	`<p>My grandmother takes water tablets and did not know she should ask about heat. I printed this for her.</p>`,
	`Great article. I would add that alcohol makes dehydration worse, which people forget at summer barbecues.`,
	`<p>Thanks — the urine colour check is simple enough that my teenagers actually use it.</p>`,
}

// writeLargeExport writes a WXR export of about posts posts (and a page every 100, an
// attachment every 50) to w, each post with a few kilobytes of text, two tags, five
// replies in every status (one answering another), a pingback every tenth, and
// revisions earlier versions of its text.
// It builds each item with appends on a reused buffer: fmt per item would make the
// generation the slowest part of the test.
func writeLargeExport(w io.Writer, posts, revisions int) (largeExport, error) {
	var g largeExport
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated Health Notes</title><link>https://big.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://big.example.org</wp:base_site_url>
`)
	logins := []string{"lena", "omar", "priya", "tom"}
	for i, login := range logins {
		fmt.Fprintf(bw, "<wp:author><wp:author_id>%d</wp:author_id><wp:author_login><![CDATA[%s]]></wp:author_login>"+
			"<wp:author_email><![CDATA[%s@staff.big.example.org]]></wp:author_email>"+
			"<wp:author_display_name><![CDATA[Writer %s]]></wp:author_display_name></wp:author>\n", i+1, login, login, login)
	}
	g.authors = len(logins)
	const tagCount = 40
	g.tags = tagCount

	var b []byte
	commentID := int64(0)
	for i := 1; i <= posts+posts/100+posts/50; i++ {
		b = b[:0]
		kind := "post"
		switch {
		case i%100 == 0:
			kind = "page"
		case i%50 == 0:
			kind = "attachment"
		}
		id := strconv.Itoa(i)
		b = append(b, "<item><title><![CDATA[Keeping well in the heat, part "...)
		b = append(b, id...)
		b = append(b, "]]></title>\n<link>https://big.example.org/2024/07/heat-"...)
		b = append(b, id...)
		b = append(b, "/</link>\n<dc:creator><![CDATA["...)
		b = append(b, logins[i%len(logins)]...)
		b = append(b, "]]></dc:creator>\n<content:encoded><![CDATA["...)
		if kind != "attachment" {
			for p := 0; p < 96; p++ {
				b = append(b, paragraphs[(i+p)%len(paragraphs)]...)
				b = append(b, '\n')
			}
		}
		b = append(b, "]]></content:encoded>\n<excerpt:encoded><![CDATA[How to stay well in hot weather, part "...)
		b = append(b, id...)
		b = append(b, ".]]></excerpt:encoded>\n<wp:post_id>"...)
		b = append(b, id...)
		b = append(b, "</wp:post_id>\n<wp:post_date_gmt>2024-07-01 08:00:00</wp:post_date_gmt>\n<wp:comment_status>open</wp:comment_status>\n<wp:post_name><![CDATA[heat-"...)
		b = append(b, id...)
		b = append(b, "]]></wp:post_name>\n<wp:status>"...)
		if kind == "attachment" {
			b = append(b, "inherit</wp:status>\n<wp:post_type>attachment</wp:post_type>\n"...)
			g.attachments++
		} else {
			b = append(b, "publish</wp:status>\n<wp:post_type>"...)
			b = append(b, kind...)
			b = append(b, "</wp:post_type>\n"...)
			if kind == "page" {
				g.pages++
			} else {
				g.posts++
				g.lastSlug, g.lastTitle = "heat-"+id, "Keeping well in the heat, part "+id
			}
			for t := 0; t < 2; t++ {
				tag := strconv.Itoa((i + t*7) % tagCount)
				b = append(b, `<category domain="post_tag" nicename="heat-topic-`...)
				b = append(b, tag...)
				b = append(b, `"><![CDATA[Heat topic `...)
				b = append(b, tag...)
				b = append(b, "]]></category>\n"...)
			}
			first := commentID + 1
			for c, status := range []string{"1", "1", "0", "spam", "trash"} {
				commentID++
				cid := strconv.FormatInt(commentID, 10)
				b = append(b, "<wp:comment><wp:comment_id>"...)
				b = append(b, cid...)
				b = append(b, "</wp:comment_id><wp:comment_author><![CDATA[Reader "...)
				b = append(b, cid...)
				b = append(b, "]]></wp:comment_author><wp:comment_author_email><![CDATA[reader"...)
				b = append(b, cid...)
				b = append(b, "@mail.example.org]]></wp:comment_author_email><wp:comment_author_url>https://reader"...)
				b = append(b, cid...)
				b = append(b, ".example.net/</wp:comment_author_url>\n<wp:comment_author_IP><![CDATA["...)
				ipStart := len(b)
				if c%2 == 0 {
					b = append(b, "198.51."...)
					b = strconv.AppendInt(b, commentID/250%256, 10)
					b = append(b, '.')
					b = strconv.AppendInt(b, commentID%250+1, 10)
				} else {
					b = append(b, "2001:db8:"...)
					b = strconv.AppendInt(b, commentID%9000+1, 16)
					b = append(b, "::"...)
					b = strconv.AppendInt(b, commentID%65000+1, 16)
				}
				if g.firstIPv4 == "" && c == 0 {
					g.firstEmail, g.firstIPv4 = "reader"+cid+"@mail.example.org", string(b[ipStart:])
				} else if g.firstIPv6 == "" && c == 1 {
					g.firstIPv6 = string(b[ipStart:])
				}
				b = append(b, "]]></wp:comment_author_IP>\n<wp:comment_date_gmt>2024-07-02 09:15:00</wp:comment_date_gmt>\n<wp:comment_content><![CDATA["...)
				b = append(b, replyTexts[(i+c)%len(replyTexts)]...)
				b = append(b, "]]></wp:comment_content>\n<wp:comment_approved>"...)
				b = append(b, status...)
				b = append(b, "</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>"...)
				if c == 1 {
					b = strconv.AppendInt(b, first, 10) // an answer to the first reply
				} else {
					b = append(b, '0')
				}
				b = append(b, "</wp:comment_parent></wp:comment>\n"...)
				switch status {
				case "1":
					g.approved++
				case "0":
					g.pending++
				case "spam":
					g.spam++
				default:
					g.trash++
				}
			}
			if i%10 == 0 {
				commentID++
				b = append(b, "<wp:comment><wp:comment_id>"...)
				b = strconv.AppendInt(b, commentID, 10)
				b = append(b, "</wp:comment_id><wp:comment_author>Linking Blog</wp:comment_author><wp:comment_content>Mentioned here.</wp:comment_content>"+
					"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type></wp:comment>\n"...)
				g.pingbacks++
			}
		}
		b = append(b, "</item>\n"...)
		if kind == "post" {
			// Each kept revision is the post's whole text again, as WordPress exports
			// them: bytes the import reads and skips.
			body := b[bytes.Index(b, []byte("<content:encoded>")):bytes.Index(b, []byte("</content:encoded>"))]
			for r := 1; r <= revisions; r++ {
				b = append(b, "<item><title><![CDATA[Keeping well in the heat, part "...)
				b = append(b, id...)
				b = append(b, "]]></title>\n"...)
				b = append(b, body...)
				b = append(b, "</content:encoded>\n<wp:post_id>"...)
				b = strconv.AppendInt(b, int64(1_000_000+i*100+r), 10)
				b = append(b, "</wp:post_id>\n<wp:post_parent>"...)
				b = append(b, id...)
				b = append(b, "</wp:post_parent>\n<wp:status>inherit</wp:status>\n<wp:post_type>revision</wp:post_type>\n</item>\n"...)
				g.revisions++
			}
		}
		n, err := bw.Write(b)
		g.bytes += int64(n)
		if err != nil {
			return g, err
		}
	}
	if _, err := bw.WriteString("</channel>\n</rss>\n"); err != nil {
		return g, err
	}
	return g, bw.Flush()
}

// plainFascicleBinary returns the command built without -race, which would multiply
// the memory the process uses: the tests' binary when they are built so, else one
// built for the test.
func plainFascicleBinary(t *testing.T) string {
	t.Helper()
	if !raceEnabled() {
		return fascicleBinary(t)
	}
	path := filepath.Join(t.TempDir(), "fascicle")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// importCounts reads the summary lines of "fascicle import wordpress".
var (
	importedLine = regexp.MustCompile(`articles (\d+), pages (\d+), new author accounts (\d+), new tags (\d+)`)
	repliesLine  = regexp.MustCompile(`replies: (\d+) approved, (\d+) pending, (\d+) spam, (\d+) trash`)
)

// Ensure a 200 MB export (40 MB in the short version) streams through "fascicle
// import wordpress" in memory far smaller than the file, bringing in everything it
// holds.
//
// The ceiling is 128 MB of peak resident memory, well under the 203 MB file: a
// command that held the file, all its items, or anything per item until the commit
// would pass it, while one that streams keeps one item at a time, SQLite's megabyte
// of page cache and the Go runtime's few tens of megabytes. Measured on a 2-core
// Linux machine: 210 MB in 25 s at a peak of 69 MB (40 MB in 10 s at 69-77 MB); an
// export of 8 076 posts and 40 790 replies (203 MB), all written, 55 s at 81 MB. The
// command is stopped as soon as it passes the ceiling,
// so that a regression fails in seconds, not at the test's timeout. It runs on SQLite
// only: what the command holds while it streams does not depend on the engine, and a
// PostgreSQL server's memory would not be the command's.
func TestImportWordPress_LargeExportInBoundedMemory(t *testing.T) {
	t.Parallel()
	const ceilingKB = 128 << 10
	bin := plainFascicleBinary(t)
	dir := t.TempDir()
	export := filepath.Join(dir, "large.xml")
	f, err := os.Create(export)
	if err != nil {
		t.Fatal(err)
	}
	// The long version is 200 MB: the same posts and replies as the short one's 40 MB,
	// each post with five revisions, as WordPress keeps them, which the import reads
	// through and leaves out. Memory is about what is read; the time, on a busy
	// machine, about what is written.
	long := longRun(t)
	start := time.Now()
	g, err := writeLargeExport(f, 1600, pick(long, 0, 5))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d MB (%d posts, %d replies) in %v", g.bytes>>20, g.posts, g.approved+g.pending+g.spam+g.trash, time.Since(start).Round(time.Millisecond))
	if want := pick(long, 38, 190); g.bytes < int64(want)<<20 {
		t.Fatalf("the export is %d MB, want at least %d", g.bytes>>20, want)
	}

	db := filepath.Join(dir, "site.db")
	cmd := exec.Command(bin, "import", "wordpress", "--keep-published", "--db", db, export)
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	overAt := time.Duration(0)
	var peakKB int64
	const deadline = 5 * time.Minute
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			// The high-water mark of the process's own memory since its exec. Not the
			// rusage of the child: Go starts it sharing this process's memory until the
			// exec, and Linux counts that in the child's maximum, so a busy test binary's
			// size would be measured.
			kb := statusKB(cmd.Process.Pid, "VmHWM")
			peakKB = max(peakKB, kb)
			if overAt == 0 && (kb > ceilingKB || time.Since(start) > deadline) {
				overAt = time.Since(start)
				cmd.Process.Kill()
			}
		}
	}
	took := time.Since(start)
	if overAt > 0 {
		t.Fatalf("stopped after %v at %d MB of resident memory (ceiling %d MB, %v at most) for a %d MB file\nstdout:\n%s",
			overAt.Round(time.Millisecond), peakKB>>10, ceilingKB>>10, deadline, g.bytes>>20, out.String())
	}
	if err != nil {
		t.Fatalf("import: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	t.Logf("imported %d MB in %v; peak resident memory %d MB", g.bytes>>20, took.Round(time.Millisecond), peakKB>>10)

	want := fmt.Sprintf("articles %d, pages %d, new author accounts %d, new tags %d", g.posts, g.pages, g.authors, g.tags)
	if m := importedLine.FindString(out.String()); m != want {
		t.Errorf("the command says %q, want %q\n%s", m, want, out.String())
	}
	want = fmt.Sprintf("replies: %d approved, %d pending, %d spam, %d trash", g.approved, g.pending, g.spam, g.trash)
	if m := repliesLine.FindString(out.String()); m != want {
		t.Errorf("the command says %q, want %q\n%s", m, want, out.String())
	}
	wants := []string{fmt.Sprintf("skipped attachment: %d\n", g.attachments), fmt.Sprintf("skipped pingback: %d\n", g.pingbacks)}
	if g.revisions > 0 {
		wants = append(wants, fmt.Sprintf("skipped revision: %d\n", g.revisions))
	}
	for _, want := range wants {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("the command does not say %q:\n%s", want, out.String())
		}
	}
	if peakKB <= 0 || peakKB > ceilingKB {
		t.Errorf("peak resident memory %d MB, want at most %d MB for a %d MB file", peakKB>>10, ceilingKB>>10, g.bytes>>20)
	}

	// What the summary counts is in the database, down to the last post.
	conn := openDB(t, db)
	defer conn.Close()
	var articles, replies int
	if err := conn.QueryRow(`SELECT count(*) FROM articles`).Scan(&articles); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM comments`).Scan(&replies); err != nil {
		t.Fatal(err)
	}
	if articles != g.posts+g.pages || replies != g.approved+g.pending+g.spam+g.trash {
		t.Errorf("the database holds %d articles and %d replies, want %d and %d", articles, replies, g.posts+g.pages, g.approved+g.pending+g.spam+g.trash)
	}
	var title string
	if err := conn.QueryRow(`SELECT title FROM articles WHERE slug = ?`, g.lastSlug).Scan(&title); err != nil || title != g.lastTitle {
		t.Errorf("the last post: %q, %v; want %q", title, err, g.lastTitle)
	}
}

// statusKB returns a memory field of the process pid (VmRSS, VmHWM…) in kilobytes, or
// 0 once it has gone.
func statusKB(pid int, field string) int64 {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
