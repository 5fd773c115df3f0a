package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
)

// DefaultBulkBatch is how many rows a bulk load writes per transaction: large enough
// that the cost of a commit (and its fsync) disappears, small enough that the
// write-ahead log stays a few tens of megabytes.
const DefaultBulkBatch = 50_000

// bulkPragmas tune the loading connection for the load; BulkLoad puts the old values
// back before the connection returns to the pool. A large page cache keeps the
// indexes being written in memory;
// temporary data in memory keeps the copy of each changed page that SQLite makes to
// undo a statement (needed because of the triggers) off the disk; helper threads sort
// faster when indexes are built.
var bulkPragmas = []struct{ name, value string }{
	{"cache_size", "-524288"}, // KiB: 512 MiB
	{"temp_store", "2"},       // memory
	{"threads", "2"},
}

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

	article, reference, articleTag, tag, tagID, slugTaken *sql.Stmt
	// Replies are inserted bulkCommentRows at a time, with one statement of that many
	// rows; fewer only at the end of a batch.
	commentArgs  []any
	commentStmts map[int]*sql.Stmt // by number of rows
	deferred     []deferredIndex   // reply indexes dropped until the end of the load

	tagIDs     map[string]int64  // tag slug → id
	emailIndex map[string]string // email → blind index, computed once per commenter
}

// rawDB returns the database/sql handle under GORM, for bulk work.
func (s *Store) rawDB() (*sql.DB, error) {
	return s.db.DB()
}

