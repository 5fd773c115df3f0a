package web_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/web"
)

// mailSite is a site whose mail goes through a real SMTP server on a loopback port,
// on the site's clock.
type mailSite struct {
	*site
	smtp *mailtest.Server
	mail *mail.Service
}

// newMailSite is newSite with mail on.
func newMailSite(t testing.TB) *mailSite {
	t.Helper()
	m := &mailSite{smtp: mailtest.Start(t)}
	m.site = newSiteWith(t, func(o *web.Options) {
		smtp, err := config.ParseSMTPURL(m.smtp.URL())
		if err != nil {
			t.Fatal(err)
		}
		m.mail, err = mail.New(mail.Options{Store: o.Store, SMTP: smtp, From: "news@fascicle.test", FromName: "Fascicle",
			PublicURL: o.PublicURL, Now: o.Now})
		if err != nil {
			t.Fatal(err)
		}
		o.Mail = m.mail
	})
	return m
}
