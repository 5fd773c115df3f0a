package wxr_test

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer/wxr"
)

// counter counts items and samples the heap while they stream in.
type counter struct {
	items, comments int
	bytes           int64
	peakHeap        uint64
}

func (c *counter) Site(wxr.Site)     {}
func (c *counter) Author(wxr.Author) {}
func (c *counter) Term(wxr.Term)     {}
func (c *counter) Warning(string)    {}
func (c *counter) Item(it wxr.Item) error {
	c.items++
	c.comments += len(it.Comments)
	c.bytes += int64(len(it.Content))
	if c.items%2000 == 0 {
		// Collect first so the sample is what the reader holds, not garbage the
		// collector's pacing (or the race detector) left behind.
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > c.peakHeap {
			c.peakHeap = m.HeapAlloc
		}
	}
	return nil
}

// writeExport writes a WXR of n items, each with a paragraph of content and a comment.
func writeExport(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated</title><wp:wxr_version>1.2</wp:wxr_version>
`)
	para := strings.Repeat("Drink water through the day, more in heat and exercise. ", 8)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(bw, `<item><title><![CDATA[Article %d]]></title><dc:creator>lena</dc:creator>
<content:encoded><![CDATA[<p>%s</p>]]></content:encoded><wp:post_id>%d</wp:post_id>
<wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>Reader</wp:comment_author><wp:comment_content><![CDATA[Thanks.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
`, i, para, i, i)
	}
	fmt.Fprint(bw, "</channel></rss>\n")
	return bw.Flush()
}

// Ensure a large export streams through in bounded memory: the heap does not grow
// with the file.
func TestRead_StreamsInBoundedMemory(t *testing.T) {
	const ceiling = 64 << 20
	n := 50000 // about 45 MB
	if raceEnabled {
		n = 20000
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeExport(pw, n)) }()

	cr := &countingReader{r: pr}
	c := &counter{}
	if err := wxr.Read(cr, c); err != nil {
		t.Fatal(err)
	}
	if c.items != n || c.comments != n {
		t.Fatalf("read %d items and %d comments, want %d of each", c.items, c.comments, n)
	}
	if c.peakHeap == 0 || c.peakHeap > ceiling {
		t.Errorf("peak heap %d MB, want at most %d MB", c.peakHeap>>20, ceiling>>20)
	}
	if uint64(cr.n) < 4*c.peakHeap {
		t.Errorf("the file (%d MB) is not much larger than the heap (%d MB)", cr.n>>20, c.peakHeap>>20)
	}
	t.Logf("%d MB read, peak live heap %d KB", cr.n>>20, c.peakHeap>>10)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
