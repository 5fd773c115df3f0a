// Command fascicle serves health articles with reader replies from one SQLite file.
//
//	fascicle [serve] [--addr 127.0.0.1:8080] [--db ./fascicle.db]
//	fascicle migrate [--db FILE]
//	fascicle backup [--db FILE] BACKUP-FILE
//	fascicle rotate-key [--db FILE]
//	fascicle user add --email E --name N --role R [--credentials C] [--db FILE] < password
//	fascicle user list [--db FILE]
//	fascicle user set-password --email E [--db FILE] < password
//	fascicle user disable|enable --email E [--db FILE]
//	fascicle user reset-2fa --email E [--db FILE]
//	fascicle seed [--articles N] [--replies M] [--seed-value S] [--db FILE]
//	fascicle import wordpress (--keep-published | --as-drafts) [--author-map FILE] [--db FILE] EXPORT.xml
//	fascicle export wordpress [--db FILE] [--base-url URL] [--force] FILE.xml
//	fascicle import disqus [--map FILE] [--db FILE] EXPORT.xml
//	fascicle copy --from DATABASE --to NEW-DATABASE [--key-file FILE]
//	fascicle mail test --to ADDRESS [--smtp-url URL] [--mail-from "Name <address>"]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/seed"
)

const usage = `Usage:
  fascicle [serve] [--addr 127.0.0.1:8080] [--db ./fascicle.db]   serve the site
  fascicle migrate [--db FILE]                                    bring the schema up to date
  fascicle backup [--db FILE] BACKUP-FILE                          copy the live database
  fascicle rotate-key [--db FILE]                                  re-encrypt commenters' emails
                                                                  under a new key (server stopped)
  fascicle user add --email E --name N --role R [--credentials C] [--db FILE]
                                                                  add a staff account; the
                                                                  password is read from stdin
  fascicle user list [--db FILE]                                  list the staff accounts
  fascicle user set-password --email E [--db FILE]                set an account's password (from
                                                                  stdin) and end its sessions
  fascicle user disable --email E [--db FILE]                     sign an account out and refuse
                                                                  its sign-ins; its work stays
  fascicle user enable --email E [--db FILE]                      let a disabled account sign in
  fascicle user reset-2fa --email E [--db FILE]                   turn off an account's two-step
                                                                  sign-in, for someone who lost
                                                                  their phone and recovery codes
  fascicle seed --articles N --replies M [--seed-value S] [--db FILE]
                                                                  fill the database with generated
                                                                  articles and replies, for load tests
  fascicle import wordpress (--keep-published | --as-drafts) [--author-map FILE] [--db FILE] EXPORT.xml
                                                                  bring in a WordPress site's posts, pages,
                                                                  authors, tags and comments
  fascicle export wordpress [--db FILE] [--base-url URL] [--force] FILE.xml
                                                                  write the whole site as a WordPress
                                                                  export (WXR 1.2), replies' emails in
                                                                  clear: FILE is made readable by its
                                                                  owner only; an existing FILE is
                                                                  replaced only with --force
  fascicle import disqus [--map FILE] [--db FILE] EXPORT.xml      bring in a Disqus export's comments on
                                                                  the articles their threads' links (or
                                                                  the map's lines) lead to
  fascicle copy --from DATABASE --to NEW-DATABASE [--key-file FILE]
                                                                  move a whole site into a new, empty
                                                                  database (SQLite or PostgreSQL, either way)
  fascicle mail test --to ADDRESS [--smtp-url URL] [--mail-from "Name <address>"]
                                                                  send one message through the mail
                                                                  server and show its answer

Run "fascicle COMMAND --help" for the options of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fascicle:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	command := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-') {
		command, args = args[0], args[1:]
	}
	switch command {
	case "serve", "migrate", "backup", "rotate-key":
	case "user":
		return userCommand(ctx, args, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, stdout, stderr)
	case "import":
		// An import of a large site allocates fast for minutes: the same soft limit as
		// the server keeps the collector from falling behind on a busy machine.
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(app.DefaultMemoryLimit)
		}
		if len(args) > 0 && args[0] == "disqus" {
			cfg, mapFile, file, err := config.LoadImportDisqus(args[1:], os.Getenv, stderr)
			if err != nil {
				return err
			}
			return app.ImportDisqus(ctx, cfg, file, mapFile, stdout)
		}
		if len(args) == 0 || args[0] != "wordpress" {
			return errors.New("usage: fascicle import wordpress (--keep-published | --as-drafts) [--author-map FILE] [--db DATABASE] FILE.xml\n       fascicle import disqus [--map FILE] [--db DATABASE] FILE.xml")
		}
		cfg, imp, err := config.LoadImport(args[1:], os.Getenv, stderr)
		if err != nil {
			return err
		}
		return app.ImportWordPress(ctx, cfg, imp, stdout)
	case "export":
		if len(args) == 0 || args[0] != "wordpress" {
			return errors.New("usage: fascicle export wordpress [--db DATABASE] [--base-url URL] [--force] FILE.xml")
		}
		cfg, file, force, err := config.LoadExport(args[1:], os.Getenv, stderr)
		if err != nil {
			return err
		}
		return app.ExportWordPress(ctx, cfg, file, force, stdout)
	case "copy":
		from, to, err := config.LoadCopy(args, os.Getenv, stderr)
		if err != nil {
			return err
		}
		return app.Copy(ctx, from, to, stdout)
	case "mail":
		if len(args) == 0 || args[0] != "test" {
			return errors.New("usage: fascicle mail test --to ADDRESS [--smtp-url URL] [--mail-from \"Name <address>\"]")
		}
		cfg, to, err := config.LoadMailTest(args[1:], os.Getenv, stderr)
		if err != nil {
			return err
		}
		return app.MailTest(ctx, cfg, to, stdout)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", command)
	}
	cfg, rest, err := config.Load(command, args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	logger, flushLog := app.NewLogger(cfg.LogFormat, stderr)
	defer flushLog()
	switch command {
	case "migrate":
		if len(rest) > 0 {
			return fmt.Errorf("migrate takes no arguments, got %q", rest)
		}
		return app.Migrate(ctx, cfg, stdout)
	case "rotate-key":
		if len(rest) > 0 {
			return fmt.Errorf("rotate-key takes no arguments, got %q", rest)
		}
		return app.RotateKey(ctx, cfg, stdout)
	case "backup":
		if len(rest) != 1 {
			return errors.New("usage: fascicle backup [--db FILE] BACKUP-FILE")
		}
		return app.Backup(ctx, cfg, rest[0], stdout)
	default:
		if len(rest) > 0 {
			return fmt.Errorf("serve takes no arguments, got %q", rest)
		}
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(app.DefaultMemoryLimit)
		}
		return app.Serve(ctx, cfg, logger, stdout)
	}
}

// userUsage lists the "fascicle user" commands.
const userUsage = `usage:
  fascicle user add --email E --name N --role R [--credentials C] [--db FILE] (password on standard input)
  fascicle user list [--db FILE]
  fascicle user set-password --email E [--db FILE] (password on standard input)
  fascicle user disable --email E [--db FILE]
  fascicle user enable --email E [--db FILE]
  fascicle user reset-2fa --email E [--db FILE]`

// userCommand runs "fascicle user add|list|set-password|disable|enable|reset-2fa".
func userCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		cfg, fields, rest, err := config.LoadUserAdd(args, os.Getenv, stderr)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return fmt.Errorf("user add takes no arguments, got %q", rest)
		}
		account := accounts.NewAccount{Email: fields.Email, Name: fields.Name, Role: model.Role(fields.Role), Credentials: fields.Credentials}
		return app.AddAccount(ctx, cfg, account, os.Stdin, stdout)
	case "reset-2fa":
		return resetTwoStepCommand(ctx, args, stdout, stderr)
	case "list", "set-password", "disable", "enable":
	default:
		return fmt.Errorf("unknown command \"user %s\"\n%s", sub, userUsage)
	}
	cfg, email, rest, err := config.LoadUserCommand(sub, args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("user %s takes no arguments, got %q", sub, rest)
	}
	switch sub {
	case "list":
		return app.ListAccounts(ctx, cfg, stdout)
	case "set-password":
		return app.SetAccountPassword(ctx, cfg, email, os.Stdin, stdout)
	default:
		return app.SetAccountDisabled(ctx, cfg, email, sub == "disable", stdout)
	}
}

// resetTwoStepCommand runs "fascicle user reset-2fa".
func resetTwoStepCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, email, rest, err := config.LoadUserCommand("reset-2fa", args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("user reset-2fa takes no arguments, got %q", rest)
	}
	return app.ResetTwoStep(ctx, cfg, email, stdout)
}

// seedCommand runs "fascicle seed".
func seedCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, f, rest, err := config.LoadSeed(args, os.Getenv, stderr, seed.DefaultSeed)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("seed takes no arguments, got %q", rest)
	}
	_, err = app.Seed(ctx, cfg, seed.Options{Articles: f.Articles, Replies: f.Replies, Seed: f.SeedValue, Batch: f.Batch}, stdout)
	return err
}