// BulkLoad runs fn with a Bulk that commits every batch rows (DefaultBulkBatch when
// batch ≤ 0) and once more when fn returns, after building any index it deferred. If
// fn or a write fails, the open batch is rolled back, deferred indexes are built
// again, and the batches committed before stay. The store's keys must be in use
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
	background := context.WithoutCancel(ctx) // for clean-up after ctx ends
	b := &Bulk{conn: conn, exec: background, keys: keys, batch: batch, tagIDs: map[string]int64{}, emailIndex: map[string]string{}}
	defer b.closeStatements()
	if err := b.prepare(ctx); err != nil {
		return err
	}
	for _, p := range bulkPragmas {
		var old string
		if err := conn.QueryRowContext(ctx, `PRAGMA `+p.name).Scan(&old); err != nil {
			return translate(err)
		}
		if _, err := conn.ExecContext(ctx, `PRAGMA `+p.name+` = `+p.value); err != nil {
			return translate(err)
		}
		defer conn.ExecContext(background, `PRAGMA `+p.name+` = `+old)
	}

	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return translate(err)
	}
	defer func() {
		if err != nil {
			conn.ExecContext(background, `ROLLBACK`)
			// Indexes dropped in a batch that was committed come back now; had this
			// failed too, the next Migrate would build them.
			if rerr := restoreDeferredIndexes(background, conn); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if err := fn(b); err != nil {
		return err
	}
	if err := b.flushComments(); err != nil {
		return err
	}
	if err := b.BuildDeferredIndexes(ctx); err != nil {
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
		prep(&b.slugTaken, `SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?1)
			OR EXISTS (SELECT 1 FROM slug_redirects WHERE old_slug = ?1)`),
	)
}

func (b *Bulk) closeStatements() {
	for _, s := range []*sql.Stmt{b.article, b.reference, b.articleTag, b.tag, b.tagID, b.slugTaken} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range b.commentStmts {
		s.Close()
	}
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
	if b.inTx < b.batch {
		return nil
	}
	b.inTx = 0
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.flushComments(); err != nil {
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

// bulkCommentRows is how many replies one INSERT writes. One statement for many rows
// pays the per-statement costs (the driver's, and the copy of each page it changes
// that SQLite keeps to undo the statement) once for all of them.
const bulkCommentRows = 64

// commentColumns are the columns a bulk reply sets, and commentValues its values:
// the arguments of AddComment, and an empty legacy email column.
const (
	commentColumns = `id, article_id, parent_id, author_name, author_email, author_email_enc, author_email_index,
		author_url, body, body_hash, status, user_agent, client_hash, client_prefix, held_reason, previous_status, user_id,
		created_at, updated_at`
	commentValues   = `(?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	commentArgCount = 18 // the ? in commentValues
)

// AddComment writes a reply with the ID it carries (from NextIDs). Its email is
// encrypted and indexed with the store's keys, as CreateComment does; it is never
// written in clear. Replies are written in groups: an error (model.ErrConflict if an
// ID is taken, model.ErrNotFound if an article or parent does not exist) may come from
// a later call, or from the end of BulkLoad.
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
	b.commentArgs = append(b.commentArgs, c.ID, c.ArticleID, c.ParentID, c.AuthorName,
		b.keys.Seal(c.AuthorEmail), index, c.AuthorURL, c.Body, BodyHash(c.Body), string(c.Status), c.UserAgent,
		c.ClientHash, c.ClientPrefix, c.HeldReason, string(c.PreviousStatus), c.UserID,
		c.CreatedAt.UTC(), c.UpdatedAt.UTC())
	if len(b.commentArgs) == bulkCommentRows*commentArgCount {
		if err := b.flushComments(); err != nil {
			return err
		}
	}
	return b.wrote(ctx, 1)
}

// flushComments inserts the replies waiting in commentArgs.
func (b *Bulk) flushComments() error {
	rows := len(b.commentArgs) / commentArgCount
	if rows == 0 {
		return nil
	}
	stmt, ok := b.commentStmts[rows]
	if !ok {
		// OR ROLLBACK: a broken row ends the whole batch anyway, and SQLite need not
		// keep what it would take to undo only this statement.
		q := "INSERT OR ROLLBACK INTO comments (" + commentColumns + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(commentValues+", ", rows), ", ")
		var err error
		if stmt, err = b.conn.PrepareContext(b.exec, q); err != nil {
			return fmt.Errorf("prepare bulk statement: %w", err)
		}
		if b.commentStmts == nil {
			b.commentStmts = map[int]*sql.Stmt{}
		}
		b.commentStmts[rows] = stmt
	}
	first := b.commentArgs[0]
	_, err := stmt.ExecContext(b.exec, b.commentArgs...)
	clear(b.commentArgs)
	b.commentArgs = b.commentArgs[:0]
	if err != nil {
		return fmt.Errorf("replies from ID %v: %w", first, translate(err))
	}
	return nil
}

// deferredIndexesMeta names the note, in site_meta, of the indexes a bulk load dropped
// and has not built again yet.
const deferredIndexesMeta = "bulk_load_deferred_indexes"

// deferredIndex is an index dropped for a bulk load, with the SQL that creates it.
type deferredIndex struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

// DeferReplyIndexes drops the indexes of the replies table until the load ends, when
// BulkLoad (or BuildDeferredIndexes) builds them again in one pass over the sorted
// rows. Replies are indexed on keyed hashes, which come in random order: updating such
// an index row by row costs several times more than building it at the end. Worth it
// only when the load adds more replies than the table holds. The drop is committed
// with a note of the indexes, so that if the load is killed the next Migrate rebuilds
// them. The primary key and unique constraints are kept.
func (b *Bulk) DeferReplyIndexes(ctx context.Context) error {
	if err := b.flushComments(); err != nil {
		return err
	}
	rows, err := b.conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return translate(err)
	}
	var list []deferredIndex
	for rows.Next() {
		var d deferredIndex
		if err := rows.Scan(&d.Name, &d.SQL); err != nil {
			rows.Close()
			return translate(err)
		}
		list = append(list, d)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return translate(err)
	}
	if len(list) == 0 {
		return nil
	}
	note, err := json.Marshal(append(b.deferred, list...))
	if err != nil {
		return err
	}
	if _, err := b.conn.ExecContext(ctx, `INSERT INTO site_meta (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, deferredIndexesMeta, string(note)); err != nil {
		return translate(err)
	}
	for _, d := range list {
		if _, err := b.conn.ExecContext(ctx, `DROP INDEX `+quoteIdent(d.Name)); err != nil {
			return translate(err)
		}
	}
	b.deferred = append(b.deferred, list...)
	return nil
}

// BuildDeferredIndexes builds the indexes DeferReplyIndexes dropped, in the open
// transaction, and forgets the note about them.
func (b *Bulk) BuildDeferredIndexes(ctx context.Context) error {
	if len(b.deferred) == 0 {
		return nil
	}
	if err := b.flushComments(); err != nil {
		return err
	}
	if err := buildIndexes(ctx, b.conn, b.deferred); err != nil {
		return err
	}
	b.deferred = nil
	return nil
}

// execer is a connection or a pool.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// buildIndexes creates the indexes in list that do not exist and deletes the note.
func buildIndexes(ctx context.Context, db execer, list []deferredIndex) error {
	for _, d := range list {
		var exists bool
		if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?)`,
			d.Name).Scan(&exists); err != nil {
			return translate(err)
		}
		if exists {
			continue
		}
		if _, err := db.ExecContext(ctx, d.SQL); err != nil {
			return fmt.Errorf("build index %s: %w", d.Name, translate(err))
		}
	}
	_, err := db.ExecContext(ctx, `DELETE FROM site_meta WHERE name = ?`, deferredIndexesMeta)
	return translate(err)
}

// restoreDeferredIndexes builds the indexes that a bulk load dropped and did not get
// to build again, in a transaction of its own.
func restoreDeferredIndexes(ctx context.Context, db interface {
	execer
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}) error {
	var note string
	err := db.QueryRowContext(ctx, `SELECT value FROM site_meta WHERE name = ?`, deferredIndexesMeta).Scan(&note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return translate(err)
	}
	var list []deferredIndex
	if err := json.Unmarshal([]byte(note), &list); err != nil {
		return fmt.Errorf("read the note of indexes to rebuild: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := buildIndexes(ctx, tx, list); err != nil {
		tx.Rollback()
		return err
	}
	return translate(tx.Commit())
}

// RestoreDeferredIndexes builds the indexes that a bulk load was killed before
// building again. Migrate calls it.
func (s *Store) RestoreDeferredIndexes(ctx context.Context) error {
	db, err := s.rawDB()
	if err != nil {
		return err
	}
	return restoreDeferredIndexes(ctx, db)
}

// quoteIdent quotes an SQL name.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
