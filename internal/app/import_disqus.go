package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/importer"
)

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
	run, err := startImport(ctx, cfg, file, stdout, "threads", "posts")
	if err != nil {
		return err
	}
	defer run.close()
	opts.Progress = run.progress.report
	res, err := importer.New(run.st, &run.hasher).ImportDisqus(ctx, run.file, opts)
	if mapErr := (*importer.MapError)(nil); errors.As(err, &mapErr) {
		err = fmt.Errorf("%s: %w", mapFile, err)
	}
	if err := run.finish(err); err != nil {
		return err
	}
	printReplies(stdout, res)
	printLeftOut(stdout, res)
	return nil
}
