package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
	"github.com/fascicle/fascicle/internal/web"
)

// benchReplies is how many approved replies the benchmarked article page shows.
const benchReplies = 50

// newBenchHandler returns the real router on a database with the demo article and
// benchReplies approved replies to it, a third of them answers to other replies.
func newBenchHandler(b *testing.B, noPageCache bool) (http.Handler, string) {
	b.Helper()
	ctx := context.Background()
	path := storetest.Path(b)
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := st.UseKeys(ctx, testKeys); err != nil {
		b.Fatal(err)
	}
	if err := demo.Install(ctx, st); err != nil {
		b.Fatal(err)
	}
	article, err := st.PublishedArticle(ctx, demo.ArticleSlug)
	if err != nil {
		b.Fatal(err)
	}
	existing, err := st.ApprovedComments(ctx, article.ID)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)
	var ids []int64
	for i := len(existing); i < benchReplies; i++ {
		c := &model.Comment{ArticleID: article.ID, AuthorName: fmt.Sprintf("Reader %d", i),
			AuthorEmail: fmt.Sprintf("reader%d@example.com", i), AuthorURL: "https://example.org/reader",
			Body: "My calves twitch after long runs, mostly in the evening.\n\nCutting back on coffee helped, and so did " +
				"drinking more water. See https://example.org/notes for what I tried.",
			Status: model.CommentApproved, CreatedAt: at.Add(time.Duration(i) * time.Hour)}
		if i%3 == 1 && len(ids) > 0 {
			c.ParentID = &ids[len(ids)-1]
		}
		if err := st.CreateComment(ctx, c); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	h, err := web.New(web.Options{
		Store:       st,
		Moderation:  moderation.New(st, []byte("client-key-for-tests-0123456789ab")),
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		PublicURL:   "http://fascicle.test",
		TokenKey:    []byte("token-key-for-tests-0123456789abcdef"),
		NoPageCache: noPageCache,
	})
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, articlePath, nil))
	if n := strings.Count(rec.Body.String(), `<li id="comment-`); rec.Code != http.StatusOK || n != benchReplies {
		b.Fatalf("the article page answers %d with %d replies, want 200 with %d", rec.Code, n, benchReplies)
	}
	return h, path
}

// discardWriter is a ResponseWriter that keeps only the status and the size, so that
// the benchmark measures the server's work and not a recorder's copy of the body.
type discardWriter struct {
	header http.Header
	status int
	bytes  int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.bytes += len(p)
	return len(p), nil
}

func benchmarkArticle(b *testing.B, noPageCache bool) {
	benchmarkPage(b, articlePath, noPageCache, "")
}

// benchmarkPage measures GET path on the benchmark's database; before each view, and
// outside the time measured, it runs the SQL statement change unless "".
func benchmarkPage(b *testing.B, path string, noPageCache bool, change string) {
	h, dbPath := newBenchHandler(b, noPageCache)
	db := storetest.Open(b, dbPath)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if change != "" {
			b.StopTimer()
			if _, err := db.Exec(change); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
		b.SetBytes(int64(w.bytes))
	}
}

// BenchmarkArticleShow_Cached measures the article page with 50 replies as an
// anonymous reader usually gets it: from the page cache, through the whole router.
func BenchmarkArticleShow_Cached(b *testing.B) {
	benchmarkArticle(b, false)
}

// BenchmarkArticleShow_Rendered measures the same page rendered every time (the page
// cache off): the first view after a change elsewhere on the site, which leaves the
// article and its thread rendered (see articleCache and threadCache).
func BenchmarkArticleShow_Rendered(b *testing.B) {
	benchmarkArticle(b, true)
}

// BenchmarkArticleShow_Changed measures the first view after a change to the article
// itself (its page version moved before each view): all of it read and rendered, but
// for the replies' own rendered heads, which only a change to a reply renews.
func BenchmarkArticleShow_Changed(b *testing.B) {
	benchmarkPage(b, articlePath, true, `UPDATE page_versions SET version = version + 1`)
}

// BenchmarkHome_Cached measures the home page as an anonymous reader usually gets it:
// from the page cache.
func BenchmarkHome_Cached(b *testing.B) {
	benchmarkPage(b, "/", false, "")
}

// BenchmarkHome_Rendered measures the home page rendered from the database every time
// (the page cache off).
func BenchmarkHome_Rendered(b *testing.B) {
	benchmarkPage(b, "/", true, "")
}
