package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// openExisting opens the database of a command that works on accounts already
// there: a path with no database is an error, not a new empty file.
func openExisting(ctx context.Context, cfg config.Config) (*store.Store, error) {
	if _, err := os.Stat(cfg.DBPath); err != nil && !cfg.Postgres() {
		return nil, fmt.Errorf("no database at %s (set --db or FASCICLE_DB)", cfg.DBPath)
	}
	st, err := store.Open(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// ListAccounts is the "fascicle user list" command: a table of the staff accounts
// that can sign in, by name.
func ListAccounts(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := openExisting(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := accounts.New(st).List(ctx, nil)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tNAME\tROLE\tTWO-STEP\tDISABLED\tLAST SIGN-IN")
	for _, u := range list {
		twoStep, disabled, last := "off", "no", "never"
		if u.TwoStep {
			twoStep = "on"
		}
		if u.DisabledAt != nil {
			disabled = "since " + commandTime(*u.DisabledAt)
		}
		if u.LastSignInAt != nil {
			last = commandTime(*u.LastSignInAt)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", oneLine(u.EmailAddress()), oneLine(u.Name), u.Role, twoStep, disabled, last)
	}
	return w.Flush()
}

// commandTime writes t for the command line, in UTC to the minute.
func commandTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// oneLine replaces control characters, which would break the table's columns.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// accountByEmail returns the account that signs in with email, or an error that
// says there is none.
func accountByEmail(ctx context.Context, svc *accounts.Service, email string) (*model.User, error) {
	u, err := svc.AccountByEmail(ctx, email)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("no staff account signs in with %s (see \"fascicle user list\")", strings.TrimSpace(email))
	}
	return u, err
}

// SetAccountPassword is the "fascicle user set-password" command: it gives the
// account of email the password read from the first line of password, judged like
// any other (accounts.CheckPassword), and ends every session of the account.
func SetAccountPassword(ctx context.Context, cfg config.Config, email string, password io.Reader, stdout io.Writer) error {
	line, err := bufio.NewReader(password).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
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
	_, err = svc.SetPassword(ctx, nil, u.ID, line)
	if errors.Is(err, accounts.ErrWeakPassword) {
		return fmt.Errorf("password (from standard input): %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "set a new password for %s; every session of the account has ended\n", u.EmailAddress())
	return nil
}

// SetAccountDisabled is the "fascicle user disable" and "enable" commands. Disabling
// ends every session of the account and refuses its sign-ins; the last active
// administrator stays one (accounts.Service.UpdateAccount).
func SetAccountDisabled(ctx context.Context, cfg config.Config, email string, disabled bool, stdout io.Writer) error {
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
	state := map[bool]string{true: "disabled", false: "enabled"}[disabled]
	if u.Disabled() == disabled {
		fmt.Fprintf(stdout, "the account of %s is already %s\n", u.EmailAddress(), state)
		return nil
	}
	_, err = svc.SetDisabled(ctx, nil, u.ID, disabled)
	if errors.Is(err, accounts.ErrLastAdmin) {
		return fmt.Errorf("%s is the last active administrator and cannot be disabled; make another account an administrator first", u.EmailAddress())
	}
	if err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(stdout, "disabled the account of %s; its sessions have ended and it cannot sign in\n", u.EmailAddress())
	} else {
		fmt.Fprintf(stdout, "enabled the account of %s; it can sign in again\n", u.EmailAddress())
	}
	return nil
}
