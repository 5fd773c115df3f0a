// Package app wires Fascicle together: configuration, database, migrations, domain
// services and the web server. The command and the end-to-end tests both use it, so
// the tests run the real program.
package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/web"
)

// DefaultMemoryLimit is the server's soft limit on the memory Go manages (the page
// cache, pages being made, garbage not yet collected), unless GOMEMLIMIT sets
// another; SQLite's own caches come on top (store.DSN). It caps the heap's growth
// and must stay well above what is live: the program's own tables (about 13 MB,
// most of it the password checker's dictionaries), the page cache (12 MiB) and the
// reply cache (4 MiB). Near the limit the collector runs after every few pages made:
// at 32 MiB a rendering server spent most of its time collecting and made 100
// pages a second instead of 1 000.
const DefaultMemoryLimit = 64 << 20

// ShutdownTimeout is how long requests in flight may take to finish on stop.
const ShutdownTimeout = 10 * time.Second

// App is a running Fascicle: an open database and the web server in front of it.
type App struct {
	Config config.Config
	Store  *store.Store
	Web    *web.Server
	Logger *slog.Logger
	// Accounts is the staff accounts service the server signs people in with.
	Accounts *accounts.Service

	// Moderation receives replies and carries out moderators' actions, for the web
	// server.
	Moderation *moderation.Service

	// Publishing applies the publishing rules, for the web server and the scheduler.
	Publishing *publishing.Service

	// Privacy answers personal-data requests, for the web server, and applies the
	// retention settings, for the scheduler.
	Privacy *privacy.Service

	// Mail turns events into mail and webhook deliveries and sends them.
	Mail *mail.Service

	listener net.Listener
	server   *http.Server
}

// New opens the database, brings its schema up to date, gives a new database the demo
// content (when cfg.Demo is set) and builds the web server.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger) (*App, error) {
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Store: st, Logger: logger}
	a.Publishing = publishing.New(st)
	a.Privacy = privacy.New(st, cfg.PublicURL())
	if err := a.init(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) init(ctx context.Context) error {
	if err := a.Store.Migrate(ctx); err != nil {
		return err
	}
	if _, err := loadKeys(ctx, a.Config, a.Store); err != nil {
		return err
	}
	if n, err := a.Store.EncryptPlainEmails(ctx); err != nil {
		return err
	} else if n > 0 {
		a.Logger.Info("encrypted emails stored in clear by an earlier version", "count", n)
	}
	if a.Config.Demo {
		if err := demo.Install(ctx, a.Store); err != nil {
			return fmt.Errorf("demo content: %w", err)
		}
	}
	// Articles that fell due while the server was down go out before it answers.
	if _, err := a.PublishDue(ctx, time.Now()); err != nil {
		return err
	}
	tokenKey, err := a.Store.SiteKey(ctx, "pending-token", 32)
	if err != nil {
		return err
	}
	clients, err := clientHasher(ctx, a.Store, a.Logger)
	if err != nil {
		return err
	}
	mediaDir := a.Config.Media()
	a.Accounts = accounts.New(a.Store)
	a.Accounts.SetMedia(media.New(a.Store, mediaDir, nil))
	// Accounts made before profiles existed, or by other tools, get their address.
	if n, err := a.Accounts.AssignMissingSlugs(ctx); err != nil {
		return err
	} else if n > 0 {
		a.Logger.Info("gave profile addresses to staff accounts", "count", n)
	}
	a.Moderation = moderation.NewWithHasher(a.Store, clients)
	a.Mail, err = mail.New(mail.Options{
		Store: a.Store, SMTP: a.Config.SMTP, From: a.Config.MailFromAddress, FromName: a.Config.MailFromName,
		PublicURL: a.Config.PublicURL(), Logger: a.Logger, PollInterval: a.Config.MailPollInterval,
	})
	if err != nil {
		return err
	}
	a.Web, err = web.New(web.Options{
		Store:          a.Store,
		Moderation:     a.Moderation,
		Accounts:       a.Accounts,
		Publishing:     a.Publishing,
		Privacy:        a.Privacy,
		Mail:           a.Mail,
		Logger:         a.Logger,
		PublicURL:      a.Config.PublicURL(),
		CheckHost:      a.Config.BaseURL != "",
		Secure:         a.Config.Secure(),
		TrustedProxies: a.Config.TrustedProxies,
		NoPageCache:    a.Config.NoPageCache,
		TokenKey:       tokenKey,
		MediaDir:       mediaDir,
	})
	return err
}

