// Package config reads Fascicle's settings from defaults, the environment and flags,
// in that order, and checks them before anything starts.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything an administrator can set when starting Fascicle.
type Config struct {
	Addr           string   // where to listen, host:port
	DBPath         string   // the SQLite file
	BaseURL        string   // public address of the site, for absolute links; empty means "http://" + Addr
	TrustedProxies []string // addresses or CIDRs whose X-Forwarded-For is believed
	Demo           bool     // give a new database the demo article
	LogFormat      string   // "text" or "json"
	// SecretKey encrypts commenters' emails (base64 or hex, 32 bytes); empty means the
	// key file. Only from the environment: flags show in ps.
	SecretKey string
	// KeyFile holds the key when SecretKey is empty; empty means the file beside a
	// SQLite database (PostgreSQL has none: one of the two must be set).
	KeyFile string
	// MediaDir is where uploaded images are kept; empty means media/ beside a SQLite
	// database, or ./media with PostgreSQL.
	MediaDir string
	// NoPageCache turns off the cache of public pages (FASCICLE_PAGE_CACHE=off).
	NoPageCache bool
	// SMTPURL is the mail server, smtp://[user:pass@]host:port or smtps://…; empty
	// turns mail off. SMTP is SMTPURL read by Validate.
	SMTPURL string
	SMTP    *SMTP
	// MailFrom is the sender of the site's mail, "Name <address>"; MailFromName and
	// MailFromAddress are its parts, read by Validate.
	MailFrom                      string
	MailFromName, MailFromAddress string
	// MailPollInterval is how often the mail sender looks for work (a second when
	// 0); tests make it shorter.
	MailPollInterval time.Duration
}

// Usage of the flags every command has.
const (
	dbUsage      = "the database: a SQLite file, or a postgres://user:pass@host/name URL (FASCICLE_DB)"
	keyFileUsage = "file with the key that encrypts commenters' emails; default: the database's file name + .key (SQLite); required with PostgreSQL unless FASCICLE_SECRET_KEY is set (FASCICLE_KEY_FILE)"
)

// Default returns the settings used when nothing is set.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DBPath: "./fascicle.db", Demo: true, LogFormat: "text"}
}

// Load reads settings from getenv, then from the command-line args of the named
// command, which override the environment. It returns the arguments left after the
// flags, such as the file name of "backup FILE".
func Load(command string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	cfg := Default()
	if v := getenv("FASCICLE_ADDR"); v != "" {
		cfg.Addr = v
	}
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.BaseURL = getenv("FASCICLE_BASE_URL")
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	cfg.MediaDir = getenv("FASCICLE_MEDIA_DIR")
	cfg.NoPageCache = getenv("FASCICLE_PAGE_CACHE") == "off"
	cfg.SMTPURL = getenv("FASCICLE_SMTP_URL")
	cfg.MailFrom = getenv("FASCICLE_MAIL_FROM")
	proxies := getenv("FASCICLE_TRUSTED_PROXIES")
	if v := getenv("FASCICLE_LOG_FORMAT"); v != "" {
		cfg.LogFormat = v
	}

	fs := flag.NewFlagSet("fascicle "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	if command == "serve" {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (FASCICLE_ADDR)")
		fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public address of the site, e.g. https://example.org (FASCICLE_BASE_URL)")
		mailFlags(fs, &cfg)
		fs.StringVar(&cfg.MediaDir, "media-dir", cfg.MediaDir, "where uploaded images are kept; default: media/ beside a SQLite database, ./media with PostgreSQL; servers sharing a database need one shared folder (FASCICLE_MEDIA_DIR)")
		fs.StringVar(&proxies, "trusted-proxies", proxies, "comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed (FASCICLE_TRUSTED_PROXIES)")
		fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "give a new, empty database the demo article")
		fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "request log format: text or json (FASCICLE_LOG_FORMAT)")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	cfg.TrustedProxies = splitList(proxies)
	return cfg, fs.Args(), cfg.Validate()
}

