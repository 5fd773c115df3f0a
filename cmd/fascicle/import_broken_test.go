package main_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure "fascicle import wordpress" given a cut export exits with an error that says
// nothing was imported and where the file breaks off, and leaves the database as the
// earlier import left it.
func TestImportWordPress_CutFileCommandFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	small := filepath.Join("..", "..", "internal", "importer", "wxr", "testdata", "small-site.xml")
	small, err := filepath.Abs(small)
	if err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := runFascicle(t, "", "import", "wordpress", "--keep-published", "--db", db, small); code != 0 {
		t.Fatalf("the first import exited %d:\n%s\n%s", code, stdout, stderr)
	}
	counts := func() map[string]int {
		t.Helper()
		conn := openDB(t, db)
		defer conn.Close()
		out := map[string]int{}
		for _, table := range []string{"users", "articles", "comments", "tags", "import_sources"} {
			var n int
			if err := conn.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	before := counts()

	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", "cut-site.xml"))
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte("<![CDATA[<h2>")) + 20 // inside the second post's text
	cut := data[:at]
	line, col := 1+bytes.Count(cut, []byte("\n")), len(cut)-bytes.LastIndexByte(cut, '\n')
	export := filepath.Join(dir, "cut.xml")
	if err := os.WriteFile(export, cut, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runFascicle(t, "", "import", "wordpress", "--keep-published", "--db", db, export)
	if code == 0 {
		t.Fatalf("the import of a cut file succeeded:\n%s", stdout)
	}
	where := fmt.Sprintf("line %d, column %d", line, col)
	if !strings.Contains(stderr, "nothing was imported") || !strings.Contains(stderr, where) {
		t.Errorf("exit %d; stderr %q, want it to say nothing was imported and %q", code, stderr, where)
	}
	if strings.Contains(stdout, "articles ") {
		t.Errorf("the command printed a summary for a failed import:\n%s", stdout)
	}
	if after := counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rows %v after the failed import, were %v", after, before)
	}
}
