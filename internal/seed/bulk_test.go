package seed_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/seed"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// commentIndexCount counts the indexes of the replies table but its primary key.
func commentIndexCount() string {
	if storetest.OnPostgres() {
		return `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'comments' AND indexname != 'comments_pkey'`
	}
	return `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL`
}

func TestMain(m *testing.M) {
	os.Exit(storetest.Main(m))
}

// openStore opens a migrated store at path with email keys in use.
func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	keys, err := secret.New(secret.Generate())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UseKeys(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	return st
}

// rawDB opens the database at path apart from the store, to look at it.
func rawDB(t *testing.T, path string) *storetest.DB {
	t.Helper()
	return storetest.Open(t, path)
}

func count(t *testing.T, db *storetest.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bulkArticle is a published article for the bulk tests.
func bulkArticle(id, authorID int64) *model.Article {
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return &model.Article{ID: id, Slug: "bulk-" + string(rune('a'+id)), Title: "Bulk", Summary: "S", BodyMarkdown: "Body about cramps.",
		Status: model.ArticlePublished, AuthorID: authorID, PublishedAt: &at, CommentsOpen: true, CreatedAt: at, UpdatedAt: at,
		References: []model.Reference{{Title: "R", URL: "https://example.org/r"}}, Tags: []model.Tag{{Slug: "bulk", Name: "Bulk"}}}
}

// Ensure a bulk load writes articles (with references, tags and full-text entries) and
// replies with encrypted emails, commits in batches, and builds the reply indexes it
// deferred.
func TestBulkLoad_WritesAndRebuildsIndexes(t *testing.T) {
	t.Parallel()
	path := storetest.Path(t)
	st := openStore(t, path)
	ctx := context.Background()
	author := &model.User{Name: "Writer", Role: model.RoleAuthor}
	if err := st.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	indexes := count(t, db, commentIndexCount())
	err := seed.BulkLoad(ctx, st, 7, func(b *seed.Bulk) error {
		articleID, commentID, err := b.NextIDs(ctx)
		if err != nil {
			return err
		}
		if err := b.AddArticle(ctx, bulkArticle(articleID, author.ID)); err != nil {
			return err
		}
		if taken, err := b.SlugTaken(ctx, "bulk-"+string(rune('a'+articleID))); err != nil || !taken {
			t.Errorf("the new article's slug is not taken: %v", err)
		}
		if err := b.DeferReplyIndexes(ctx); err != nil {
			return err
		}
		for i := range 100 {
			c := &model.Comment{ID: commentID + int64(i), ArticleID: articleID, AuthorName: "Reader", AuthorEmail: "reader@example.org",
				Body: "Thanks.", Status: model.CommentApproved, CreatedAt: time.Date(2025, 3, 2, 9, 0, i, 0, time.UTC)}
			if i > 0 {
				parent := commentID
				c.ParentID = &parent
			}
			if err := b.AddComment(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	searchCount := `SELECT count(*) FROM articles_search WHERE articles_search MATCH 'cramps'`
	if storetest.OnPostgres() {
		searchCount = `SELECT count(*) FROM articles_search WHERE document @@ to_tsquery('simple', 'cramps')`
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM comments WHERE author_email = '' AND author_email_enc IS NOT NULL`: 100,
		`SELECT count(*) FROM article_references`:                                                1,
		`SELECT count(*) FROM article_tags`:                                                      1,
		searchCount:                                                                              1,
		commentIndexCount():                                                                      indexes,
		`SELECT count(*) FROM site_meta WHERE name LIKE 'bulk%'`:                                 0,
	} {
		if got := count(t, db, query); got != want {
			t.Errorf("%s = %d, want %d", query, got, want)
		}
	}
	list, err := st.CommentsByEmail(ctx, "reader@example.org")
	if err != nil || len(list) != 100 || list[0].AuthorEmail != "reader@example.org" {
		t.Errorf("replies by email: %d, %v", len(list), err)
	}
}

// Ensure a load that fails keeps the batches it committed, drops the one it was
// writing, and builds the indexes it deferred.
func TestBulkLoad_FailureRestoresIndexes(t *testing.T) {
	t.Parallel()
	path := storetest.Path(t)
	st := openStore(t, path)
	ctx := context.Background()
	author := &model.User{Name: "Writer", Role: model.RoleAuthor}
	if err := st.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	indexes := count(t, db, commentIndexCount())
	stop := errors.New("stop")
	err := seed.BulkLoad(ctx, st, 10, func(b *seed.Bulk) error {
		articleID, commentID, err := b.NextIDs(ctx)
		if err != nil {
			return err
		}
		if err := b.AddArticle(ctx, bulkArticle(articleID, author.ID)); err != nil {
			return err
		}
		if err := b.DeferReplyIndexes(ctx); err != nil {
			return err
		}
		for i := range 25 { // with the article's 3 rows: two batches of 10 committed, 8 rows not
			c := &model.Comment{ID: commentID + int64(i), ArticleID: articleID, AuthorName: "Reader", AuthorEmail: "r@example.org",
				Body: "Thanks.", Status: model.CommentPending, CreatedAt: time.Date(2025, 3, 2, 9, 0, i, 0, time.UTC)}
			if err := b.AddComment(ctx, c); err != nil {
				return err
			}
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the function's error", err)
	}
	if n := count(t, db, `SELECT count(*) FROM comments`); n != 17 {
		t.Errorf("%d replies kept, want the 17 of the committed batches", n)
	}
	if n := count(t, db, commentIndexCount()); n != indexes {
		t.Errorf("%d reply indexes, want %d", n, indexes)
	}
	if n := count(t, db, `SELECT count(*) FROM site_meta WHERE name LIKE 'bulk%'`); n != 0 {
		t.Errorf("the note of deferred indexes is still there")
	}
}

// Ensure a bulk load refuses to start before the email keys are loaded.
func TestBulkLoad_NeedsKeys(t *testing.T) {
	t.Parallel()
	st, err := store.Open(storetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	err = seed.BulkLoad(context.Background(), st, 0, func(*seed.Bulk) error { return nil })
	if !errors.Is(err, store.ErrNoKeys) {
		t.Errorf("err = %v, want ErrNoKeys", err)
	}
}
