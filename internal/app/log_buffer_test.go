package app_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
)

// logOutput is a bytes.Buffer safe to read while the logger writes.
type logOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Ensure request lines are written out together, soon after they are logged, a
// warning at once with what came before it, and the rest when the program ends.
func TestLogger_Buffered(t *testing.T) {
	t.Parallel()
	var out logOutput
	logger, flush := app.NewLogger("text", &out)
	logger.Info("request", "path", "/one")
	if got := out.String(); got != "" {
		t.Errorf("a request line was written at once: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "path=/one") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "path=/one") {
		t.Fatalf("the request line was not written within 5 s: %q", out.String())
	}
	logger.Info("request", "path", "/two")
	logger.Warn("disk nearly full")
	if got := out.String(); !strings.Contains(got, "path=/two") || !strings.Contains(got, "disk nearly full") {
		t.Errorf("a warning did not write out the buffer at once: %q", got)
	}
	logger.With("component", "mail").Error("smtp refused")
	if !strings.Contains(out.String(), "component=mail") {
		t.Errorf("an error of a derived logger waited: %q", out.String())
	}
	logger.Info("request", "path", "/last")
	flush()
	if !strings.Contains(out.String(), "path=/last") {
		t.Errorf("the last line was lost at the end: %q", out.String())
	}
}
