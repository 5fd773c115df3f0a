package app_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
)

// Ensure a site imported from WordPress, exported by the command and imported again
// into a new database has the same articles, pages and replies by status, on either
// engine; and that exporting over an existing file is refused with ErrExportExists.
func TestExportWordPress_RoundTripCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	source := filepath.Join("..", "importer", "wxr", "testdata", "small-site.xml")
	first, second := testConfig(t), testConfig(t)
	var out bytes.Buffer
	if err := app.ImportWordPress(ctx, first, config.Import{File: source, KeepPublished: true}, &out); err != nil {
		t.Fatalf("import: %v", err)
	}
	file := filepath.Join(t.TempDir(), "export.xml")
	out.Reset()
	if err := app.ExportWordPress(ctx, first, file, false, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if !strings.Contains(out.String(), "articles 2, pages 1, authors 2, tags 3\n") {
		t.Errorf("export printed:\n%s", out.String())
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v, %v", info, err)
	}
	out.Reset()
	if err := app.ImportWordPress(ctx, second, config.Import{File: file, KeepPublished: true}, &out); err != nil {
		t.Fatalf("import of the export: %v", err)
	}
	for _, want := range []string{"articles 2, pages 1, new author accounts 2, new tags 3\n", "replies: 3 approved, 1 pending, 1 spam, 1 trash\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the import of the export lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "skipped") {
		t.Errorf("the import of the export skipped something:\n%s", out.String())
	}

	before, _ := os.ReadFile(file)
	if err := app.ExportWordPress(ctx, first, file, false, &out); !errors.Is(err, app.ErrExportExists) {
		t.Errorf("export over the file: %v, want ErrExportExists", err)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Error("a refused export changed the file")
	}
}
