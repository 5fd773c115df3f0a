package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

// DefaultBulkBatch is how many rows a bulk load writes per transaction: large enough
// that the cost of a commit (and its fsync) disappears, small enough that a reader
// never waits on an enormous write-ahead log.
const DefaultBulkBatch = 50_000

// bulkCacheKiB is the page cache of the loading connection. Replies are indexed on
// keyed hashes (email, client address), which arrive in random order: with the
// indexes in memory each insert is a few microseconds, without them it is a disk read.
const bulkCacheKiB = 512 << 10

// Bulk writes large amounts of generated content with prepared statements in large
// transactions on one connection, bypassing GORM: "fascicle seed" fills a database
// with a million replies in seconds this way. Rows carry their own IDs (from
// NextIDs), so that content can be generated ahead of the writer and a reply can name
// its parent before either is written. Emails are encrypted with the store's keys,
// exactly as CreateComment does; the full-text index follows the articles through its
// triggers. It is meant for a database no server is writing to: a reply saved by a
// running server could take an ID the load was about to use.
type Bulk struct {
	conn *sql.Conn
	// exec runs the row statements. It is never cancelled: the driver watches a
	// cancellable context with a goroutine per statement, which would cost more than
	// the insert. The caller's context is checked at each commit instead.
	exec  context.Context
	keys  *secret.Keys
	batch int
	inTx  int // rows written in the open transaction
	rows  int // rows written in all

	article, reference, articleTag, tag, tagID, comment, slugTaken *sql.Stmt

	tagIDs     map[string]int64  // tag slug → id
	emailIndex map[string]string // email → blind index, computed once per commenter
}

// rawDB returns the database/sql handle under GORM, for bulk work.
func (s *Store) rawDB() (*sql.DB, error) {
	return s.db.DB()
}

// BulkLoad runs fn with a Bulk that commits every batch rows (DefaultBulkBatch when
// batch ≤ 0) and once more when fn returns. If fn or a write fails, the open batch is
// rolled back; batches committed before stay. The store's keys must be in use
// (ErrNoKeys otherwise).
func (s *Store) BulkLoad(ctx context.Context, batch int, fn func(b *Bulk) error) (err error) {
	keys, err := s.emailKeys()
	if err != nil {
		return err
	}
	if batch <= 0 {
		batch = DefaultBulkBatch
	}
	db, err := s.rawDB()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	b := &Bulk{conn: conn, exec: context.WithoutCancel(ctx), keys: keys, batch: batch, tagIDs: map[string]int64{}, emailIndex: map[string]string{}}
	defer b.closeStatements()
	if err := b.prepare(ctx); err != nil {
		return err
	}
	// The connection goes back to the pool afterwards with the default cache size.
	var cache int
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return translate(err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)); err != nil {
		return translate(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))

	for _, p := range strings.Split(os.Getenv("XPRAGMAS"), ";") {
		if p != "" {
			if _, err := conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return err
			}
		}
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return translate(err)
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	if err := fn(b); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `COMMIT`)
	return translate(err)
}