// Validate checks that the settings make sense together.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("address %q: want host:port, such as 127.0.0.1:8080", c.Addr))
	}
	if strings.TrimSpace(c.DBPath) == "" {
		errs = append(errs, errors.New("database path is empty"))
	}
	if c.Postgres() && c.SecretKey == "" && c.KeyFile == "" {
		errs = append(errs, errors.New("with a PostgreSQL database, set FASCICLE_SECRET_KEY or --key-file FILE: the key that encrypts commenters' emails is not kept in the database, and there is no file beside it"))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("base URL %q: want http(s)://host[:port] with no path", c.BaseURL))
		} else {
			c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
		}
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			errs = append(errs, fmt.Errorf("trusted proxy %q: want an IP address or CIDR", p))
		}
	}
	errs = append(errs, c.validateMail())
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: want text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// Postgres reports whether the database is PostgreSQL (a postgres:// URL).
func (c *Config) Postgres() bool {
	return strings.HasPrefix(c.DBPath, "postgres://") || strings.HasPrefix(c.DBPath, "postgresql://")
}

// Media returns the folder of uploaded images.
func (c *Config) Media() string {
	switch {
	case c.MediaDir != "":
		return c.MediaDir
	case c.Postgres():
		return "media"
	}
	return filepath.Join(filepath.Dir(c.DBPath), "media")
}

// PublicURL returns the address readers use to reach the site, without a final slash.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.Addr
}

