package disqus_test

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer/disqus"
)

// counter counts threads and posts and samples the live heap while they stream in.
// Collecting first makes the sample what the reader holds, not garbage the collector
// has not reached yet, which varies with its pacing (and under the race detector).
type counter struct {
	threads, posts int
	peakHeap       uint64
}

func (c *counter) Warning(string)             {}
func (c *counter) Thread(disqus.Thread) error { c.threads++; return nil }
func (c *counter) Post(disqus.Post) error {
	c.posts++
	if c.posts%5000 == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		c.peakHeap = max(c.peakHeap, m.HeapAlloc)
	}
	return nil
}

// writeExport writes a Disqus export of n threads with ten posts each.
func writeExport(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(bw, `<thread dsq:id="%d"><id/><forum>gen</forum><link>https://old.example/%d/</link><title>Thread %d</title></thread>
`, i, i, i)
	}
	msg := strings.Repeat("Drink water through the day, more in heat and exercise. ", 4)
	for i := 1; i <= n*10; i++ {
		fmt.Fprintf(bw, `<post dsq:id="%d"><id/><message><![CDATA[<p>%s</p>]]></message><createdAt>2024-01-01T10:00:00Z</createdAt>
<isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Reader</name><isAnonymous>true</isAnonymous></author>
<ipAddress>198.51.100.7</ipAddress><thread dsq:id="%d"/></post>
`, 1_000_000+i, msg, (i-1)/10+1)
	}
	fmt.Fprint(bw, "</disqus>\n")
	return bw.Flush()
}

// Ensure a large export streams through in bounded memory: the heap does not grow
// with the file.
func TestRead_StreamsInBoundedMemory(t *testing.T) {
	const ceiling = 32 << 20
	n := 10000 // 100,000 posts, about 45 MB
	if raceEnabled {
		n = 2000
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeExport(pw, n)) }()
	cr := &countingReader{r: pr}
	c := &counter{}
	if err := disqus.Read(cr, c); err != nil {
		t.Fatal(err)
	}
	if c.threads != n || c.posts != 10*n {
		t.Fatalf("read %d threads and %d posts, want %d and %d", c.threads, c.posts, n, 10*n)
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
