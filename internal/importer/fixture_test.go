package importer_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// smallSite is the WordPress export the reader's tests use too.
const smallSite = "wxr/testdata/small-site.xml"

// fixture is the import service on a migrated, empty database with keys to seal
// emails, and a second connection to read what was really saved.
type fixture struct {
	st  *store.Store
	db  *storetest.DB
	svc *importer.Service
	now time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	path := storetest.Path(t)
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	hasher := moderation.NewClientHasher([]byte("client-key-for-tests-0123456789ab"), nil)
	f := &fixture{st: st, db: storetest.Open(t, path), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = importer.New(st, &hasher)
	f.svc.SetClock(func() time.Time { return f.now })
	return f
}

// importFile imports the export at path with opts and fails the test on an error.
func (f *fixture) importFile(t *testing.T, path string, opts importer.Options) importer.Result {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	res, err := f.svc.ImportWordPress(context.Background(), file, opts)
	if err != nil {
		t.Fatalf("ImportWordPress(%s): %v", path, err)
	}
	return res
}

// count returns the number of rows of a table.
func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// article returns the article at slug, in any status, with its author and tags.
func (f *fixture) article(t *testing.T, slug string) *model.Article {
	t.Helper()
	id, _, _, err := f.st.ArticleStatusBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("article %q: %v", slug, err)
	}
	a, err := f.st.Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// reply is a saved reply as its row holds it.
type reply struct {
	ID                 int64
	ArticleID          int64
	ParentID           sql.NullInt64
	Name, URL, Body    string
	Status             string
	PlainEmail         string // the column that must stay empty: emails are sealed
	ClientHash, Prefix string
	CreatedAt          time.Time
	SealedEmail        []byte
	EmailIndex         string
}

// replies returns the replies by name, the first saved of each name.
func (f *fixture) replies(t *testing.T) map[string]reply {
	t.Helper()
	rows, err := f.db.Query(`SELECT id, article_id, parent_id, author_name, author_url, body, status,
		author_email, client_hash, client_prefix, created_at, author_email_enc, author_email_index FROM comments ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]reply{}
	for rows.Next() {
		var r reply
		if err := rows.Scan(&r.ID, &r.ArticleID, &r.ParentID, &r.Name, &r.URL, &r.Body, &r.Status,
			&r.PlainEmail, &r.ClientHash, &r.Prefix, &r.CreatedAt, &r.SealedEmail, &r.EmailIndex); err != nil {
			t.Fatal(err)
		}
		if _, ok := out[r.Name]; !ok {
			out[r.Name] = r
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
