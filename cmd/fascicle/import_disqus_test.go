package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure "fascicle import disqus" brings the small Disqus export in on the article the
// WordPress import made, through a map, says what it brought in and left out, adds
// nothing the second time, and refuses a map naming no article and a broken file.
func TestRun_ImportDisqus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	site := filepath.Join("..", "..", "internal", "importer", "wxr", "testdata", "small-site.xml")
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "disqus", "testdata", "small-disqus.xml"))
	if err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "disqus.xml")
	threadMap := filepath.Join(dir, "threads.txt")
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	importDisqus := func(args ...string) error {
		t.Helper()
		out.Reset()
		return run(ctx, append([]string{"import", "disqus", "--db", db}, args...), &out, &errOut)
	}
	if err := run(ctx, []string{"import", "wordpress", "--as-drafts", "--db", db, site}, &out, &errOut); err != nil {
		t.Fatalf("WordPress import: %v\n%s", err, errOut.String())
	}

	t.Run("Unmatched", func(t *testing.T) {
		write(export, strings.Replace(string(data), "/2024/03/afternoon-coffee-sleep/", "/2099/01/not-a-post/", 1))
		if err := importDisqus(export); err != nil {
			t.Fatalf("import: %v\n%s", err, errOut.String())
		}
		for _, want := range []string{
			"kB, 100%: 1 threads, 4 posts",
			"replies: 0 approved, 0 pending, 0 spam, 0 trash\n",
			"skipped unmatched thread: 4\n",
			"warning: the thread https://notes.example.org/2099/01/not-a-post/ matches no article here: its 4 posts were skipped",
			"list them in a map file (--map)",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})

	t.Run("MatchedByMap", func(t *testing.T) {
		write(export, string(data))
		write(threadMap, "# Disqus thread, then the article here\nhttps://notes.example.org/2024/03/afternoon-coffee-sleep/  afternoon-coffee-sleep\n")
		if err := importDisqus("--map", threadMap, export); err != nil {
			t.Fatalf("import: %v\n%s", err, errOut.String())
		}
		if want := "replies: 2 approved, 0 pending, 1 spam, 1 trash\n"; !strings.Contains(out.String(), want) ||
			strings.Contains(out.String(), "skipped") || strings.Contains(out.String(), "warning") {
			t.Errorf("output lacks %q or has more:\n%s", want, out.String())
		}
		if err := importDisqus("--map", threadMap, export); err != nil {
			t.Fatalf("second import: %v", err)
		}
		if !strings.Contains(out.String(), "replies: 0 approved, 0 pending, 0 spam, 0 trash\n") ||
			!strings.Contains(out.String(), "already imported before, left as they are: 4\n") {
			t.Errorf("a second import:\n%s", out.String())
		}
	})

	t.Run("Refused", func(t *testing.T) {
		write(threadMap, "\n7001 /articles/no-such-article\n")
		if err := importDisqus("--map", threadMap, export); err == nil ||
			!strings.Contains(err.Error(), `threads.txt: map line 2: "/articles/no-such-article" is no article or page here`) {
			t.Errorf("a map naming no article: %v", err)
		}
		broken := filepath.Join(dir, "broken.xml")
		write(broken, string(data[:len(data)/2]))
		if err := importDisqus(broken); err == nil || !strings.Contains(err.Error(), "nothing was imported: disqus: line ") {
			t.Errorf("a broken file: %v", err)
		}
		if err := importDisqus(site); err == nil || !strings.Contains(err.Error(), "not a Disqus export") {
			t.Errorf("a WordPress export: %v", err)
		}
	})
}

// Ensure a Disqus thread whose link is an imported WordPress post's old permalink is
// matched without a map: the WordPress import kept the address.
func TestRun_ImportDisqusThroughOldAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "site.db")
	site := filepath.Join("..", "..", "internal", "importer", "wxr", "testdata", "small-site.xml")
	export := filepath.Join("..", "..", "internal", "importer", "disqus", "testdata", "small-disqus.xml")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"import", "wordpress", "--keep-published", "--db", db, site}, &out, &errOut); err != nil {
		t.Fatalf("WordPress import: %v\n%s", err, errOut.String())
	}
	out.Reset()
	if err := run(ctx, []string{"import", "disqus", "--db", db, export}, &out, &errOut); err != nil {
		t.Fatalf("Disqus import: %v\n%s", err, errOut.String())
	}
	if want := "replies: 2 approved, 0 pending, 1 spam, 1 trash\n"; !strings.Contains(out.String(), want) ||
		strings.Contains(out.String(), "skipped") {
		t.Errorf("output lacks %q or skipped posts:\n%s", want, out.String())
	}
}
