package main_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure "fascicle import wordpress" given a cut export exits with an error that says
// nothing was imported and where the file breaks off, and leaves the database as the
// earlier import left it, on SQLite and on PostgreSQL.
func TestImportWordPress_CutFileCommandFails(t *testing.T) {
	t.Parallel()
	small, err := filepath.Abs(filepath.Join("..", "..", "internal", "importer", "wxr", "testdata", "small-site.xml"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", "cut-site.xml"))
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte("<![CDATA[<h2>")) + 20 // inside the second post's text
	cut := data[:at]
	where := fmt.Sprintf("line %d, column %d", 1+bytes.Count(cut, []byte("\n")), len(cut)-bytes.LastIndexByte(cut, '\n'))
	export := filepath.Join(t.TempDir(), "cut.xml")
	if err := os.WriteFile(export, cut, 0o600); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)

	for _, engine := range []string{"SQLite", "PostgreSQL"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db, env := filepath.Join(t.TempDir(), "site.db"), []string(nil)
			if engine == "PostgreSQL" {
				storetest.RequirePostgres(t)
				db, env = storetest.NewPostgres(t), []string{"FASCICLE_SECRET_KEY=" + base64.StdEncoding.EncodeToString(key)}
			}
			importFile := func(file string) (stdout, stderr string, code int) {
				t.Helper()
				cmd := exec.Command(fascicleBinary(t), "import", "wordpress", "--keep-published", "--db", db, file)
				cmd.Env = childEnv(env...)
				var out, errOut bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errOut
				err := cmd.Run()
				var exit *exec.ExitError
				if err != nil && !errors.As(err, &exit) {
					t.Fatal(err)
				}
				return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
			}
			counts := func() string {
				t.Helper()
				conn := storetest.Open(t, db)
				var list []string
				for _, table := range []string{"users", "articles", "comments", "tags", "article_tags", "import_sources"} {
					var n int
					if err := conn.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
						t.Fatal(err)
					}
					list = append(list, fmt.Sprintf("%s %d", table, n))
				}
				return strings.Join(list, ", ")
			}

			if stdout, stderr, code := importFile(small); code != 0 {
				t.Fatalf("the first import exited %d:\n%s\n%s", code, stdout, stderr)
			}
			before := counts()
			stdout, stderr, code := importFile(export)
			if code == 0 {
				t.Fatalf("the import of a cut file succeeded:\n%s", stdout)
			}
			if !strings.Contains(stderr, "nothing was imported") || !strings.Contains(stderr, where) {
				t.Errorf("exit %d; stderr %q, want it to say nothing was imported and %q", code, stderr, where)
			}
			if strings.Contains(stdout, "articles ") {
				t.Errorf("the command printed a summary for a failed import:\n%s", stdout)
			}
			if after := counts(); after != before {
				t.Errorf("rows after the failed import: %s; before: %s", after, before)
			}
		})
	}
}
