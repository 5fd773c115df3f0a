package exporter_test

import (
	"context"
	"os"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// newStore returns a migrated, empty database on the engine of the test run, with
// keys to seal and open emails (each database its own key).
func newStore(t testing.TB, key string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(storetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := secret.New([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	return st
}

// addUser saves a staff account and returns it.
func addUser(t *testing.T, st *store.Store, name, email string, role model.Role) *model.User {
	t.Helper()
	u := &model.User{Name: name, Role: role}
	if email != "" {
		u.Email = &email
	}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("user %q: %v", name, err)
	}
	return u
}

// addArticle saves an article and returns it.
func addArticle(t *testing.T, st *store.Store, a *model.Article) *model.Article {
	t.Helper()
	if err := st.CreateArticle(context.Background(), a); err != nil {
		t.Fatalf("article %q: %v", a.Slug, err)
	}
	return a
}

// addReply saves a reply and returns its ID.
func addReply(t *testing.T, st *store.Store, c *model.Comment) int64 {
	t.Helper()
	if err := st.CreateComment(context.Background(), c); err != nil {
		t.Fatalf("reply %q: %v", c.AuthorName, err)
	}
	return c.ID
}

// allReplies returns every reply of an article, oldest ID first, emails opened.
func allReplies(t *testing.T, st *store.Store, articleID int64) []model.Comment {
	t.Helper()
	var all []model.Comment
	for after := int64(0); ; {
		page, err := st.ExportComments(context.Background(), articleID, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
}