// Secure reports whether the site is served over HTTPS, so cookies must be Secure.
func (c *Config) Secure() bool {
	return strings.HasPrefix(c.BaseURL, "https://")
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// UserFields are the flags of "fascicle user add".
type UserFields struct {
	Email, Name, Role string
	Credentials       string // optional, e.g. "MD, neurologist"
}

// LoadUserAdd reads the settings and flags of "fascicle user add".
func LoadUserAdd(args []string, getenv func(string) string, stderr io.Writer) (Config, UserFields, []string, error) {
	cfg := Default()
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	var u UserFields
	fs := flag.NewFlagSet("fascicle user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	fs.StringVar(&u.Email, "email", "", "the account's email, used to sign in")
	fs.StringVar(&u.Name, "name", "", "the account's name, as shown to readers on staff replies")
	fs.StringVar(&u.Role, "role", "", "admin, editor, author, reviewer or moderator")
	fs.StringVar(&u.Credentials, "credentials", "", `optional, shown beside the name on articles and the profile, e.g. "MD, neurologist"`)
	if err := fs.Parse(args); err != nil {
		return cfg, u, nil, err
	}
	return cfg, u, fs.Args(), cfg.Validate()
}

// LoadUserCommand reads the settings and flags of the "fascicle user" commands that
// name an existing account, or list them: --db, and --email unless sub is "list".
func LoadUserCommand(sub string, args []string, getenv func(string) string, stderr io.Writer) (Config, string, []string, error) {
	cfg := Default()
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	var email string
	fs := flag.NewFlagSet("fascicle user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	if sub != "list" {
		fs.StringVar(&email, "email", "", "the email the account signs in with")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, "", nil, err
	}
	if sub != "list" && strings.TrimSpace(email) == "" {
		return cfg, "", nil, fmt.Errorf("user %s: --email is required", sub)
	}
	return cfg, email, fs.Args(), cfg.Validate()
}

// SeedFields are the flags of "fascicle seed".
type SeedFields struct {
	Articles, Replies int
	SeedValue         uint64
	Batch             int
}

// LoadSeed reads the settings and flags of "fascicle seed". defaultSeed is the random
// seed used when --seed-value is not given.
func LoadSeed(args []string, getenv func(string) string, stderr io.Writer, defaultSeed uint64) (Config, SeedFields, []string, error) {
	cfg := Default()
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	f := SeedFields{Articles: 1000, Replies: 10_000, SeedValue: defaultSeed}
	fs := flag.NewFlagSet("fascicle seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	fs.IntVar(&f.Articles, "articles", f.Articles, "number of articles to generate")
	fs.IntVar(&f.Replies, "replies", f.Replies, "number of replies to generate, spread over the articles")
	fs.Uint64Var(&f.SeedValue, "seed-value", f.SeedValue, "random seed: the same seed gives the same content")
	fs.IntVar(&f.Batch, "batch", 50_000, "rows written per transaction")
	if err := fs.Parse(args); err != nil {
		return cfg, f, nil, err
	}
	var errs []error
	if f.Articles < 0 || f.Replies < 0 {
		errs = append(errs, errors.New("--articles and --replies cannot be negative"))
	}
	if f.Replies > 0 && f.Articles == 0 {
		errs = append(errs, errors.New("--replies needs at least one article (--articles)"))
	}
	if f.Batch < 1 {
		errs = append(errs, errors.New("--batch must be at least 1"))
	}
	errs = append(errs, cfg.Validate())
	return cfg, f, fs.Args(), errors.Join(errs...)
}

// LoadCopy reads the settings and flags of "fascicle copy": the source (--from) and
// the target (--to), each a SQLite file or a postgres:// URL, and the source's key
// (FASCICLE_SECRET_KEY or --key-file; beside a SQLite source by default).
func LoadCopy(args []string, getenv func(string) string, stderr io.Writer) (from, to Config, err error) {
	from = Default()
	from.SecretKey = getenv("FASCICLE_SECRET_KEY")
	from.KeyFile = getenv("FASCICLE_KEY_FILE")
	from.DBPath = ""
	var target string
	fs := flag.NewFlagSet("fascicle copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&from.DBPath, "from", "", "the database to copy: a SQLite file or a postgres:// URL")
	fs.StringVar(&target, "to", "", "the new, empty database to copy it into: a SQLite file or a postgres:// URL")
	fs.StringVar(&from.KeyFile, "key-file", from.KeyFile, keyFileUsage)
	if err := fs.Parse(args); err != nil {
		return from, to, err
	}
	if fs.NArg() > 0 {
		return from, to, fmt.Errorf("copy takes no arguments, got %q", fs.Args())
	}
	if from.DBPath == "" || target == "" {
		return from, to, errors.New("usage: fascicle copy --from DATABASE --to NEW-DATABASE (each a SQLite file or a postgres:// URL)")
	}
	if from.DBPath == target {
		return from, to, errors.New("copy: --from and --to are the same database")
	}
	to = from
	to.DBPath, to.KeyFile = target, ""
	if err := from.Validate(); err != nil {
		return from, to, err
	}
	return from, to, nil
}

// Import is what "fascicle import wordpress" is asked to do.
type Import struct {
	File string
	// KeepPublished says whether published posts stay published (--keep-published)
	// or come in as drafts (--as-drafts); one of the two is required.
	KeepPublished bool
	AuthorMap     string // --author-map: a file of LOGIN,EMAIL lines, or ""
}

// LoadImport reads the settings and flags of "fascicle import wordpress": the
// database, its key, the publish choice, the author map and the file.
func LoadImport(args []string, getenv func(string) string, stderr io.Writer) (cfg Config, imp Import, err error) {
	cfg = Default()
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	var keep, drafts bool
	fs := flag.NewFlagSet("fascicle import wordpress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	fs.BoolVar(&keep, "keep-published", false, "published posts stay published here, before a review on this site")
	fs.BoolVar(&drafts, "as-drafts", false, "published posts come in as drafts, to be reviewed and published here")
	fs.StringVar(&imp.AuthorMap, "author-map", "", "a CSV `file` of LOGIN,EMAIL lines: each WordPress author's work goes to the account here with that email")
	if err := fs.Parse(args); err != nil {
		return cfg, imp, err
	}
	if fs.NArg() != 1 {
		return cfg, imp, errors.New("usage: fascicle import wordpress (--keep-published | --as-drafts) [--author-map FILE] [--db DATABASE] FILE.xml")
	}
	if keep == drafts {
		return cfg, imp, errors.New("import wordpress: choose --keep-published (published posts stay published) or --as-drafts (they wait for a review here)")
	}
	imp.File, imp.KeepPublished = fs.Arg(0), keep
	return cfg, imp, cfg.Validate()
}

// LoadExport reads the settings and flags of "fascicle export wordpress": the
// database, its key, the site's public address for the export's links, whether an
// existing file may be replaced (--force), and the file.
func LoadExport(args []string, getenv func(string) string, stderr io.Writer) (cfg Config, file string, force bool, err error) {
	cfg = Default()
	if v := getenv("FASCICLE_DB"); v != "" {
		cfg.DBPath = v
	}
	cfg.BaseURL = getenv("FASCICLE_BASE_URL")
	cfg.SecretKey = getenv("FASCICLE_SECRET_KEY")
	cfg.KeyFile = getenv("FASCICLE_KEY_FILE")
	fs := flag.NewFlagSet("fascicle export wordpress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, dbUsage)
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile, keyFileUsage)
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public address of the site, for the links of the export, e.g. https://example.org (FASCICLE_BASE_URL)")
	fs.BoolVar(&force, "force", false, "replace FILE if it exists")
	if err := fs.Parse(args); err != nil {
		return cfg, "", false, err
	}
	if fs.NArg() != 1 {
		return cfg, "", false, errors.New("usage: fascicle export wordpress [--db DATABASE] [--base-url URL] [--force] FILE.xml")
	}
	return cfg, fs.Arg(0), force, cfg.Validate()
}
