package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// Ensure a public page is rendered once and then served from the cache, with an ETag
// that answers If-None-Match with 304, and gzip for readers who accept it.
func TestPageCache_HitETagGzip(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	first := s.get(t, articlePath).wantStatus(http.StatusOK)
	if first.Header.Get("X-Cache") != "miss" {
		t.Fatalf("first view: X-Cache = %q", first.Header.Get("X-Cache"))
	}
	second := s.get(t, articlePath).wantStatus(http.StatusOK)
	if second.Header.Get("X-Cache") != "hit" || second.Body != first.Body {
		t.Fatalf("second view: X-Cache = %q, same body %v", second.Header.Get("X-Cache"), second.Body == first.Body)
	}
	etag := second.Header.Get("ETag")
	if etag == "" || second.Header.Get("Vary") != "Accept-Encoding" || second.Header.Get("Cache-Control") != "public, no-cache" {
		t.Errorf("headers: %v", second.Header)
	}
	req := httptest.NewRequest(http.MethodGet, articlePath, nil)
	req.Header.Set("If-None-Match", etag)
	if res := s.do(t, req); res.Code != http.StatusNotModified || res.Body != "" {
		t.Errorf("If-None-Match: status %d, %d bytes", res.Code, len(res.Body))
	}
	req = httptest.NewRequest(http.MethodGet, articlePath, nil)
	req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
	gz := s.do(t, req)
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q", gz.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(gz.Body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != first.Body || len(gz.Body) >= len(first.Body)/2 {
		t.Errorf("gzip body: equal %v, %d of %d bytes", string(plain) == first.Body, len(gz.Body), len(first.Body))
	}
	req = httptest.NewRequest(http.MethodGet, articlePath, nil)
	req.Header.Set("Accept-Encoding", "gzip;q=0")
	if res := s.do(t, req); res.Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent to a reader who refused it")
	}
}

// Ensure staff, a reader's own held reply (?pending=) and the no-JavaScript reply
// form (?replytocom=) bypass the cache, and that held replies do not empty it.
func TestPageCache_Bypass(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.get(t, articlePath)
	cookie := s.signIn(t, s.addUser(t, model.RoleModerator))
	if res := s.getAs(t, cookie, articlePath); res.Header.Get("X-Cache") != "" {
		t.Errorf("staff got a cached page: %q", res.Header.Get("X-Cache"))
	}
	res := s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	own := s.get(t, strings.Split(res.Header.Get("Location"), "#")[0])
	if own.Header.Get("X-Cache") != "" || !strings.Contains(own.Body, "awaiting moderation") {
		t.Errorf("the pending page: X-Cache %q", own.Header.Get("X-Cache"))
	}
	if res := s.get(t, articlePath+"?replytocom=1"); res.Header.Get("X-Cache") != "" {
		t.Error("?replytocom was cached")
	}
	// A held reply changes no public page: the cached page stays.
	if res := s.get(t, articlePath); res.Header.Get("X-Cache") != "hit" || strings.Contains(res.Body, "Magnesium helped") {
		t.Errorf("after a held reply: X-Cache %q", res.Header.Get("X-Cache"))
	}
}

// Ensure the cache never serves a stale page: every change that alters a page — an
// approval, an edit of a reply, an article change, a setting — is visible to the next
// read, while readers hammer the cache concurrently.
func TestPageCache_NoStaleReadsUnderConcurrentApprove(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	stop := make(chan struct{})
	var reads atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req := httptest.NewRequest(http.MethodGet, articlePath, nil)
				rec := httptest.NewRecorder()
				s.handler.ServeHTTP(rec, req)
				reads.Add(1)
			}
		})
	}
	const rounds = 40
	for i := range rounds {
		c := &model.Comment{ArticleID: 1, AuthorName: "Reader " + strconv.Itoa(i), AuthorEmail: "r@example.com",
			Body: "Approved reply number " + strconv.Itoa(i) + ".", Status: model.CommentPending, CreatedAt: time.Now()}
		if err := s.store.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if n, err := s.store.SetCommentStatus(ctx, []int64{c.ID}, model.CommentApproved, "", time.Now()); err != nil || n != 1 {
			t.Fatalf("approve: %d, %v", n, err)
		}
		// The approval is acknowledged: every read from now on must show it.
		for range 3 {
			page := httpGet(s, articlePath)
			if !strings.Contains(page, "Approved reply number "+strconv.Itoa(i)+".") {
				t.Fatalf("round %d: a read after the approval did not show the reply", i)
			}
		}
	}
	s.exec(t, `UPDATE articles SET title = 'A renamed article' WHERE id = 1`)
	if !strings.Contains(httpGet(s, articlePath), "A renamed article") || !strings.Contains(httpGet(s, "/"), "A renamed article") {
		t.Error("an article change was not visible at once")
	}
	s.setPolicy(t, func(p *model.Policy) { p.ThreadDepth = 1 })
	if strings.Contains(httpGet(s, articlePath), `<ol class="children">`) {
		t.Error("a settings change was not visible at once")
	}
	close(stop)
	wg.Wait()
	if reads.Load() < rounds {
		t.Errorf("only %d concurrent reads; the test did not exercise the cache", reads.Load())
	}
}

// Ensure the cache can be turned off, as the benchmark needs to measure rendering.
func TestPageCache_Off(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, func(o *web.Options) { o.NoPageCache = true })
	s.get(t, articlePath)
	if res := s.get(t, articlePath); res.Header.Get("X-Cache") != "" {
		t.Errorf("X-Cache = %q with the cache off", res.Header.Get("X-Cache"))
	}
}

func httpGet(s *site, path string) string {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	var buf bytes.Buffer
	buf.ReadFrom(rec.Result().Body)
	return buf.String()
}

// Ensure stylesheets and scripts are sent gzipped to readers who accept it.
func TestStatic_Gzip(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	req := httptest.NewRequest(http.MethodGet, "/static/css/site.css", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res := s.do(t, req)
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers: %v", res.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(zr)
	if !bytes.Contains(css, []byte("--accent")) {
		t.Error("the gzipped stylesheet is not the stylesheet")
	}
	if plain := s.get(t, "/static/css/site.css"); plain.Header.Get("Content-Encoding") != "" || !strings.Contains(plain.Body, "--accent") {
		t.Error("a reader without gzip got it compressed")
	}
}
