package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Ensure "migrate" creates an up-to-date database and "backup" copies it, refusing to
// overwrite an existing file.
func TestRun_MigrateAndBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--db", db}, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errOut.String())
	}
	if !regexp.MustCompile(`site\.db is at schema version [1-9][0-9]*\n`).MatchString(out.String()) {
		t.Errorf("migrate printed %q", out.String())
	}
	backup := filepath.Join(dir, "copy.db")
	if err := run(context.Background(), []string{"backup", "--db", db, backup}, &out, &errOut); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatalf("no backup file: %v", err)
	}
	if err := run(context.Background(), []string{"backup", "--db", db, backup}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second backup to the same file: err = %v", err)
	}
	if err := run(context.Background(), []string{"backup", "--db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")}, &out, &errOut); err == nil {
		t.Error("backup of a missing database succeeded")
	}
}

// Ensure unknown commands and stray arguments are refused with usage.
func TestRun_BadArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"frobnicate"}, {"serve", "extra"}, {"backup"}, {"--no-such-flag"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
