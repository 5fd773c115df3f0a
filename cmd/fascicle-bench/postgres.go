package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// pgDatabases creates the benchmark's two databases (the large one and the demo one)
// on the PostgreSQL server at serverURL, and returns their URLs and a function that
// drops them.
func pgDatabases(ctx context.Context, serverURL string) (big, demo string, drop func(), err error) {
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	suffix := hex.EncodeToString(b)
	names := []string{"fascicle_bench_big_" + suffix, "fascicle_bench_demo_" + suffix}
	drop = func() {
		for _, name := range names {
			admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		}
		admin.Close()
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		admin.Close()
		return "", "", nil, fmt.Errorf("--postgres: %w", err)
	}
	var urls []string
	for _, name := range names {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			drop()
			return "", "", nil, fmt.Errorf("create the database %s: %w", name, err)
		}
		u.Path = "/" + name
		urls = append(urls, u.String())
	}
	return urls[0], urls[1], drop, nil
}

// pgSize returns the size of the PostgreSQL database at dbURL, in bytes.
func pgSize(ctx context.Context, dbURL string) int64 {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return 0
	}
	defer db.Close()
	var n int64
	db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n
}

// newKeySetting returns FASCICLE_SECRET_KEY set to a new key: on PostgreSQL, the
// seed and every server must share one.
func newKeySetting() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "FASCICLE_SECRET_KEY=" + base64.StdEncoding.EncodeToString(b)
}
