package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
)

// DefaultBatch is how many rows a bulk load writes per transaction: large enough
// that the cost of a commit (and its fsync) disappears, small enough that the
// write-ahead log stays a few tens of megabytes.
const DefaultBatch = 50_000

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
// transactions on one connection of the store (store.BulkConn), bypassing GORM: Run
// fills a database with a million replies in seconds this way. Rows carry their own IDs (from
// NextIDs), so that content can be generated ahead of the writer and a reply can name
// its parent before either is written. Emails are encrypted with the store's keys,
// exactly as CreateComment does; the full-text index follows the articles through its
// triggers. It is meant for a database no server is writing to: a reply saved by a
// running server could take an ID the load was about to use.
type Bulk struct {
	st   *store.Store
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

	tagIDs     map[string]int64  // tag slug → id
	emailIndex map[string]string // email → blind index, computed once per commenter
}

// BulkLoad runs fn with a Bulk on st that commits every batch rows (DefaultBatch when
// batch ≤ 0) and once more when fn returns, after building any index it deferred. If
// fn or a write fails, the open batch is rolled back, deferred indexes are built
// again, and the batches committed before stay. The store's keys must be in use
// (store.ErrNoKeys otherwise).
func BulkLoad(ctx context.Context, st *store.Store, batch int, fn func(b *Bulk) error) error {
	if batch <= 0 {
		batch = DefaultBatch
	}
	return st.BulkConn(ctx, func(conn *sql.Conn, keys *secret.Keys) (err error) {
		background := context.WithoutCancel(ctx) // for clean-up after ctx ends
		b := &Bulk{st: st, conn: conn, exec: background, keys: keys, batch: batch, tagIDs: map[string]int64{}, emailIndex: map[string]string{}}
		defer b.closeStatements()
		if err := b.prepare(ctx); err != nil {
			return err
		}
		for _, p := range bulkPragmas {
			if st.Engine() == store.Postgres {
				break // PostgreSQL's settings are the server's
			}
			var old string
			if err := conn.QueryRowContext(ctx, `PRAGMA `+p.name).Scan(&old); err != nil {
				return store.Translate(err)
			}
			if _, err := conn.ExecContext(ctx, `PRAGMA `+p.name+` = `+p.value); err != nil {
				return store.Translate(err)
			}
			defer conn.ExecContext(background, `PRAGMA `+p.name+` = `+old)
		}

		if err := b.begin(ctx); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				conn.ExecContext(background, `ROLLBACK`)
				// Indexes dropped in a batch that was committed come back now; had this
				// failed too, the next Migrate would build them.
				if rerr := st.RestoreDeferredIndexes(background); rerr != nil {
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
		// The rows carry their own IDs: new rows made later must start after them.
		if err := st.ResetIDs(ctx, conn, "articles", "comments"); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, `COMMIT`)
		return store.Translate(err)
	})
}

func (b *Bulk) prepare(ctx context.Context) error {
	prep := func(dst **sql.Stmt, query string) error {
		if *dst != nil {
			return nil
		}
		stmt, err := b.conn.PrepareContext(ctx, store.Rebind(b.st.Engine(), query))
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
	err = b.conn.QueryRowContext(ctx, `SELECT (SELECT COALESCE(max(id), 0) + 1 FROM articles) AS article,
		(SELECT COALESCE(max(id), 0) + 1 FROM comments)`).Scan(&article, &comment)
	return article, comment, store.Translate(err)
}

// SlugTaken reports whether slug is the address of an article, now or as an old
// address that redirects.
func (b *Bulk) SlugTaken(ctx context.Context, slug string) (bool, error) {
	var taken bool
	err := b.slugTaken.QueryRowContext(b.exec, slug).Scan(&taken)
	return taken, store.Translate(err)
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
		return store.Translate(err)
	}
	return b.begin(ctx)
}

