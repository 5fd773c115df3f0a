package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/fascicle/fascicle/migrations"
)

// ErrSchemaTooNew means the database was migrated by a newer Fascicle than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this version of fascicle")

// SchemaVersion returns the version of the database's schema and the newest version
// this build knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// Migrate applies every migration the database lacks. It refuses a database whose
// schema is newer than this build, because running old code on it could lose data.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > known {
		return fmt.Errorf("%w: the database is at version %d, this build knows up to %d; run a newer fascicle", ErrSchemaTooNew, current, known)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// A bulk load ("fascicle seed") that was killed may have left indexes dropped.
	return s.RestoreDeferredIndexes(ctx)
}

func (s *Store) provider() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	if s.engine == Postgres {
		fsys, err := fs.Sub(migrations.Postgres, "postgres")
		if err != nil {
			return nil, err
		}
		// Several servers starting at once migrate one after the other: the first
		// applies what is missing, the others find nothing left to do.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		return goose.NewProvider(goose.DialectPostgres, sqlDB, fsys, goose.WithSessionLocker(locker))
	}
	fsys, err := fs.Sub(migrations.SQLite, "sqlite")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, sqlDB, fsys)
}
