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
	f, err := os.Open(imp.File)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if _, err := loadKeys(ctx, cfg, st); err != nil {
		return err
	}
	hasher, err := clientHasher(ctx, st, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "importing %s into %s\n", imp.File, store.RedactURL(cfg.DBPath))
	shown := newImportProgress(stdout, size)
	opts.Progress = shown.report
	res, err := importer.New(st, &hasher).ImportWordPress(ctx, f, opts)
	shown.finish()
	if errors.Is(err, context.Canceled) {
		return errors.New("the import was stopped before the end: nothing was imported (run it again to start over)")
	}
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	fmt.Fprintf(stdout, "articles %d, pages %d, new author accounts %d, new tags %d\n", res.Articles, res.Pages, res.Authors, res.Tags)
	fmt.Fprintf(stdout, "replies: %d approved, %d pending, %d spam, %d trash\n", res.Comments[model.CommentApproved],
		res.Comments[model.CommentPending], res.Comments[model.CommentSpam], res.Comments[model.CommentTrash])
	fmt.Fprintf(stdout, "old addresses kept, answering 301: %d\n", res.Redirects)
	if res.AlreadyImported > 0 {
		fmt.Fprintf(stdout, "already imported before, left as they are: %d\n", res.AlreadyImported)
	}
	kinds := make([]string, 0, len(res.Skipped))
	for k := range res.Skipped {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(stdout, "skipped %s: %d\n", k, res.Skipped[k])
	}
	for i, w := range res.Warnings {
		if i == maxWarningsShown {
			fmt.Fprintf(stdout, "… and %d more warnings\n", len(res.Warnings)-i)
			break
		}
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return nil
}