// begin opens the next batch's transaction, holding the write lock from its start.
func (b *Bulk) begin(ctx context.Context) error {
	if b.st.Engine() == store.Postgres {
		if _, err := b.conn.ExecContext(ctx, `BEGIN`); err != nil {
			return store.Translate(err)
		}
		return b.st.LockForWrite(ctx, b.conn)
	}
	_, err := b.conn.ExecContext(ctx, `BEGIN IMMEDIATE`)
	return store.Translate(err)
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
		a.ReviewerName, a.ReviewerCredentials, utc(a.ReviewedAt), utc(a.PublishedAt), a.CommentsOpen,
		a.CreatedAt.UTC(), a.UpdatedAt.UTC(), a.Version, utc(a.ScheduledAt), utc(a.NextReviewAt),
		a.CorrectionNote, a.ReviewerID); err != nil {
		return store.Translate(err)
	}
	for i := range a.References {
		ref := &a.References[i]
		ref.ArticleID, ref.Position = a.ID, i+1
		if _, err := b.reference.ExecContext(b.exec, a.ID, ref.Position, ref.Title, ref.URL, ref.Publisher, ref.DOI, ref.PMID); err != nil {
			return store.Translate(err)
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
			return store.Translate(err)
		}
	}
	return b.wrote(ctx, 1+len(a.References)+len(a.Tags))
}

func (b *Bulk) tagIDFor(ctx context.Context, t *model.Tag) (int64, error) {
	if id, ok := b.tagIDs[t.Slug]; ok {
		return id, nil
	}
	if _, err := b.tag.ExecContext(b.exec, t.Slug, t.Name); err != nil {
		return 0, store.Translate(err)
	}
	var id int64
	if err := b.tagID.QueryRowContext(b.exec, t.Slug).Scan(&id); err != nil {
		return 0, store.Translate(err)
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
	// A reply without an email (a staff member's) gets no ciphertext and an empty index,
	// as CreateComment stores it.
	var sealed []byte
	index := ""
	if c.AuthorEmail != "" {
		var ok bool
		if index, ok = b.emailIndex[c.AuthorEmail]; !ok {
			if len(b.emailIndex) >= maxCachedIndexes {
				clear(b.emailIndex)
			}
			index = b.keys.EmailIndex(c.AuthorEmail)
			b.emailIndex[c.AuthorEmail] = index
		}
		sealed = b.keys.Seal(c.AuthorEmail)
	}
	c.EmailIndex = index
	b.commentArgs = append(b.commentArgs, c.ID, c.ArticleID, c.ParentID, c.AuthorName,
		sealed, index, c.AuthorURL, c.Body, store.BodyHash(c.Body), string(c.Status), c.UserAgent,
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
		insert := "INSERT OR ROLLBACK INTO"
		if b.st.Engine() == store.Postgres {
			insert = "INSERT INTO" // a failed statement ends the transaction there anyway
		}
		q := insert + " comments (" + commentColumns + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(commentValues+", ", rows), ", ")
		var err error
		if stmt, err = b.conn.PrepareContext(b.exec, store.Rebind(b.st.Engine(), q)); err != nil {
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
		return fmt.Errorf("replies from ID %v: %w", first, store.Translate(err))
	}
	return nil
}

// DeferReplyIndexes drops the indexes of the replies table until the load ends, when
// BulkLoad (or BuildDeferredIndexes) builds them again in one pass over the sorted
// rows. Replies are indexed on keyed hashes, which come in random order: updating such
// an index row by row costs several times more than building it at the end. Worth it
// only when the load adds more replies than the table holds. The drop is committed
// with a note of the indexes, so that if the load is killed the next Migrate rebuilds
// them (see store.DeferIndexes). The primary key and unique constraints are kept.
func (b *Bulk) DeferReplyIndexes(ctx context.Context) error {
	if err := b.flushComments(); err != nil {
		return err
	}
	_, err := b.st.DeferIndexes(ctx, b.conn, "comments")
	return err
}

// BuildDeferredIndexes builds the indexes DeferReplyIndexes dropped, in the open
// transaction, and forgets the note about them.
func (b *Bulk) BuildDeferredIndexes(ctx context.Context) error {
	if err := b.flushComments(); err != nil {
		return err
	}
	return b.st.BuildDeferredIndexes(ctx, b.conn)
}

// utc returns t in UTC, or nil.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
