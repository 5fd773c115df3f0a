package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/store"
)

// Page cache limits: the memory it may hold, and how long a page may live even when
// nothing changed (parts of a page depend on the clock, such as replies closing after
// N days).
const (
	pageCacheBytes  = 12 << 20
	pageCacheMaxAge = 5 * time.Minute
)

// pageCache keeps rendered public pages for anonymous readers, compressed and not.
// Each page remembers the content version (store.ContentVersion) read before it was
// rendered; a page is served only while the version is unchanged, and database
// triggers change it in the same transaction as any change that can alter a page.
// One cheap read per request keeps several processes sharing a database correct.
type pageCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	lru     *list.List // front: most recently used
	bytes   int
}

type cachedPage struct {
	key         string
	version     int64
	created     time.Time
	contentType string
	body        []byte
	gzipped     []byte // the body compressed, for a page without a form stamp slot
	slot        formSlot
	etag        string
	// The header values every response of the page carries, made once: assigned to
	// the response's header directly, they cost no allocation per request (nothing
	// changes a header's values in place, so they can be shared).
	etagHeader, typeHeader []string
	lengths                atomic.Pointer[pageLengths]
}

// pageLengths are a cached page's Content-Length values, plain and compressed, for a
// form stamp of stampLen bytes (every stamp has the same length in practice).
type pageLengths struct {
	stampLen    int
	plain, gzip []string
}

// contentLength returns the page's Content-Length with a stamp of stampLen bytes.
func (p *cachedPage) contentLength(stampLen int, gz bool) []string {
	l := p.lengths.Load()
	if l == nil || l.stampLen != stampLen {
		l = &pageLengths{stampLen: stampLen}
		if p.slot.at < 0 {
			l.plain, l.gzip = []string{strconv.Itoa(len(p.body))}, []string{strconv.Itoa(len(p.gzipped))}
		} else {
			l.plain = []string{strconv.Itoa(len(p.body) - len(formStampSlot) + stampLen)}
			l.gzip = []string{strconv.Itoa(p.slot.gzipLen(stampLen))}
		}
		p.lengths.Store(l)
	}
	if gz {
		return l.gzip
	}
	return l.plain
}

// Header values shared by every cached response (see cachedPage).
var (
	cacheHit, cacheMiss = []string{"hit"}, []string{"miss"}
	varyEncoding        = []string{"Accept-Encoding"}
	// Browsers keep the page but ask each time; an unchanged page costs a 304.
	publicNoCache = []string{"public, no-cache"}
	gzipEncoding  = []string{"gzip"}
)

func newPageCache() *pageCache {
	return &pageCache{entries: map[string]*list.Element{}, lru: list.New()}
}

func (pc *pageCache) get(key string, version int64, now time.Time) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.entries[key]
	if !ok {
		return nil
	}
	p := el.Value.(*cachedPage)
	if p.version != version || now.Sub(p.created) > pageCacheMaxAge {
		pc.remove(el)
		return nil
	}
	pc.lru.MoveToFront(el)
	return p
}

// size is how much memory p holds.
func (p *cachedPage) size() int {
	return len(p.body) + len(p.gzipped) + len(p.slot.gzBefore) + len(p.slot.gzAfter)
}

