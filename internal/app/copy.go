package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/store"
)

// Copy is the "fascicle copy" command: it moves a whole site from one database to a
// new, empty one, either engine to either, keeping every ID, in one transaction on the
// target, and prints each table's rows as it goes. The emails stay sealed under the
// source's key, which must be at hand (and is checked) so that the copy stays
// readable: a SQLite target gets it in its key file; a PostgreSQL target must be
// served with it (FASCICLE_SECRET_KEY or --key-file). Stop the servers of the source
// first: what they write during the copy is not copied.
func Copy(ctx context.Context, from, to config.Config, stdout io.Writer) error {
	if !from.Postgres() {
		if _, err := os.Stat(from.DBPath); err != nil {
			return fmt.Errorf("no database at %s", from.DBPath)
		}
	}
	src, err := store.Open(from.DBPath)
	if err != nil {
		return err
	}
	defer src.Close()
	recorded, err := src.KeyRecorded(ctx)
	if err != nil {
		return err
	}
	var keyText string
	if recorded {
		keys, err := loadKeys(ctx, from, src)
		if err != nil {
			return err
		}
		keyText = encodeKey(keys)
	}
	if !to.Postgres() {
		if _, err := os.Stat(to.DBPath); err == nil {
			return fmt.Errorf("%s already exists: copy into a new file", to.DBPath)
		}
	}
	dst, err := store.Open(to.DBPath)
	if err != nil {
		return err
	}
	defer dst.Close()
	fmt.Fprintf(stdout, "copying %s to %s\n", store.RedactURL(from.DBPath), store.RedactURL(to.DBPath))
	counts, err := store.Copy(ctx, src, dst, func(table string, rows int) {
		fmt.Fprintf(stdout, "  %-20s %d rows\n", table, rows)
	})
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	fmt.Fprintf(stdout, "copied %d rows in %d tables\n", total, len(counts))
	if keyText == "" {
		return nil
	}
	if to.Postgres() {
		fmt.Fprintf(stdout, "Serve the copy with the source's key: FASCICLE_SECRET_KEY, or --key-file %s\n", KeyFile(from))
		return nil
	}
	keyFile := KeyFile(to)
	if err := writeKeyText(keyFile, keyText); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("the copy is written, but %s exists already: put the source's key there", keyFile)
		}
		return fmt.Errorf("the copy is written, but its key could not be: %w", err)
	}
	fmt.Fprintf(stdout, "wrote the key to %s\n", keyFile)
	return nil
}
