package app

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery is the longest a log line waits in the buffer.
const logFlushEvery = 100 * time.Millisecond

// logBufferSize is how much the buffer holds before it is written out at once.
const logBufferSize = 64 << 10

// logBuffer collects log lines and writes them out together: every logFlushEvery, as
// soon as it holds logBufferSize, after a warning or an error (see flushingHandler),
// and when the program ends. Each request logs a line; written one by one, the lines
// would cost a system call per request, as much as a small cached page's own writes.
type logBuffer struct {
	mu   sync.Mutex
	buf  []byte
	out  io.Writer
	stop chan struct{}
	done chan struct{}
}

func newLogBuffer(out io.Writer) *logBuffer {
	b := &logBuffer{out: out, buf: make([]byte, 0, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferSize {
		b.flushLocked()
	}
	return len(p), nil
}

// Flush writes out what the buffer holds.
func (b *logBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *logBuffer) flushLocked() {
	if len(b.buf) > 0 {
		b.out.Write(b.buf) // a log that cannot be written has nowhere to report it
		b.buf = b.buf[:0]
	}
}

func (b *logBuffer) run() {
	defer close(b.done)
	tick := time.NewTicker(logFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			b.Flush()
		case <-b.stop:
			b.Flush()
			return
		}
	}
}

// Close writes out the rest and stops the timer.
func (b *logBuffer) Close() {
	close(b.stop)
	<-b.done
}

// flushingHandler writes out the buffer after each warning or error, so that what
// needs attention is never left waiting, nor lost in a crash that follows it.
type flushingHandler struct {
	slog.Handler
	buf *logBuffer
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.buf.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{Handler: h.Handler.WithAttrs(attrs), buf: h.buf}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{Handler: h.Handler.WithGroup(name), buf: h.buf}
}