// Listen binds the configured address. With port 0 the system picks a free port,
// which Addr then reports.
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	a.listener = ln
	return nil
}

// Addr returns the address the app listens on, once Listen has succeeded.
func (a *App) Addr() string {
	return a.listener.Addr().String()
}

// Serve answers requests until ctx is done, then lets requests in flight finish for
// up to ShutdownTimeout. It returns nil after a clean stop.
func (a *App) Serve(ctx context.Context) error {
	a.server = &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	schedulerCtx, stopScheduler := context.WithCancel(ctx)
	schedulerDone := make(chan struct{})
	go func() {
		defer close(schedulerDone)
		a.runScheduler(schedulerCtx)
	}()
	mailDone := make(chan struct{})
	go func() {
		defer close(mailDone)
		a.Mail.Run(schedulerCtx)
	}()
	// The scheduler and the sender may be writing; they stop before the database is
	// closed.
	defer func() {
		stopScheduler()
		<-schedulerDone
		<-mailDone
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Logger.Info("stopping: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := a.server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close closes the database.
func (a *App) Close() error {
	return a.Store.Close()
}

// Serve is the "fascicle serve" command: it runs the site until ctx is done.
func Serve(ctx context.Context, cfg config.Config, logger *slog.Logger, stdout io.Writer) error {
	a, err := New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Fascicle is serving http://%s (database %s)\n", a.Addr(), store.RedactURL(cfg.DBPath))
	if a.Mail.On() {
		fmt.Fprintf(stdout, "Mail goes through %s from %s\n", a.Mail.Server(), cfg.MailFromAddress)
	} else {
		fmt.Fprintln(stdout, "Mail is off (set FASCICLE_SMTP_URL and FASCICLE_MAIL_FROM to turn it on): nobody is told of replies or waiting work, and readers are offered no subscription")
	}
	if err := a.announceSetup(ctx, stdout); err != nil {
		return err
	}
	return a.Serve(ctx)
}

// announceSetup prints a one-time link to create the first administrator, while the
// site has no account that can sign in.
func (a *App) announceSetup(ctx context.Context, w io.Writer) error {
	link, err := a.SetupLink(ctx)
	if err != nil || link == "" {
		return err
	}
	fmt.Fprintf(w, "\nNo administrator yet. Create one within the next hour at:\n\n    %s\n\n"+
		"The link works once. Restart fascicle to get a new one, or use \"fascicle user add\".\n\n", link)
	return nil
}

// SetupLink returns a new one-time link to /admin/setup, or "" if an account exists.
func (a *App) SetupLink(ctx context.Context) (string, error) {
	token, err := a.Accounts.IssueSetupToken(ctx)
	if err != nil || token == "" {
		return "", err
	}
	base := a.Config.BaseURL
	if base == "" {
		base = "http://" + a.Addr()
	}
	return base + "/admin/setup?token=" + token, nil
}

// AddUser is AddAccount for an account without credentials.
func AddUser(ctx context.Context, cfg config.Config, email, name string, role model.Role, password io.Reader, stdout io.Writer) error {
	return AddAccount(ctx, cfg, accounts.NewAccount{Email: email, Name: name, Role: role}, password, stdout)
}

// AddAccount is the "fascicle user add" command: it creates the staff account with
// the password read from the first line of password (account.Password is not read).
// The account is checked before the database is opened, so that a refused command
// leaves no file behind.
func AddAccount(ctx context.Context, cfg config.Config, account accounts.NewAccount, password io.Reader, stdout io.Writer) error {
	line, err := bufio.NewReader(password).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password from standard input: %w", err)
	}
	account.Password = strings.TrimRight(line, "\r\n")
	role, email := account.Role, account.Email
	if err := account.Validate(); err != nil {
		return commandLineProblems(err, role)
	}
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	// The service only creates here: no sign-in, so no lock-out key is needed.
	u, err := accounts.New(st).Create(ctx, nil, account)
	if errors.Is(err, accounts.ErrEmailTaken) {
		return fmt.Errorf("an account with the email %s already exists", strings.TrimSpace(email))
	}
	if err != nil {
		return commandLineProblems(err, role)
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", role, u.ID, u.EmailAddress())
	return nil
}

// ResetTwoStep is the "fascicle user reset-2fa" command: it turns off the two-step
// sign-in of the account with email, for someone who lost their phone and recovery
// codes (see accounts.Service.ResetTwoStep), and records that the command line did.
func ResetTwoStep(ctx context.Context, cfg config.Config, email string, stdout io.Writer) error {
	st, err := openExisting(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := accounts.New(st)
	u, err := accountByEmail(ctx, svc, email)
	if err != nil {
		return err
	}
	was, err := svc.ResetTwoStep(ctx, nil, u.ID)
	if err != nil {
		return err
	}
	if !was {
		fmt.Fprintf(stdout, "two-step sign-in was already off for %s; nothing changed\n", u.EmailAddress())
		return nil
	}
	fmt.Fprintf(stdout, "two-step sign-in reset for %s: they sign in with their password alone until they set it up again\n", u.EmailAddress())
	return nil
}

// commandLineProblems words the fields of a *model.ValidationError as the flags of
// "fascicle user add", in the order of its usage line; other errors pass unchanged.
func commandLineProblems(err error, role model.Role) error {
	var v *model.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	roles := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		roles[i] = string(r)
	}
	words := map[string]string{
		model.UserFieldRole:        fmt.Sprintf("unknown role %q; choose one of %s", role, strings.Join(roles, ", ")),
		model.UserFieldName:        fmt.Sprintf("--name is required (at most %d bytes)", model.MaxUserName),
		model.UserFieldEmail:       "--email must be an email address like name@example.com",
		model.UserFieldCredentials: fmt.Sprintf("--credentials is too long (at most %d bytes)", model.MaxCredentials),
		model.UserFieldPassword:    "password (from standard input): " + v.Fields[model.UserFieldPassword],
	}
	var msgs []string
	for _, f := range []string{model.UserFieldRole, model.UserFieldName, model.UserFieldEmail, model.UserFieldCredentials, model.UserFieldPassword} {
		if _, ok := v.Fields[f]; ok {
			msgs = append(msgs, words[f])
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Migrate is the "fascicle migrate" command: it brings the schema up to date.
func Migrate(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	current, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", store.RedactURL(cfg.DBPath), current)
	return nil
}

// Backup is the "fascicle backup FILE" command: it writes a consistent copy of the
// database, which may be in use, to file.
func Backup(ctx context.Context, cfg config.Config, file string, stdout io.Writer) error {
	if cfg.Postgres() {
		return store.ErrBackupPostgres
	}
	if _, err := os.Stat(cfg.DBPath); err != nil {
		return fmt.Errorf("no database to back up: %w", err)
	}
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.DBPath, file)
	// The emails in the copy are encrypted with the database's key: without it the
	// copy cannot be served. The key goes beside the copy, readable by its owner only.
	if _, err := os.Stat(KeyFile(cfg)); cfg.SecretKey == "" && err == nil {
		keys, err := readKeyFile(KeyFile(cfg))
		if err != nil {
			return fmt.Errorf("the backup is written, but its key could not be read: %w", err)
		}
		if err := writeKeyFile(file+".key", keys); err != nil {
			return fmt.Errorf("the backup is written, but its key could not be copied: %w", err)
		}
		fmt.Fprintf(stdout, "copied the email key to %s: keep it apart from the backup when the backup leaves this machine\n", file+".key")
	}
	return nil
}

// NewLogger returns the program's logger, writing text or JSON lines to w through a
// buffer (see logBuffer), and the function that writes out the rest at the end.
func NewLogger(format string, w io.Writer) (*slog.Logger, func()) {
	buf := newLogBuffer(w)
	var h slog.Handler = slog.NewTextHandler(buf, nil)
	if format == "json" {
		h = slog.NewJSONHandler(buf, nil)
	}
	return slog.New(flushingHandler{Handler: h, buf: buf}), buf.Close
}
