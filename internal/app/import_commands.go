package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/store"
)

// maxWarningsShown is how many of an import's warnings the command prints.
const maxWarningsShown = 20

// ImportWordPress is the "fascicle import wordpress" command: it imports the export
// imp.File into the database (made and migrated if new), in one transaction, showing
// its progress, and prints what it brought in, left out and warned about.
func ImportWordPress(ctx context.Context, cfg config.Config, imp config.Import, stdout io.Writer) error {
	opts := importer.Options{Publish: importer.AsDrafts}
	if imp.KeepPublished {
		opts.Publish = importer.KeepPublished
	}
	if imp.AuthorMap != "" {
		m, err := os.Open(imp.AuthorMap)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		opts.AuthorMap, err = importer.ParseAuthorMap(m)
		m.Close()
		if err != nil {
			return fmt.Errorf("import: %s: %w", imp.AuthorMap, err)
		}
	}
	run, err := startImport(ctx, cfg, imp.File, stdout, "items", "replies")
	if err != nil {
		return err
	}
	defer run.close()
	opts.Progress = run.progress.report
	res, err := importer.New(run.st, &run.hasher).ImportWordPress(ctx, run.file, opts)
	if err := run.finish(err); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "articles %d, pages %d, new author accounts %d, new tags %d\n", res.Articles, res.Pages, res.Authors, res.Tags)
	printReplies(stdout, res)
	fmt.Fprintf(stdout, "old addresses kept, answering 301: %d\n", res.Redirects)
	printLeftOut(stdout, res)
	return nil
}

// importRun is what the import commands share: the file, the database (made if new,
// migrated, with its keys loaded) and the client hasher of imported replies, and the
// progress shown while the import reads.
type importRun struct {
	file     *os.File
	st       *store.Store
	hasher   moderation.ClientHasher
	progress *importProgress
}

// startImport opens file and the database of cfg for an import; items and replies
// name what the progress counts.
func startImport(ctx context.Context, cfg config.Config, file string, stdout io.Writer, items, replies string) (*importRun, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	st, err := openWithKeys(ctx, cfg)
	if err != nil {
		f.Close()
		return nil, err
	}
	run := &importRun{file: f, st: st}
	if run.hasher, err = clientHasher(ctx, st, slog.New(slog.DiscardHandler)); err != nil {
		run.close()
		return nil, err
	}
	fmt.Fprintf(stdout, "importing %s into %s\n", file, store.RedactURL(cfg.DBPath))
	run.progress = newImportProgress(stdout, size, items, replies)
	return run, nil
}

func (r *importRun) close() {
	r.st.Close()
	r.file.Close()
}

// finish ends the progress shown and turns the import's error into the command's.
func (r *importRun) finish(err error) error {
	if r.progress != nil {
		r.progress.finish()
	}
	switch {
	case errors.Is(err, context.Canceled):
		return errors.New("the import was stopped before the end: nothing was imported (run it again to start over)")
	case err != nil:
		return fmt.Errorf("nothing was imported: %w", err)
	}
	return nil
}

// printReplies prints the replies an import brought in, by status.
func printReplies(w io.Writer, res importer.Result) {
	fmt.Fprintf(w, "replies: %d approved, %d pending, %d spam, %d trash\n", res.Comments[model.CommentApproved],
		res.Comments[model.CommentPending], res.Comments[model.CommentSpam], res.Comments[model.CommentTrash])
}

// printLeftOut prints what an import found already imported and what it skipped, by
// kind, and its first warnings.
func printLeftOut(w io.Writer, res importer.Result) {
	if res.AlreadyImported > 0 {
		fmt.Fprintf(w, "already imported before, left as they are: %d\n", res.AlreadyImported)
	}
	kinds := make([]string, 0, len(res.Skipped))
	for k := range res.Skipped {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "skipped %s: %d\n", k, res.Skipped[k])
	}
	if res.Skipped[importer.SkippedUnmatchedThread] > 0 {
		fmt.Fprintln(w, "to bring in the posts of unmatched threads, list them in a map file (--map): a thread's link, then an address here")
	}
	for i, warning := range res.Warnings {
		if i == maxWarningsShown {
			fmt.Fprintf(w, "… and %d more warnings\n", len(res.Warnings)-i)
			break
		}
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
}
