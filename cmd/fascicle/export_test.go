package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer/wxr"
)

// exportItems collects what wxr.Read finds in an export.
type exportItems struct {
	authors  []wxr.Author
	items    []wxr.Item
	warnings []string
}

func (e *exportItems) Site(wxr.Site)          {}
func (e *exportItems) Author(a wxr.Author)    { e.authors = append(e.authors, a) }
func (e *exportItems) Term(wxr.Term)          {}
func (e *exportItems) Warning(w string)       { e.warnings = append(e.warnings, w) }
func (e *exportItems) Item(it wxr.Item) error { e.items = append(e.items, it); return nil }

// Ensure "fascicle export wordpress" writes the site to a file readable by its owner
// only, says that it holds readers' emails in clear, refuses to replace a file
// without --force (leaving it as it was), replaces it with --force, leaves no
// temporary file behind, and writes an export that wxr.Read reads whole.
func TestRun_ExportWordPress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	source := filepath.Join("..", "..", "internal", "importer", "wxr", "testdata", "small-site.xml")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"import", "wordpress", "--keep-published", "--db", db, source}, &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	file := filepath.Join(dir, "export.xml")

	out.Reset()
	if err := run(ctx, []string{"export", "wordpress", "--db", db, "--base-url", "https://health.example", file}, &out, &errOut); err != nil {
		t.Fatalf("export: %v\n%s", err, errOut.String())
	}
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("the export's mode is %#o, want 0600", mode)
	}
	for _, want := range []string{
		"articles 2, pages 1, authors 2, tags 3\n",
		"replies: 3 approved, 1 pending, 1 spam, 1 trash (1 of them by staff)\n",
		"warning: " + file + " holds the email addresses of readers in clear (5 replies have one)",
		"readable by its owner only", "delete it once it has been imported",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := &exportItems{}
	if err := wxr.Read(bytes.NewReader(doc), got); err != nil {
		t.Fatalf("wxr.Read: %v", err)
	}
	if len(got.items) != 3 || len(got.authors) != 2 || len(got.warnings) != 0 {
		t.Errorf("%d items, %d authors, warnings %q; want 3, 2, none", len(got.items), len(got.authors), got.warnings)
	}
	emails := map[string]bool{}
	for _, it := range got.items {
		if !strings.HasPrefix(it.Link, "https://health.example/") {
			t.Errorf("link %q is not on the base URL", it.Link)
		}
		for _, c := range it.Comments {
			emails[c.AuthorEmail] = true
		}
	}
	if !emails["hana.k@example.com"] || !emails["rui@example.net"] {
		t.Errorf("the readers' emails are not in the export in clear: %v", emails)
	}

	t.Run("ErrExists", func(t *testing.T) {
		if err := os.WriteFile(file+"-other", []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := run(ctx, []string{"export", "wordpress", "--db", db, file + "-other"}, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("export over an existing file: %v, want a refusal naming --force", err)
		}
		if b, _ := os.ReadFile(file + "-other"); string(b) != "keep me" {
			t.Errorf("the existing file was changed: %q", b)
		}
	})
	t.Run("Force", func(t *testing.T) {
		other := filepath.Join(dir, "replaced.xml")
		if err := os.WriteFile(other, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := run(ctx, []string{"export", "wordpress", "--force", "--db", db, other}, &out, &errOut); err != nil {
			t.Fatalf("export --force: %v", err)
		}
		b, err := os.ReadFile(other)
		if err != nil {
			t.Fatal(err)
		}
		again := &exportItems{}
		if err := wxr.Read(bytes.NewReader(b), again); err != nil || len(again.items) != 3 {
			t.Errorf("the replaced file is not the whole export (%v, %d items):\n%.200s", err, len(again.items), b)
		}
		if info, err := os.Stat(other); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("a replaced file has mode %v (%v), want 0600", info.Mode().Perm(), err)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		missing := filepath.Join(dir, "none.xml")
		if err := run(ctx, []string{"export", "wordpress", "--db", filepath.Join(dir, "missing.db"), missing}, &out, &errOut); err == nil {
			t.Error("an export of a missing database succeeded")
		}
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Errorf("an export of a missing database left a file: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
			t.Errorf("an export made the missing database: %v", err)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"export"}, {"export", "disqus", file}, {"export", "wordpress", "--db", db}} {
			if err := run(ctx, args, &out, &errOut); err == nil {
				t.Errorf("run(%q) succeeded", args)
			}
		}
	})
	t.Run("NoTemporaryFiles", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("a temporary file was left behind: %s", e.Name())
			}
		}
	})
}
