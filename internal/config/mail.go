package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// SMTP is the mail server the site sends through, read from FASCICLE_SMTP_URL.
type SMTP struct {
	Host string
	Port int
	// ImplicitTLS is smtps://: TLS from the first byte. Otherwise the connection uses
	// STARTTLS, required unless the host is a loopback address (where it is used when
	// the server offers it).
	ImplicitTLS        bool
	Username, Password string
}

// RequireTLS reports whether the connection must be encrypted: always, except to a
// server on this machine.
func (s *SMTP) RequireTLS() bool {
	if s.ImplicitTLS {
		return true
	}
	if s.Host == "localhost" {
		return false
	}
	addr, err := netip.ParseAddr(s.Host)
	return err != nil || !addr.IsLoopback()
}

// String is the server's address with no password, for messages.
func (s *SMTP) String() string {
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// ParseSMTPURL reads smtp://[user:pass@]host:port or smtps://[user:pass@]host:port.
// The port defaults to 587 for smtp and 465 for smtps.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	s := &SMTP{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.ImplicitTLS = 465, true
	default:
		return nil, errors.New("want smtp://[user:pass@]host:port or smtps://…")
	}
	if s.Host == "" {
		return nil, errors.New("the host is missing")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("want no path or query after host:port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not a port number", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// validateMail reads SMTPURL and MailFrom: both or neither.
func (c *Config) validateMail() error {
	c.SMTP, c.MailFromName, c.MailFromAddress = nil, "", ""
	if c.SMTPURL == "" && c.MailFrom == "" {
		return nil
	}
	var errs []error
	if c.SMTPURL == "" {
		errs = append(errs, errors.New("FASCICLE_SMTP_URL (--smtp-url) is empty but FASCICLE_MAIL_FROM is set: set both to send mail, or neither"))
	} else if s, err := ParseSMTPURL(c.SMTPURL); err != nil {
		// The URL may hold a password: the message names the setting, not its value.
		errs = append(errs, fmt.Errorf("FASCICLE_SMTP_URL (--smtp-url): %v", err))
	} else {
		c.SMTP = s
	}
	if c.MailFrom == "" {
		errs = append(errs, errors.New(`FASCICLE_MAIL_FROM (--mail-from) is empty: set it to the sender's "Name <address>"`))
	} else if addr, err := mail.ParseAddress(c.MailFrom); err != nil || strings.ContainsAny(c.MailFrom, "\r\n") {
		errs = append(errs, fmt.Errorf(`FASCICLE_MAIL_FROM (--mail-from) %q: want "Name <address>"`, c.MailFrom))
	} else {
		c.MailFromName, c.MailFromAddress = addr.Name, addr.Address
	}
	if len(errs) > 0 {
		c.SMTP = nil
	}
	return errors.Join(errs...)
}

// MailOn reports whether the site sends mail.
func (c *Config) MailOn() bool {
	return c.SMTP != nil
}

func mailFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.SMTPURL, "smtp-url", cfg.SMTPURL, "mail server, smtp://[user:pass@]host:port or smtps://…; better in FASCICLE_SMTP_URL, which ps does not show")
	fs.StringVar(&cfg.MailFrom, "mail-from", cfg.MailFrom, `sender of the site's mail, "Name <address>" (FASCICLE_MAIL_FROM)`)
}

// LoadMailTest reads the settings and flags of "fascicle mail test": the mail server,
// the sender, the site's address and the recipient (--to).
func LoadMailTest(args []string, getenv func(string) string, stderr io.Writer) (Config, string, error) {
	cfg := Default()
	cfg.BaseURL = getenv("FASCICLE_BASE_URL")
	cfg.SMTPURL = getenv("FASCICLE_SMTP_URL")
	cfg.MailFrom = getenv("FASCICLE_MAIL_FROM")
	var to string
	fs := flag.NewFlagSet("fascicle mail test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mailFlags(fs, &cfg)
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public address of the site, for the message (FASCICLE_BASE_URL)")
	fs.StringVar(&to, "to", "", "the address to send the test message to")
	if err := fs.Parse(args); err != nil {
		return cfg, "", err
	}
	if fs.NArg() > 0 {
		return cfg, "", fmt.Errorf("mail test takes no arguments, got %q", fs.Args())
	}
	if _, err := mail.ParseAddress(to); err != nil || strings.ContainsAny(to, "\r\n") {
		return cfg, "", fmt.Errorf("mail test: --to %q is not an email address", to)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, "", err
	}
	if !cfg.MailOn() {
		return cfg, "", errors.New("mail is off: set FASCICLE_SMTP_URL (--smtp-url) and FASCICLE_MAIL_FROM (--mail-from)")
	}
	return cfg, to, nil
}
