package app

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/fascicle/fascicle/internal/importer"
)

// plainProgressEvery is how often an import not run on a terminal prints a line.
const plainProgressEvery = 5 * time.Second

// importProgress shows how far an import has read: a bar with the bytes, items,
// replies and the time left on a terminal, a plain line every few seconds elsewhere
// (a log file or a pipe gets no control characters).
type importProgress struct {
	w              io.Writer
	size           int64
	items, replies string                   // what the counts are of: "items", "replies"
	bar            *progressbar.ProgressBar // nil when not on a terminal
	last           time.Time
}

func newImportProgress(w io.Writer, size int64, items, replies string) *importProgress {
	p := &importProgress{w: w, size: size, items: items, replies: replies, last: time.Now()}
	if isTerminal(w) {
		p.bar = progressbar.NewOptions64(size, progressbar.OptionSetWriter(w), progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowDescriptionAtLineEnd(), progressbar.OptionClearOnFinish(),
			progressbar.OptionSetWidth(30))
	}
	return p
}

func (p *importProgress) report(pr importer.Progress) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%d %s, %d %s", pr.Items, p.items, pr.Comments, p.replies))
		p.bar.Set64(pr.Bytes)
		return
	}
	if !pr.Done && time.Since(p.last) < plainProgressEvery {
		return
	}
	p.last = time.Now()
	percent := ""
	if p.size > 0 {
		percent = fmt.Sprintf(", %d%%", pr.Bytes*100/p.size)
	}
	fmt.Fprintf(p.w, "read %s of %s%s: %d %s, %d %s\n",
		fileSize(pr.Bytes), fileSize(p.size), percent, pr.Items, p.items, pr.Comments, p.replies)
}

// finish clears the bar, so that the summary follows on a clean line.
func (p *importProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Exit()
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// fileSize writes n bytes in kB or MB.
func fileSize(n int64) string {
	if n < 1_000_000 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
