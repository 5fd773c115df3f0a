package importer

import (
	"io"
	"sync/atomic"
	"time"
)

// Progress is how far an import has read, reported while it runs.
type Progress struct {
	Bytes    int64 // of the file, read so far
	Items    int   // posts, pages and other items read (threads, for Disqus)
	Comments int   // replies read
	Done     bool  // the last report: the whole file is read
}

// progressInterval is the least time between two reports.
const progressInterval = 250 * time.Millisecond

// progress counts what an import reads and reports it to report, at most every
// progressInterval and once more at the end.
type progress struct {
	report func(Progress)
	bytes  atomic.Int64
	now    Progress
	last   time.Time
}

// newProgress returns a counter that reports to report, which may be nil.
func newProgress(report func(Progress)) *progress { return &progress{report: report} }

// reader wraps r so that the bytes read from it are counted.
func (p *progress) reader(r io.Reader) io.Reader { return countingReader{r: r, n: &p.bytes} }

// item counts one item (or thread) and its comments, reporting if it is time.
func (p *progress) item(comments int) {
	p.now.Items++
	p.now.Comments += comments
	p.tick()
}

// reply counts one reply read on its own (a Disqus post), reporting if it is time.
func (p *progress) reply() {
	p.now.Comments++
	p.tick()
}

// tick reports if progressInterval has passed since the last report.
func (p *progress) tick() {
	if p.report == nil {
		return
	}
	if t := time.Now(); t.Sub(p.last) >= progressInterval {
		p.last = t
		p.now.Bytes = p.bytes.Load()
		p.report(p.now)
	}
}

// done sends the last report.
func (p *progress) done() {
	if p.report == nil {
		return
	}
	p.now.Bytes, p.now.Done = p.bytes.Load(), true
	p.report(p.now)
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
