package app

import (
	"context"
	"fmt"
	"io"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/seed"
	"github.com/fascicle/fascicle/internal/store"
)

// Seed is the "fascicle seed" command: it fills the database at cfg.DBPath (migrated
// first, and with its email key loaded as "serve" does) with generated articles and
// replies, printing progress and the rate to stdout. opts.ClientHash and
// opts.Progress are set here. Run it while no server writes to the database.
func Seed(ctx context.Context, cfg config.Config, opts seed.Options, stdout io.Writer) (seed.Result, error) {
	st, err := openWithKeys(ctx, cfg)
	if err != nil {
		return seed.Result{}, err
	}
	defer st.Close()
	// Generated replies carry client hashes made as the server makes them, so that
	// moderation treats them like replies that came over the network.
	clients, err := clientHasher(ctx, st, nil)
	if err != nil {
		return seed.Result{}, err
	}
	opts.ClientHash = clients.Hash
	opts.Progress = stdout
	fmt.Fprintf(stdout, "seeding %s with %d articles and %d replies (seed value %d)\n", store.RedactURL(cfg.DBPath), opts.Articles, opts.Replies, opts.Seed)
	res, err := seed.Run(ctx, st, opts)
	if err != nil {
		return res, err
	}
	// Fold the write-ahead log into the database, so that the server starts on a
	// clean file.
	return res, st.Checkpoint(ctx)
}
