package web_test

import (
	"bytes"
	"compress/gzip"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var formStampValue = regexp.MustCompile(`name="form_shown" value="([^"]+)"`)

// stampOf returns the form stamp in page and the time it names.
func stampOf(t testing.TB, page string) (string, time.Time) {
	t.Helper()
	m := formStampValue.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no form stamp on the page")
	}
	stamp := html.UnescapeString(m[1])
	unix, err := strconv.ParseInt(strings.Split(stamp, ".")[0], 10, 64)
	if err != nil {
		t.Fatalf("stamp %q: %v", stamp, err)
	}
	return stamp, time.Unix(unix, 0)
}

// Ensure the reply form's stamp is the time of each response, also when the page comes
// from the page cache, plain or gzipped (a valid gzip stream, the same page but for
// the stamp), and that the cached page still answers 304 to its weak ETag.
func TestFormStamp_PerResponseFromCache(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	first := s.get(t, articlePath).wantStatus(http.StatusOK)
	s.advance(4 * time.Minute)
	second := s.get(t, articlePath).wantStatus(http.StatusOK)
	if got := second.Header.Get("X-Cache"); got != "hit" {
		t.Fatalf("X-Cache = %q, want hit", got)
	}
	s1, t1 := stampOf(t, first.Body)
	s2, t2 := stampOf(t, second.Body)
	if s1 == s2 || !t2.Equal(s.clock().Truncate(time.Second)) || t2.Sub(t1) != 4*time.Minute {
		t.Errorf("stamps %s (%v) and %s (%v); the second must be the time of its response, %v", s1, t1, s2, t2, s.clock())
	}
	if strings.Replace(first.Body, s1, s2, 1) != second.Body {
		t.Error("the cached page differs from the first in more than its stamp")
	}
	if strings.Contains(second.Body, "form-shown-slot") {
		t.Error("the stamp's slot reached a reader")
	}

	s.advance(time.Minute)
	req := httptest.NewRequest(http.MethodGet, articlePath, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	zipped := s.do(t, req).wantStatus(http.StatusOK)
	if zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("Content-Length") != strconv.Itoa(len(zipped.Body)) {
		t.Fatalf("headers %v for %d bytes", zipped.Header, len(zipped.Body))
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(zipped.Body)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr) // checks the checksum and length too
	if err != nil {
		t.Fatalf("the gzipped page does not decompress: %v", err)
	}
	s3, t3 := stampOf(t, string(plain))
	if !t3.Equal(s.clock().Truncate(time.Second)) || strings.Replace(first.Body, s1, s3, 1) != string(plain) {
		t.Errorf("gzipped page: stamp %v, or other bytes differ", t3)
	}

	etag := second.Header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Errorf("ETag %q: a page whose stamp changes needs a weak ETag", etag)
	}
	req = httptest.NewRequest(http.MethodGet, articlePath, nil)
	req.Header.Set("If-None-Match", etag)
	s.do(t, req).wantStatus(http.StatusNotModified)
}

// Ensure the minimum fill time counts from when this reader was shown the form, also
// from a cached page: a robot posting at once from a page cached long ago is spam, a
// person who takes their time is held as usual.
func TestFormStamp_FillTimeOfThisReader(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.get(t, articlePath) // cached now
	s.advance(4 * time.Minute)
	robot := validReply()
	robot.Set("form_shown", s.formStamp(t, articlePath)) // from the cache
	s.postReplyNow(t, articlePath+"/comments", robot).wantStatus(http.StatusSeeOther)
	if _, status, reason := s.lastReply(t); status != "spam" || !strings.HasPrefix(reason, "sent 0.") || !strings.HasSuffix(reason, " s after the form was shown") {
		t.Errorf("a robot posting at once from a page cached minutes ago: %s, %q", status, reason)
	}

	person := validReply()
	person.Set("comment", "I read the article first.")
	person.Set("form_shown", s.formStamp(t, articlePath))
	s.advance(40 * time.Second)
	s.postReplyNow(t, articlePath+"/comments", person).wantStatus(http.StatusSeeOther)
	s.wantReply(t, "pending", "every reply is held (manual moderation)")
}

// Ensure a form shown more than a day ago comes back with everything typed, a message
// and a fresh stamp, and is sent once again; and that one stamp serves at most three
// replies from one client.
func TestFormStamp_MaximumAgeAndUses(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	old := validReply()
	old.Set("comment", "Written yesterday, sent today.")
	old.Set("form_shown", s.formStamp(t, articlePath))
	s.advance(25 * time.Hour)
	res := s.postReplyNow(t, articlePath+"/comments", old).wantStatus(http.StatusUnprocessableEntity)
	res.wantContains("This page was open for more than a day", "Written yesterday, sent today.</textarea>")
	if n := s.count(t, `SELECT count(*) FROM comments WHERE body = 'Written yesterday, sent today.'`); n != 0 {
		t.Fatalf("%d replies saved from an expired form", n)
	}
	stamp, at := stampOf(t, res.Body)
	if !at.Equal(s.clock().Truncate(time.Second)) {
		t.Fatalf("the form came back with a stamp of %v, want now", at)
	}
	s.advance(20 * time.Second)
	old.Set("form_shown", stamp)
	s.postReplyNow(t, articlePath+"/comments", old).wantStatus(http.StatusSeeOther)
	s.wantReply(t, "pending", "every reply is held (manual moderation)")

	for i := 2; i <= 4; i++ {
		s.advance(20 * time.Second) // past the flood interval
		again := validReply()
		again.Set("comment", "Reply number "+strconv.Itoa(i)+" from one page.")
		again.Set("form_shown", stamp)
		s.postReplyNow(t, articlePath+"/comments", again).wantStatus(http.StatusSeeOther)
	}
	s.wantReply(t, "spam", "sent with a form already used for 3 replies")
}
