package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure "fascicle import wordpress" needs the choice about published posts, imports
// the small site into a new database and says what it brought in, and that a second
// run adds nothing.
func TestRun_ImportWordPress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "site.db")
	export := filepath.Join("..", "..", "internal", "importer", "wxr", "testdata", "small-site.xml")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"import", "wordpress", "--db", db, export}, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "--keep-published") {
		t.Errorf("without a choice: %v", err)
	}
	if err := run(ctx, []string{"import", "wordpress", "--as-drafts", "--db", db, export}, &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"articles 2, pages 1", "replies:", "skipped attachment: 1", "skipped nav_menu_item: 1", "skipped pingback: 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(ctx, []string{"import", "wordpress", "--as-drafts", "--db", db, export}, &out, &errOut); err != nil {
		t.Fatalf("second import: %v", err)
	}
	if !strings.Contains(out.String(), "articles 0, pages 0") || !strings.Contains(out.String(), "already imported before") {
		t.Errorf("a second import:\n%s", out.String())
	}
}
