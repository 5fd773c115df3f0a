package config_test

import (
	"io"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/config"
)

// Ensure "import disqus" takes the database from the environment or --db, an
// optional --map and exactly one file.
func TestLoadImportDisqus(t *testing.T) {
	t.Parallel()
	cfg, mapFile, file, err := config.LoadImportDisqus([]string{"--map", "threads.txt", "export.xml"},
		env(map[string]string{"FASCICLE_DB": "env.db"}), io.Discard)
	if err != nil || cfg.DBPath != "env.db" || mapFile != "threads.txt" || file != "export.xml" {
		t.Errorf("got %q, %q, %q, %v", cfg.DBPath, mapFile, file, err)
	}
	cfg, mapFile, _, err = config.LoadImportDisqus([]string{"--db", "flag.db", "export.xml"}, env(nil), io.Discard)
	if err != nil || cfg.DBPath != "flag.db" || mapFile != "" {
		t.Errorf("got %q, %q, %v", cfg.DBPath, mapFile, err)
	}
	for _, args := range [][]string{nil, {"a.xml", "b.xml"}, {"--map"}} {
		if _, _, _, err := config.LoadImportDisqus(args, env(nil), io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		} else if len(args) != 1 && !strings.Contains(err.Error(), "usage: fascicle import disqus") {
			t.Errorf("%q: %v", args, err)
		}
	}
}
