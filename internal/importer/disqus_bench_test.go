package importer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/model"
)

// BenchmarkImportDisqus imports a generated export of 100 threads with 50 posts each,
// every other post listed before the one it answers, and reports posts per second.
func BenchmarkImportDisqus(b *testing.B) {
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">`)
	const threads, perThread = 100, 50
	for i := 1; i <= threads; i++ {
		doc.WriteString(thread(i, "https://old.example/articles/own/"))
	}
	for i := 1; i <= threads; i++ {
		for j := 0; j < perThread; j += 2 {
			id := i*1000 + j
			doc.WriteString(post(id+1, i, id, "answer") + post(id, i, 0, "first"))
		}
	}
	doc.WriteString("</disqus>\n")
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		f := newFixture(b)
		f.addArticle(b, "own", model.KindArticle)
		b.StartTimer()
		res, err := f.svc.ImportDisqus(context.Background(), strings.NewReader(doc.String()), importer.DisqusOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if got := res.Comments[model.CommentApproved]; got != threads*perThread {
			b.Fatalf("%d replies imported, want %d", got, threads*perThread)
		}
	}
	b.ReportMetric(float64(b.N*threads*perThread)/b.Elapsed().Seconds(), "posts/s")
}
