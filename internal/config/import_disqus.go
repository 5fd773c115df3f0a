package config

import (
	"errors"
	"flag"
	"io"
)

// LoadImportDisqus reads the settings and flags of "fascicle import disqus": the
// database, its key, the thread map (--map, optional) and the file.
func LoadImportDisqus(args []string, getenv func(string) string, stderr io.Writer) (cfg Config, mapFile, file string, err error) {
	cfg = Default()
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	fs := flag.NewFlagSet("fascicle import disqus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	fs.StringVar(&mapFile, "map", "", "file matching Disqus threads to articles here: on each line, a thread's link or dsq:id, then an address or slug here; # starts a comment")
	if err := fs.Parse(args); err != nil {
		return cfg, "", "", err
	}
	if fs.NArg() != 1 {
		return cfg, "", "", errors.New("usage: fascicle import disqus [--map FILE] [--db DATABASE] FILE.xml")
	}
	return cfg, mapFile, fs.Arg(0), cfg.Validate()
}
