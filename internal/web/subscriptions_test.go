package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/store"
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
	return newMailSiteWith(t, func(*web.Options) {})
}

// newMailSiteWith is newMailSite with options changed by configure.
func newMailSiteWith(t testing.TB, configure func(*web.Options)) *mailSite {
	t.Helper()
	m := &mailSite{smtp: mailtest.Start(t)}
	smtpCfg, err := config.ParseSMTPURL(m.smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	m.site = newSiteWith(t, func(o *web.Options) {
		configure(o)
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
		`Once your comment is approved, we email you a link to confirm your address.`,
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
	s.deliver(t)
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

// The reader of the pages' tests.
const adaEmail = "ada.subscriber@example.net"

// mailLink returns the address on the site (path and query) of the link to path in
// message m's text.
func mailLink(t testing.TB, m mailtest.Message, path string) string {
	t.Helper()
	found := regexp.MustCompile(regexp.QuoteMeta("http://fascicle.test"+path) + `\?token=[A-Za-z0-9_-]+`).FindString(m.Text())
	if found == "" {
		t.Fatalf("no link to %s in:\n%s", path, m.Text())
	}
	return strings.TrimPrefix(found, "http://fascicle.test")
}

// askedToConfirm has Ada send a reply with the box ticked, a moderator approve it,
// and returns the reply's ID and the message that asks her to confirm.
func (s *mailSite) askedToConfirm(t testing.TB, mod *http.Cookie) (int64, mailtest.Message) {
	t.Helper()
	before := len(s.smtp.To(adaEmail))
	form := validReply()
	form.Set("author", "Ada Subscriber")
	form.Set("email", adaEmail)
	form.Set("comment", "Does magnesium help with twitches at night? "+s.clock().Format(time.RFC3339Nano))
	form.Set("subscribe", "yes")
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	id, _, _ := s.lastReply(t)
	s.approveAll(t, mod, []int64{id})
	s.deliver(t)
	got := s.smtp.To(adaEmail)
	if len(got) != before+1 {
		t.Fatalf("Ada received %d messages after approval, want the request to confirm", len(got)-before)
	}
	return id, got[len(got)-1]
}

// confirmed reports whether Ada's address is confirmed.
func (s *mailSite) confirmed(t testing.TB) bool {
	t.Helper()
	return s.count(t, `SELECT count(*) FROM subscribers WHERE confirmed_at IS NOT NULL`) == 1
}

// answer has Bob answer reply parent, approved by mod, and runs the sender.
func (s *mailSite) answer(t testing.TB, mod *http.Cookie, parent int64) {
	t.Helper()
	form := validReply()
	form.Set("author", "Bob Answerer")
	form.Set("email", "bob.answerer@example.org")
	form.Set("comment", "It helped me, taken in the evening. "+s.clock().Format(time.RFC3339Nano))
	form.Set("comment_parent", itoa(parent))
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	id, _, _ := s.lastReply(t)
	s.approveAll(t, mod, []int64{id})
	s.deliver(t)
}

// wantLinkPage checks what every page of a link in mail carries: noindex, no cache,
// no Referer, and no address.
func (r *response) wantLinkPage() *response {
	r.t.Helper()
	if got := r.Header.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
		r.t.Errorf("X-Robots-Tag = %q, want noindex", got)
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		r.t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		r.t.Errorf("Referrer-Policy = %q, want no-referrer", got)
	}
	return r.wantContains(`<meta name="robots" content="noindex">`).wantNotContains(adaEmail, "ada.subscriber", "@example")
}

// Ensure opening a confirmation link shows a button and changes nothing (mail scanners
// open links), pressing it confirms the address, after which answers are mailed; the
// link then works no more.
func TestSubscriptionConfirm_OnlyTheButtonConfirms(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	mod := s.moderator(t)
	reply, msg := s.askedToConfirm(t, mod)
	link := mailLink(t, msg, mail.ConfirmPath)

	for range 2 {
		page := s.get(t, link).wantStatus(http.StatusOK).wantLinkPage()
		page.wantContains(`<h1>Confirm your subscription</h1>`,
			`<form method="post" action="`+htmlEscape(link)+`" class="subscription-form">`,
			`<button type="submit" class="submit">Confirm my address</button>`)
		s.do(t, httptest.NewRequest(http.MethodHead, link, nil)).wantStatus(http.StatusOK)
	}
	if s.confirmed(t) {
		t.Fatal("opening the link confirmed the address")
	}
	s.answer(t, mod, reply)
	if got := s.smtp.To(adaEmail); len(got) != 1 {
		t.Fatalf("an answer was mailed before the address was confirmed (%d messages)", len(got))
	}

	s.postForm(t, link, url.Values{}, nil).wantStatus(http.StatusOK).wantLinkPage().
		wantContains(`<h1>Subscription confirmed</h1>`, `Your address is confirmed.`).
		wantNotContains(`<form method="post"`)
	if !s.confirmed(t) {
		t.Fatal("pressing the button did not confirm the address")
	}
	s.answer(t, mod, reply)
	if got := s.smtp.To(adaEmail); len(got) != 2 || !strings.HasPrefix(got[1].Subject(), "Bob Answerer replied") {
		t.Errorf("once confirmed, an answer sent %d messages in all, want 2", len(got))
	}
	s.get(t, link).wantStatus(http.StatusNotFound).wantLinkPage().
		wantContains(`This link does not work`, `was used already`)
	s.postForm(t, link, url.Values{}, nil).wantStatus(http.StatusNotFound).wantContains(`This link does not work`)
}

// Ensure a link without a token, with one made up, or one expired shows a page that
// says the link does not work, and changes nothing.
func TestSubscriptionLinks_Invalid(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	expired, hash := auth.NewToken()
	if err := s.store.CreateLinkToken(context.Background(), store.LinkToken{
		Hash: hash, Purpose: store.LinkUnsubscribe, EmailIndex: "some-index", CreatedAt: s.clock().Add(-400 * 24 * time.Hour), ExpiresAt: s.clock().Add(-time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		mail.ConfirmPath, mail.ConfirmPath + "?token=", mail.ConfirmPath + "?token=made-up-0123456789",
		mail.UnsubscribePath, mail.UnsubscribePath + "?token=made-up-0123456789", mail.UnsubscribePath + "?token=" + expired,
		mail.ConfirmPath + "?token=" + expired, // a token of another purpose
	} {
		t.Run(target, func(t *testing.T) {
			s.get(t, target).wantStatus(http.StatusNotFound).wantLinkPage().
				wantContains(`<h1>This link does not work</h1>`).wantNotContains(`<button type="submit" class="submit">`)
			s.postForm(t, target, url.Values{}, nil).wantStatus(http.StatusNotFound).
				wantContains(`<h1>This link does not work</h1>`)
		})
	}
	if n := s.count(t, `SELECT count(*) FROM link_tokens`); n != 1 {
		t.Errorf("%d link tokens, want the expired one alone", n)
	}
}

// Ensure the unsubscribe link in a message opens a page whose button ends every
// subscription of the address and cancels its queued mail: no mail after it.
func TestSubscriptionUnsubscribe_FromThePage(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	mod := s.moderator(t)
	reply, msg := s.askedToConfirm(t, mod)
	s.postForm(t, mailLink(t, msg, mail.ConfirmPath), url.Values{}, nil).wantStatus(http.StatusOK)
	link := mailLink(t, msg, mail.UnsubscribePath)
	if h := msg.Header().Get("List-Unsubscribe"); h != "<http://fascicle.test"+link+">" {
		t.Errorf("List-Unsubscribe = %q, want the link of the text", h)
	}

	s.get(t, link).wantStatus(http.StatusOK).wantLinkPage().wantContains(
		`<h1>Stop emails about replies</h1>`,
		`<form method="post" action="`+htmlEscape(link)+`" class="subscription-form">`,
		`<button type="submit" class="submit">Unsubscribe</button>`)
	if n := s.count(t, `SELECT count(*) FROM subscriptions`); n != 1 || !s.confirmed(t) {
		t.Fatalf("opening the unsubscribe link changed something: %d subscriptions, confirmed %v", n, s.confirmed(t))
	}
	s.postForm(t, link, url.Values{}, nil).wantStatus(http.StatusOK).wantLinkPage().
		wantContains(`<h1>Unsubscribed</h1>`, `You are unsubscribed.`)
	s.wantUnsubscribed(t, mod, reply)
}

// wantUnsubscribed checks that Ada's subscriptions and confirmation are gone and that
// an answer to her reply sends her nothing more.
func (s *mailSite) wantUnsubscribed(t testing.TB, mod *http.Cookie, reply int64) {
	t.Helper()
	before := len(s.smtp.To(adaEmail))
	for _, q := range []string{`SELECT count(*) FROM subscriptions`, `SELECT count(*) FROM subscribers`,
		`SELECT count(*) FROM link_tokens`} {
		if n := s.count(t, q); n != 0 {
			t.Errorf("%s = %d after unsubscribing, want 0", q, n)
		}
	}
	s.answer(t, mod, reply)
	if got := s.smtp.To(adaEmail); len(got) != before {
		t.Errorf("after unsubscribing Ada received %d more messages", len(got)-before)
	}
}

// Ensure a mail program's one-click unsubscribe (RFC 8058: a POST of
// List-Unsubscribe=One-Click to the link, with no cookie, no CSRF token, and no Origin
// or another site's) unsubscribes, cancelling the message queued; and that only this
// route is open to other sites: the confirmation's button is not.
func TestSubscriptionUnsubscribe_OneClick(t *testing.T) {
	t.Parallel()
	s := newMailSite(t)
	mod := s.moderator(t)
	reply, msg := s.askedToConfirm(t, mod)
	confirm := mailLink(t, msg, mail.ConfirmPath)
	crossSite := map[string]string{"Origin": "https://mail.example.com", "Sec-Fetch-Site": "cross-site"}
	s.sendForm(t, "", confirm, url.Values{}, crossSite, nil).wantStatus(http.StatusForbidden)
	if s.confirmed(t) {
		t.Fatal("a confirmation posted from another site confirmed the address")
	}
	s.postForm(t, confirm, url.Values{}, nil).wantStatus(http.StatusOK)

	// An answer queued, not yet sent, when the reader presses their mail program's button.
	form := validReply()
	form.Set("author", "Bob Answerer")
	form.Set("email", "bob.answerer@example.org")
	form.Set("comment_parent", itoa(reply))
	s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	answer, _, _ := s.lastReply(t)
	s.approveAll(t, mod, []int64{answer})
	if _, err := s.mail.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := s.count(t, `SELECT count(*) FROM outbox WHERE kind = 'reply_answered' AND status = 'queued'`); n != 1 {
		t.Fatalf("%d notifications queued, want 1", n)
	}

	oneClick := func(link string, header map[string]string) *response {
		req := httptest.NewRequest(http.MethodPost, link, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return s.do(t, req)
	}
	oneClick(mailLink(t, msg, mail.UnsubscribePath), nil).wantStatus(http.StatusOK).wantContains(`You are unsubscribed.`)
	if n := s.count(t, `SELECT count(*) FROM outbox WHERE kind = 'reply_answered' AND status = 'cancelled' AND recipient IS NULL`); n != 1 {
		t.Errorf("%d notifications cancelled, want the queued one", n)
	}
	s.deliver(t)
	s.wantUnsubscribed(t, mod, reply)

	// A webmail's page may send the POST itself, from its own origin.
	reply, msg = s.askedToConfirm(t, mod)
	oneClick(mailLink(t, msg, mail.UnsubscribePath), crossSite).wantStatus(http.StatusOK).wantContains(`You are unsubscribed.`)
	s.wantUnsubscribed(t, mod, reply)
}

// Ensure the one-click route is open to other sites on a site with --base-url too,
// where it must still be asked at the site's own address.
func TestSubscriptionUnsubscribe_OneClickWithBaseURL(t *testing.T) {
	t.Parallel()
	s := newMailSiteWith(t, func(o *web.Options) { o.PublicURL, o.CheckHost = baseURL, true })
	token, hash := auth.NewToken()
	if err := s.store.CreateLinkToken(context.Background(), store.LinkToken{
		Hash: hash, Purpose: store.LinkUnsubscribe, EmailIndex: "ada-index", CreatedAt: s.clock(), ExpiresAt: s.clock().Add(time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	target := mail.UnsubscribePath + "?token=" + token
	body := url.Values{"List-Unsubscribe": {"One-Click"}}
	s.sendForm(t, "elsewhere.example", target, body, nil, nil).wantStatus(http.StatusMisdirectedRequest)
	s.sendForm(t, "fascicle.test", target, body, map[string]string{"Origin": "https://mail.example.com"}, nil).
		wantStatus(http.StatusOK).wantContains(`You are unsubscribed.`)
	if n := s.count(t, `SELECT count(*) FROM link_tokens`); n != 0 {
		t.Errorf("%d link tokens left after unsubscribing", n)
	}
}

// Ensure the privacy page says what emails about replies keep and send when the site
// sends mail, and says nothing of them when it does not.
func TestPrivacyPage_EmailsAboutRepliesOnlyWithMail(t *testing.T) {
	t.Parallel()
	section := []string{
		`<h2 id="emails">Emails about replies</h2>`,
		"Nothing is sent before your reply is approved; then one email asks you to confirm your address, at most once a day.",
		"never their email, and never yours to them. Your own replies send you nothing.",
		"Every email has a link that stops them all at once",
		"A copy of your data includes your subscriptions; erasing your data removes them and any email not yet sent.",
	}
	newMailSite(t).get(t, "/privacy").wantStatus(http.StatusOK).wantContains(section...)
	newSite(t).get(t, "/privacy").wantStatus(http.StatusOK).wantNotContains(section[0], "Email me when someone replies")
}
