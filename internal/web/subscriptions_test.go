package web_test

import (
	"net/http"
	"testing"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/web"
)

// mailSite is a site that sends mail through a real SMTP server in the test, with its
// mail service, which the test runs instead of the background sender.
type mailSite struct {
	*site
	mail *mail.Service
	smtp *mailtest.Server
}

// newMailSite is newSite with mail on.
func newMailSite(t testing.TB) *mailSite {
	t.Helper()
	m := &mailSite{smtp: mailtest.Start(t)}
	smtpCfg, err := config.ParseSMTPURL(m.smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	m.site = newSiteWith(t, func(o *web.Options) {
		m.mail, err = mail.New(mail.Options{
			Store: o.Store, SMTP: smtpCfg, From: "news@fascicle.test", FromName: "Fascicle News",
			PublicURL: o.PublicURL, SiteName: o.SiteName, Now: o.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		o.Mail = m.mail
	})
	return m
}

// subscribeBox is the reply form's "Email me when someone replies to my comment", unticked.
const subscribeBox = `<input id="subscribe" name="subscribe" type="checkbox" value="yes" aria-describedby="subscribe-hint">`

// Ensure the reply form offers "Email me when someone replies to my comment", unticked,
// when the site sends mail, and not at all when it does not; staff, whose replies
// carry no address, are not offered it.
func TestReplyForm_SubscribeOnlyWithMail(t *testing.T) {
	t.Parallel()
	on := newMailSite(t)
	on.get(t, articlePath).wantStatus(http.StatusOK).wantContains(
		subscribeBox,
		`<label for="subscribe">Email me when someone replies to my comment</label>`,
		`Once a moderator approves your comment, we email you a link to confirm.`,
	).wantNotContains(`name="subscribe" type="checkbox" value="yes" checked`)
	on.getAs(t, on.signIn(t, on.addUser(t, "moderator")), articlePath).wantStatus(http.StatusOK).
		wantContains(`Replying as`).wantNotContains(`name="subscribe"`)

	off := newSite(t)
	off.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`name="remember"`).
		wantNotContains(`name="subscribe"`, `Email me when someone replies`)
}

// Ensure a reply sent with the box ticked is saved subscribed, and nothing is mailed;
// a refused reply comes back with the box as the reader left it; and a site without
// mail ignores a ticked box in a forged form.
func TestCommentCreate_Subscribe(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	form := validReply()
	form.Set("subscribe", "yes")
	form.Set("email", "")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusUnprocessableEntity).
		wantContains(`<input id="subscribe" name="subscribe" type="checkbox" value="yes" checked aria-describedby="subscribe-hint">`)
	form.Del("subscribe")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusUnprocessableEntity).
		wantContains(subscribeBox)

	form = validReply()
	form.Set("subscribe", "yes")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	id, status, _ := s.lastReply(t)
	if status != "pending" {
		t.Fatalf("status = %s, want pending", status)
	}
	if n := s.count(t, `SELECT count(*) FROM subscriptions WHERE comment_id = ? AND email_index != ''`, id); n != 1 {
		t.Errorf("subscriptions of the reply = %d, want 1", n)
	}
	form = validReply()
	form.Set("comment", "Another reply, without the box.")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	if n := s.count(t, `SELECT count(*) FROM subscriptions`); n != 1 {
		t.Errorf("%d subscriptions after a reply without the box, want 1", n)
	}
	s.runMail(t)
	if got := s.smtp.Messages(); len(got) != 0 {
		t.Errorf("%d messages sent before any approval", len(got))
	}

	off := newSite(t)
	form = validReply()
	form.Set("subscribe", "yes")
	off.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	if n := off.count(t, `SELECT count(*) FROM subscriptions`); n != 0 {
		t.Errorf("a site without mail saved %d subscriptions", n)
	}
}

// runMail dispatches the events waiting and sends what is due, as the sender's loop does.
func (s *mailSite) runMail(t testing.TB) {
	t.Helper()
	if _, err := s.mail.Dispatch(t.Context()); err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	if _, err := s.mail.SendDue(t.Context()); err != nil {
		t.Fatalf("send: %v", err)
	}
}
