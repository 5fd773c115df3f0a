package web_test

import (
	"context"
	"regexp"
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

// deliver dispatches the events waiting and sends what is due, as the sender does.
func (m *mailSite) deliver(t testing.TB) {
	t.Helper()
	if _, err := m.mail.Dispatch(context.Background()); err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	if _, err := m.mail.SendDue(context.Background()); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// linkTo returns the one link to path in the latest message to address to, as a
// path with its query, failing the test if there is none.
func (m *mailSite) linkTo(t testing.TB, to, path string) string {
	t.Helper()
	got := m.smtp.To(to)
	if len(got) == 0 {
		t.Fatalf("no message to %s", to)
	}
	text := got[len(got)-1].Text()
	link := regexp.MustCompile(regexp.QuoteMeta("http://fascicle.test"+path) + `\?token=[A-Za-z0-9_-]+`).FindString(text)
	if link == "" {
		t.Fatalf("no link to %s in the message to %s:\n%s", path, to, text)
	}
	return link[len("http://fascicle.test"):]
}
