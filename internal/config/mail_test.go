package config_test

import (
	"io"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/config"
)

// Ensure the mail server's URL is read with its TLS rule, and mail is off without one.
func TestLoad_Mail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url        string
		host       string
		port       int
		implicit   bool
		requireTLS bool
		user, pass string
	}{
		{"smtp://mail.example.org", "mail.example.org", 587, false, true, "", ""},
		{"smtp://u%40x:p%3Ass@mail.example.org:2525", "mail.example.org", 2525, false, true, "u@x", "p:ss"},
		{"smtps://mail.example.org", "mail.example.org", 465, true, true, "", ""},
		{"smtp://127.0.0.1:1025", "127.0.0.1", 1025, false, false, "", ""},
		{"smtp://[::1]:25", "::1", 25, false, false, "", ""},
		{"smtp://localhost:25", "localhost", 25, false, false, "", ""},
	}
	for _, tt := range tests {
		cfg, _, err := config.Load("serve", nil, env(map[string]string{"FASCICLE_SMTP_URL": tt.url, "FASCICLE_MAIL_FROM": "Health News <news@example.org>"}), io.Discard)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		s := cfg.SMTP
		if !cfg.MailOn() || s.Host != tt.host || s.Port != tt.port || s.ImplicitTLS != tt.implicit || s.RequireTLS() != tt.requireTLS ||
			s.Username != tt.user || s.Password != tt.pass {
			t.Errorf("%s = %+v (require TLS %v)", tt.url, s, s.RequireTLS())
		}
		if strings.Contains(s.String(), "p:ss") {
			t.Errorf("%s: String() shows the password: %s", tt.url, s)
		}
		if cfg.MailFromName != "Health News" || cfg.MailFromAddress != "news@example.org" {
			t.Errorf("sender = %q <%q>", cfg.MailFromName, cfg.MailFromAddress)
		}
	}
	cfg, _, err := config.Load("serve", nil, env(nil), io.Discard)
	if err != nil || cfg.MailOn() {
		t.Errorf("with no mail settings: on %v, %v", cfg.MailOn(), err)
	}
	// The flags work too.
	cfg, _, err = config.Load("serve", []string{"--smtp-url", "smtp://127.0.0.1:2525", "--mail-from", "a@example.org"}, env(nil), io.Discard)
	if err != nil || !cfg.MailOn() || cfg.SMTP.Port != 2525 {
		t.Errorf("from flags: %+v, %v", cfg.SMTP, err)
	}
}

// Ensure a malformed mail setting stops the start with a message naming the setting,
// and never showing the password the URL may hold.
func TestLoad_MailInvalid(t *testing.T) {
	t.Parallel()
	from := "Health News <news@example.org>"
	tests := map[string]map[string]string{
		"scheme":       {"FASCICLE_SMTP_URL": "http://user:hunter2@mail.example.org", "FASCICLE_MAIL_FROM": from},
		"no host":      {"FASCICLE_SMTP_URL": "smtp://user:hunter2@:25", "FASCICLE_MAIL_FROM": from},
		"port":         {"FASCICLE_SMTP_URL": "smtp://user:hunter2@mail.example.org:99999", "FASCICLE_MAIL_FROM": from},
		"path":         {"FASCICLE_SMTP_URL": "smtp://user:hunter2@mail.example.org/x", "FASCICLE_MAIL_FROM": from},
		"not a url":    {"FASCICLE_SMTP_URL": "smtp://user:hunter2@mail example.org\x7f", "FASCICLE_MAIL_FROM": from},
		"no sender":    {"FASCICLE_SMTP_URL": "smtp://user:hunter2@mail.example.org"},
		"no server":    {"FASCICLE_MAIL_FROM": from},
		"bad sender":   {"FASCICLE_SMTP_URL": "smtp://mail.example.org", "FASCICLE_MAIL_FROM": "Health News"},
		"split sender": {"FASCICLE_SMTP_URL": "smtp://mail.example.org", "FASCICLE_MAIL_FROM": "a@example.org\r\nBcc: b@example.org"},
	}
	for name, vars := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, _, err := config.Load("serve", nil, env(vars), io.Discard)
			if err == nil {
				t.Fatalf("settings %q were accepted", vars)
			}
			if !strings.Contains(err.Error(), "FASCICLE_SMTP_URL") && !strings.Contains(err.Error(), "FASCICLE_MAIL_FROM") {
				t.Errorf("the message names no setting: %v", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the message shows the password: %v", err)
			}
			if cfg.MailOn() {
				t.Error("mail is on after a refused setting")
			}
		})
	}
}