func (pc *pageCache) put(p *cachedPage) {
	size := p.size()
	if size > pageCacheBytes/8 {
		return // one huge page must not push out everything else
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.entries[p.key]; ok {
		pc.remove(el)
	}
	pc.entries[p.key] = pc.lru.PushFront(p)
	pc.bytes += size
	for pc.bytes > pageCacheBytes {
		pc.remove(pc.lru.Back())
	}
}

func (pc *pageCache) remove(el *list.Element) {
	p := el.Value.(*cachedPage)
	pc.lru.Remove(el)
	delete(pc.entries, p.key)
	pc.bytes -= p.size()
}

// captureWriter holds a handler's response so that it can be cached before it is sent.
type captureWriter struct {
	gin.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int)              { w.status = code }
func (w *captureWriter) WriteHeaderNow()                   {}
func (w *captureWriter) Write(b []byte) (int, error)       { return w.body.Write(b) }
func (w *captureWriter) WriteString(s string) (int, error) { return w.body.WriteString(s) }
func (w *captureWriter) Status() int                       { return w.status }
func (w *captureWriter) Size() int                         { return w.body.Len() }
func (w *captureWriter) Written() bool                     { return w.status != 0 }

// cachePage serves a public page from the page cache, or renders, caches and serves
// it, with an ETag (If-None-Match answers 304) and gzip when the reader accepts it.
// Staff (any session cookie) and pages made for one reader (?pending=, ?replytocom=)
// bypass it.
//
// Staff see the article's reply form as their own ("Replying as NAME (role)"), so a
// request with a session cookie is rendered for them, never read from or stored in
// the cache: anonymous readers keep one cached page, the same bytes for all, and a
// staff page can never reach them. A cookie whose session has ended is cleared by
// loadStaff, so the next request is served from the cache again.
func (s *Server) cachePage(c *gin.Context) {
	ctx := c.Request.Context()
	if !s.pageCacheOn || !cacheable(c, s.sessionCookieName()) {
		// Rendered for this request alone, it still reads the content version once for
		// all that keeps things under it (the policy, the footer). Cached routes only
		// read.
		c.Request = c.Request.WithContext(store.ContentVersionOnce(ctx))
		c.Next()
		return
	}
	version, err := s.store.ContentVersion(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := c.Request.URL.Path + "?" + c.Request.URL.RawQuery
	now := s.now()
	if p := s.cache.get(key, version, now); p != nil {
		s.servePage(c, p, cacheHit)
		c.Abort()
		return
	}
	// What renders the page (the policy, the footer) keeps its parts under this version.
	c.Request = c.Request.WithContext(store.WithContentVersion(ctx, version))
	real := c.Writer
	capture := &captureWriter{ResponseWriter: real}
	c.Writer = capture
	c.Next()
	c.Writer = real
	status := capture.status
	if status == 0 {
		status = http.StatusOK
	}
	h := real.Header()
	// A page made for staff is never kept (they bypass the cache above; this is the
	// second lock on that door).
	personal := staff(c) != nil || strings.Contains(h.Get("Cache-Control"), "no-store") || strings.Contains(h.Get("Cache-Control"), "private")
	if status != http.StatusOK || personal {
		real.WriteHeader(status)
		real.Write(fillFormStamp(capture.body.Bytes(), s.tokens.FormStamp(s.now())))
		return
	}
	p := &cachedPage{key: key, version: version, created: now, contentType: h.Get("Content-Type"),
		body: bytes.Clone(capture.body.Bytes())}
	sum := fnv.New64a()
	sum.Write(p.body)
	// Weak: a page with a reply form differs in its stamp from one response to the next.
	p.etag = fmt.Sprintf(`W/"%d-%x"`, version, sum.Sum64())
	p.etagHeader, p.typeHeader = []string{p.etag}, []string{p.contentType}
	if p.slot = newFormSlot(p.body); p.slot.at < 0 {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		zw.Write(p.body)
		zw.Close()
		p.gzipped = gz.Bytes()
	}
	s.cache.put(p)
	s.servePage(c, p, cacheMiss)
}

// cacheable reports whether the request is for a page that is the same for every
// anonymous reader.
func cacheable(c *gin.Context, sessionCookie string) bool {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return false
	}
	q := c.Request.URL.Query()
	if q.Has("pending") || q.Has("replytocom") {
		return false
	}
	if _, err := c.Request.Cookie(sessionCookie); err == nil {
		return false
	}
	return true
}

// servePage answers with a cached page, its form stamp slot filled in for this
// response; X-Cache says whether it was in the cache.
func (s *Server) servePage(c *gin.Context, p *cachedPage, outcome []string) {
	h := c.Writer.Header()
	h["X-Cache"] = outcome
	h["Etag"] = p.etagHeader
	h["Vary"] = varyEncoding
	h["Cache-Control"] = publicNoCache
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, p.etag) {
		c.Writer.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = p.typeHeader
	gz := acceptsGzip(c.GetHeader("Accept-Encoding"))
	if gz {
		h["Content-Encoding"] = gzipEncoding
	}
	head := c.Request.Method == http.MethodHead
	if p.slot.at < 0 {
		body := p.body
		if gz {
			body = p.gzipped
		}
		h["Content-Length"] = p.contentLength(0, gz)
		c.Writer.WriteHeader(http.StatusOK)
		if !head {
			c.Writer.Write(body)
		}
		return
	}
	stamp := s.tokens.FormStamp(s.now())
	h["Content-Length"] = p.contentLength(len(stamp), gz)
	c.Writer.WriteHeader(http.StatusOK)
	if head {
		return
	}
	// One write of the whole page: written in parts, the page left in as many system
	// calls and packets, each more costly than copying it once.
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufferPool.Put(buf)
	if gz {
		buf.Grow(p.slot.gzipLen(len(stamp)))
		c.Writer.Write(p.slot.appendGzip(buf.AvailableBuffer(), p.body, stamp))
		return
	}
	at := p.slot.at
	buf.Grow(len(p.body) - len(formStampSlot) + len(stamp))
	buf.Write(p.body[:at])
	buf.WriteString(stamp)
	buf.Write(p.body[at+len(formStampSlot):])
	c.Writer.Write(buf.Bytes())
}

// acceptsGzip reads an Accept-Encoding header; "gzip;q=0" refuses it.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}
