// Package migrations holds the versioned SQL schema, applied by goose: the same
// versions, tables and columns for each database engine.
package migrations

import "embed"

// SQLite holds the migrations for the SQLite backend.
//
//go:embed sqlite/*.sql
var SQLite embed.FS

// Postgres holds the migrations for the PostgreSQL backend.
//
//go:embed postgres/*.sql
var Postgres embed.FS
