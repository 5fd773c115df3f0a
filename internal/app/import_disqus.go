package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// progressLineInterval is the least time between two progress lines of an import.
const progressLineInterval = 5 * time.Second

// ImportDisqus is the "fascicle import disqus" command: it imports the Disqus export
// in file into the database (made and migrated if new), in one transaction, matching
// threads through the map in mapFile (none when empty) and then through their links,
// and prints how far it has read now and then, and what it brought in, left out and
// warned about.
func ImportDisqus(ctx context.Context, cfg config.Config, file, mapFile string, stdout io.Writer) error {
	var opts importer.DisqusOptions
	if mapFile != "" {
		m, err := os.Open(mapFile)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		opts.Map, err = importer.ParseDisqusMap(m)
		m.Close()
		if err != nil {
			return fmt.Errorf("import: %s: %w", mapFile, err)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	var size int64
	if info, err := f.Stat(); err == nil {
		size = info.Size()
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
	fmt.Fprintf(stdout, "importing %s into %s\n", file, store.RedactURL(cfg.DBPath))
	var last time.Time
	start := time.Now()
	opts.Progress = func(p importer.Progress) {
		if now := time.Now(); p.Done || now.Sub(last) >= progressLineInterval {
			last = now
			fmt.Fprintf(stdout, "read %s: %d threads, %d posts (%s)\n", readSoFar(p.Bytes, size), p.Items, p.Comments,
				now.Sub(start).Round(time.Second))
		}
	}
	res, err := importer.New(st, &hasher).ImportDisqus(ctx, f, opts)
	var mapErr *importer.MapError
	if errors.As(err, &mapErr) {
		return fmt.Errorf("nothing was imported: %s: %w", mapFile, err)
	}
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
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
		fmt.Fprintf(stdout, "skipped, %s: %d posts\n", k, res.Skipped[k])
	}
	if res.Skipped[importer.SkippedUnmatchedThread] > 0 {
		fmt.Fprintln(stdout, "to bring in the posts of unmatched threads, list them in a map file (--map): a thread's link, then an address here")
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

// readSoFar says how much of a file of size bytes (0 when unknown) n is.
func readSoFar(n, size int64) string {
	if size <= 0 {
		return byteSize(n)
	}
	return fmt.Sprintf("%s of %s, %d%%", byteSize(n), byteSize(size), n*100/size)
}

// byteSize writes n bytes in kB or MB.
func byteSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