func (b *Bulk) prepare(ctx context.Context) error {
	prep := func(dst **sql.Stmt, query string) error {
		if *dst != nil {
			return nil
		}
		stmt, err := b.conn.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("prepare bulk statement: %w", err)
		}
		*dst = stmt
		return nil
	}
	return errors.Join(
		prep(&b.article, `INSERT INTO articles (id, slug, title, summary, body_markdown, status, author_id,
			reviewer_name, reviewer_credentials, reviewed_at, published_at, comments_open, created_at, updated_at,
			version, scheduled_at, next_review_at, correction_note, reviewer_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		prep(&b.reference, `INSERT INTO article_references (article_id, position, title, url, publisher, doi, pmid)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
		prep(&b.articleTag, `INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)`),
		prep(&b.tag, `INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING`),
		prep(&b.tagID, `SELECT id FROM tags WHERE slug = ?`),
		prep(&b.comment, `INSERT OR ROLLBACK INTO comments (id, article_id, parent_id, author_name, author_email, author_email_enc,
			author_email_index, author_url, body, status, user_agent, client_hash, client_prefix, held_reason,
			previous_status, user_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		prep(&b.slugTaken, `SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?1)
			OR EXISTS (SELECT 1 FROM slug_redirects WHERE old_slug = ?1)`),
	)
}

func (b *Bulk) closeStatements() {
	for _, s := range []*sql.Stmt{b.article, b.reference, b.articleTag, b.tag, b.tagID, b.comment, b.slugTaken} {
		if s != nil {
			s.Close()
		}
	}
}

// Rows returns how many rows (articles, references, tags of articles, replies) the
// load has written so far.
func (b *Bulk) Rows() int {
	return b.rows
}

// NextIDs returns the first free article and reply IDs: the load numbers its rows
// from there.
func (b *Bulk) NextIDs(ctx context.Context) (article, comment int64, err error) {
	err = b.conn.QueryRowContext(ctx, `SELECT (SELECT COALESCE(max(id), 0) + 1 FROM articles),
		(SELECT COALESCE(max(id), 0) + 1 FROM comments)`).Scan(&article, &comment)
	return article, comment, translate(err)
}

// SlugTaken reports whether slug is the address of an article, now or as an old
// address that redirects.
func (b *Bulk) SlugTaken(ctx context.Context, slug string) (bool, error) {
	var taken bool
	err := b.slugTaken.QueryRowContext(b.exec, slug).Scan(&taken)
	return taken, translate(err)
}

// wrote counts n rows and commits the batch when it is full.
func (b *Bulk) wrote(ctx context.Context, n int) error {
	b.inTx += n
	b.rows += n
	if b.inTx < b.batch {
		return nil
	}
	b.inTx = 0
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := b.conn.ExecContext(ctx, `COMMIT`); err != nil {
		return translate(err)
	}
	_, err := b.conn.ExecContext(ctx, `BEGIN IMMEDIATE`)
	return translate(err)
}

// AddArticle writes an article with the ID it carries (from NextIDs), its references
// numbered in order, and its tags, creating tags that do not exist yet. Its version is
// 1. Returns model.ErrConflict if the ID or slug is taken.
func (b *Bulk) AddArticle(ctx context.Context, a *model.Article) error {
	if a.ID <= 0 {
		return errors.New("bulk article without an ID")
	}
	a.Version = 1
	if _, err := b.article.ExecContext(b.exec, a.ID, a.Slug, a.Title, a.Summary, a.BodyMarkdown, string(a.Status), a.AuthorID,
		a.ReviewerName, a.ReviewerCredentials, utcPtr(a.ReviewedAt), utcPtr(a.PublishedAt), a.CommentsOpen,
		a.CreatedAt.UTC(), a.UpdatedAt.UTC(), a.Version, utcPtr(a.ScheduledAt), utcPtr(a.NextReviewAt),
		a.CorrectionNote, a.ReviewerID); err != nil {
		return translate(err)
	}
	for i := range a.References {
		ref := &a.References[i]
		ref.ArticleID, ref.Position = a.ID, i+1
		if _, err := b.reference.ExecContext(b.exec, a.ID, ref.Position, ref.Title, ref.URL, ref.Publisher, ref.DOI, ref.PMID); err != nil {
			return translate(err)
		}
	}
	for i := range a.Tags {
		t := &a.Tags[i]
		id, err := b.tagIDFor(ctx, t)
		if err != nil {
			return err
		}
		t.ID = id
		if _, err := b.articleTag.ExecContext(b.exec, a.ID, id, i); err != nil {
			return translate(err)
		}
	}
	return b.wrote(ctx, 1+len(a.References)+len(a.Tags))
}

func (b *Bulk) tagIDFor(ctx context.Context, t *model.Tag) (int64, error) {
	if id, ok := b.tagIDs[t.Slug]; ok {
		return id, nil
	}
	if _, err := b.tag.ExecContext(b.exec, t.Slug, t.Name); err != nil {
		return 0, translate(err)
	}
	var id int64
	if err := b.tagID.QueryRowContext(b.exec, t.Slug).Scan(&id); err != nil {
		return 0, translate(err)
	}
	b.tagIDs[t.Slug] = id
	return id, nil
}

// maxCachedIndexes bounds the memory of the email → blind index cache.
const maxCachedIndexes = 1 << 20

// AddComment writes a reply with the ID it carries (from NextIDs). Its email is
// encrypted and indexed with the store's keys, as CreateComment does; it is never
// written in clear. Returns model.ErrConflict if the ID is taken, model.ErrNotFound if
// its article or parent does not exist.
func (b *Bulk) AddComment(ctx context.Context, c *model.Comment) error {
	if c.ID <= 0 {
		return errors.New("bulk reply without an ID")
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	index, ok := b.emailIndex[c.AuthorEmail]
	if !ok {
		if len(b.emailIndex) >= maxCachedIndexes {
			clear(b.emailIndex)
		}
		index = b.keys.EmailIndex(c.AuthorEmail)
		b.emailIndex[c.AuthorEmail] = index
	}
	c.EmailIndex = index
	if _, err := b.comment.ExecContext(b.exec, c.ID, c.ArticleID, c.ParentID, c.AuthorName,
		b.keys.Seal(c.AuthorEmail), index, c.AuthorURL, c.Body, string(c.Status), c.UserAgent,
		c.ClientHash, c.ClientPrefix, c.HeldReason, string(c.PreviousStatus), c.UserID,
		c.CreatedAt.UTC(), c.UpdatedAt.UTC()); err != nil {
		return translate(err)
	}
	return b.wrote(ctx, 1)
}
