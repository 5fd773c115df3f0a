// Package migrations holds the versioned SQL schema, applied by goose.
package migrations

import "embed"

// SQLite holds the migrations for the SQLite backend.
//
//go:embed sqlite/*.sql
var SQLite embed.FS
