package config_test

import (
	"io"
	"testing"

	"github.com/fascicle/fascicle/internal/config"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// Ensure defaults, then the environment, then flags decide the settings.
func TestLoad_Precedence(t *testing.T) {
	t.Parallel()
	cfg, rest, err := config.Load("serve", nil, env(nil), io.Discard)
	if err != nil || cfg.Addr != "127.0.0.1:8080" || cfg.DBPath != "./fascicle.db" || !cfg.Demo || len(cfg.TrustedProxies) != 0 || len(rest) != 0 {
		t.Fatalf("defaults: %+v %v %v", cfg, rest, err)
	}
	vars := map[string]string{
		"FASCICLE_ADDR": "0.0.0.0:9000", "FASCICLE_DB": "/var/lib/fascicle/site.db",
		"FASCICLE_BASE_URL": "https://health.example.org/", "FASCICLE_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
	}
	cfg, _, err = config.Load("serve", nil, env(vars), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "0.0.0.0:9000" || cfg.DBPath != "/var/lib/fascicle/site.db" || cfg.BaseURL != "https://health.example.org" ||
		len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1] != "192.168.0.0/16" || !cfg.Secure() || cfg.PublicURL() != "https://health.example.org" {
		t.Errorf("from environment: %+v", cfg)
	}
	cfg, _, err = config.Load("serve", []string{"--addr", "127.0.0.1:0", "--db", "flag.db"}, env(vars), io.Discard)
	if err != nil || cfg.Addr != "127.0.0.1:0" || cfg.DBPath != "flag.db" {
		t.Errorf("flags do not override the environment: %+v %v", cfg, err)
	}
	_, rest, err = config.Load("backup", []string{"--db", "x.db", "copy.db"}, env(nil), io.Discard)
	if err != nil || len(rest) != 1 || rest[0] != "copy.db" {
		t.Errorf("backup arguments = %v, %v", rest, err)
	}
}

// Ensure nonsense settings are refused with a message that names them.
func TestLoad_Invalid(t *testing.T) {
	t.Parallel()
	tests := map[string]map[string]string{
		"ErrAddr":         {"FASCICLE_ADDR": "8080"},
		"ErrBaseURL":      {"FASCICLE_BASE_URL": "example.org"},
		"ErrBaseURLPath":  {"FASCICLE_BASE_URL": "https://example.org/blog"},
		"ErrTrustedProxy": {"FASCICLE_TRUSTED_PROXIES": "everyone"},
		"ErrLogFormat":    {"FASCICLE_LOG_FORMAT": "xml"},
	}
	for name, vars := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, err := config.Load("serve", nil, env(vars), io.Discard); err == nil {
				t.Errorf("settings %v were accepted", vars)
			}
		})
	}
}

// Ensure "fascicle seed" reads its numbers, seed value and database, and refuses
// numbers that make no sense.
func TestLoadSeed(t *testing.T) {
	t.Parallel()
	cfg, f, rest, err := config.LoadSeed([]string{"--articles", "5", "--replies", "50", "--seed-value", "9"}, env(map[string]string{"FASCICLE_DB": "env.db"}), io.Discard, 6)
	if err != nil || cfg.DBPath != "env.db" || f.Articles != 5 || f.Replies != 50 || f.SeedValue != 9 || f.Batch != 50_000 || len(rest) != 0 {
		t.Errorf("LoadSeed = %+v %+v %v %v", cfg, f, rest, err)
	}
	if _, f, _, err := config.LoadSeed(nil, env(nil), io.Discard, 6); err != nil || f.SeedValue != 6 {
		t.Errorf("default seed value = %d, %v; want 6", f.SeedValue, err)
	}
	for name, args := range map[string][]string{
		"ErrNegative":         {"--replies", "-1"},
		"ErrRepliesNoArticle": {"--articles", "0", "--replies", "10"},
		"ErrBatch":            {"--batch", "0"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, _, err := config.LoadSeed(args, env(nil), io.Discard, 6); err == nil {
				t.Errorf("%v was accepted", args)
			}
		})
	}
}

// Ensure "export wordpress" takes the database and base URL from the environment or
// flags, --force, and exactly one file.
func TestLoadExport(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"FASCICLE_DB": "env.db", "FASCICLE_BASE_URL": "https://env.example"})
	cfg, file, force, err := config.LoadExport([]string{"--base-url", "https://flag.example/", "out.xml"}, vars, io.Discard)
	if err != nil || cfg.DBPath != "env.db" || cfg.BaseURL != "https://flag.example" || file != "out.xml" || force {
		t.Errorf("LoadExport = %q %q %q %v %v", cfg.DBPath, cfg.BaseURL, file, force, err)
	}
	if _, _, force, err := config.LoadExport([]string{"--db", "a.db", "--force", "out.xml"}, env(nil), io.Discard); err != nil || !force {
		t.Errorf("--force: %v, %v", force, err)
	}
	for name, args := range map[string][]string{
		"ErrNoFile":      {"--db", "a.db"},
		"ErrTwoFiles":    {"a.xml", "b.xml"},
		"ErrBadBaseURL":  {"--base-url", "ftp://x", "a.xml"},
		"ErrUnknownFlag": {"--as-drafts", "a.xml"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, _, err := config.LoadExport(args, env(nil), io.Discard); err == nil {
				t.Errorf("%v was accepted", args)
			}
		})
	}
}
