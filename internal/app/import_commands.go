package app

import (
	"context"
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
// in file into the database (made and migrated if new), in one transaction, and prints
// what it brought in, left out and warned about. keepPublished says whether published
// posts stay published or come in as drafts.
func ImportWordPress(ctx context.Context, cfg config.Config, file string, keepPublished bool, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
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
	publish := importer.AsDrafts
	if keepPublished {
		publish = importer.KeepPublished
	}
	fmt.Fprintf(stdout, "importing %s into %s\n", file, store.RedactURL(cfg.DBPath))
	res, err := importer.New(st, &hasher).ImportWordPress(ctx, f, importer.Options{Publish: publish})
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	fmt.Fprintf(stdout, "articles %d, pages %d, new author accounts %d, new tags %d\n", res.Articles, res.Pages, res.Authors, res.Tags)
	fmt.Fprintf(stdout, "replies: %d approved, %d pending, %d spam, %d trash\n", res.Comments[model.CommentApproved],
		res.Comments[model.CommentPending], res.Comments[model.CommentSpam], res.Comments[model.CommentTrash])
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
