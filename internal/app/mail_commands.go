package app

import (
	"context"
	"fmt"
	"io"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/mail"
)

// MailTest is the "fascicle mail test" command: it sends one message to address to
// through the configured mail server, at once (not through the outbox), and prints
// the server's answer.
func MailTest(ctx context.Context, cfg config.Config, to string, stdout io.Writer) error {
	m, err := mail.New(mail.Options{SMTP: cfg.SMTP, From: cfg.MailFromAddress, FromName: cfg.MailFromName, PublicURL: cfg.PublicURL()})
	if err != nil {
		return err
	}
	answer, err := m.SendTest(ctx, to)
	if err != nil {
		return fmt.Errorf("%s did not take the message: %s", m.Server(), answer)
	}
	fmt.Fprintf(stdout, "Sent to %s through %s. The server answered: %s\n", to, m.Server(), answer)
	return nil
}
