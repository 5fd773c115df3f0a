package mail_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// The readers of these tests.
const (
	adaEmail = "ada.reader@example.net"
	bobEmail = "bob.canary@example.org"
)

func subscribing(s *moderation.Submission) { s.Subscribe = true }

// answering returns a change to a submission that makes it answer reply parent.
func answering(parent int64) func(*moderation.Submission) {
	return func(s *moderation.Submission) { s.ParentID = parent }
}

// moderate does action to reply id as the fixture's moderator.
func (f *fixture) moderate(t testing.TB, action moderation.Action, id int64) {
	t.Helper()
	if _, err := f.moderation.Moderate(context.Background(), f.moderator, action, id); err != nil {
		t.Fatalf("%s reply %d: %v", action, id, err)
	}
}

// approved submits a reply and approves it, and returns it.
func (f *fixture) approved(t testing.TB, name, email string, parent int64, change func(*moderation.Submission)) *model.Comment {
	t.Helper()
	c := f.submit(t, name, email, parent, change)
	f.moderate(t, moderation.ActionApprove, c.ID)
	return c
}

// readerMail returns the outbox's readers' messages, newest first.
func (f *fixture) readerMail(t testing.TB) []model.OutboxMessage {
	t.Helper()
	var list []model.OutboxMessage
	for _, m := range f.outbox(t) {
		if m.Kind == "subscription_confirm" || m.Kind == "reply_answered" {
			list = append(list, m)
		}
	}
	return list
}

var (
	confirmLink = regexp.MustCompile(regexp.QuoteMeta(siteURL+mail.ConfirmPath) + `\?token=([A-Za-z0-9_-]{20,})`)
	unsubLink   = regexp.MustCompile(`^<` + regexp.QuoteMeta(siteURL+mail.UnsubscribePath) + `\?token=([A-Za-z0-9_-]{20,})>$`)
)

// confirmToken returns the token of the confirmation link in message m.
func confirmToken(t testing.TB, m mailtest.Message) string {
	t.Helper()
	found := confirmLink.FindStringSubmatch(m.Text())
	if found == nil {
		t.Fatalf("no confirmation link in:\n%s", m.Text())
	}
	if !strings.Contains(m.Part("text/html"), found[0]) {
		t.Errorf("the HTML part lacks the confirmation link %s", found[0])
	}
	return found[1]
}

// unsubscribeToken checks that message m carries the one-click unsubscribe headers
// (RFC 8058), and the same link in both parts, and returns its token.
func unsubscribeToken(t testing.TB, m mailtest.Message) string {
	t.Helper()
	h := m.Header()
	found := unsubLink.FindStringSubmatch(h.Get("List-Unsubscribe"))
	if found == nil {
		t.Fatalf("List-Unsubscribe = %q, want <%s%s?token=…>", h.Get("List-Unsubscribe"), siteURL, mail.UnsubscribePath)
	}
	if got := h.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q, want List-Unsubscribe=One-Click", got)
	}
	link := strings.Trim(found[0], "<>")
	if !strings.Contains(m.Text(), link) || !strings.Contains(m.Part("text/html"), link) {
		t.Errorf("the message's parts lack its unsubscribe link %s", link)
	}
	return found[1]
}

// subscribedAndConfirmed has name at email write an approved, subscribed reply to the
// article (or to parent) and confirm their address with the link mailed to them; it
// returns the reply.
func (f *fixture) subscribedAndConfirmed(t testing.TB, name, email string, parent int64) *model.Comment {
	t.Helper()
	before := len(f.smtp.To(email))
	c := f.approved(t, name, email, parent, subscribing)
	f.run(t)
	got := f.smtp.To(email)
	if len(got) != before+1 {
		t.Fatalf("%s received %d messages, want %d with the confirmation", email, len(got), before+1)
	}
	if err := f.svc.ConfirmSubscription(context.Background(), confirmToken(t, got[len(got)-1])); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return c
}

// Ensure a reader who subscribes is sent nothing when they submit, nor while their
// reply is held; its approval sends exactly one message, the request to confirm, to
// them alone, with a link that confirms and a one-click unsubscribe link.
func TestReaders_NothingBeforeApproval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.submit(t, "Ada Reader", adaEmail, 0, subscribing)
	f.run(t)
	f.advance(time.Hour)
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 0 {
		t.Fatalf("mail before approval: %d messages, first %q", len(got), got[0].Subject())
	}
	if got := f.readerMail(t); len(got) != 0 {
		t.Fatalf("readers' mail queued before approval: %+v", got)
	}

	f.moderate(t, moderation.ActionApprove, c.ID)
	f.run(t)
	f.run(t)
	got := f.smtp.To(adaEmail)
	if len(got) != 1 {
		t.Fatalf("after approval Ada received %d messages, want 1", len(got))
	}
	m := got[0]
	if len(m.To) != 1 || m.To[0] != adaEmail {
		t.Errorf("recipients = %q, want Ada alone", m.To)
	}
	if want := "Confirm: email me about replies to my comment on Health News"; m.Subject() != want {
		t.Errorf("subject = %q, want %q", m.Subject(), want)
	}
	if text := m.Text(); !strings.Contains(text, f.article.Title) || !strings.Contains(text, "A reply from Ada Reader") {
		t.Errorf("the request does not say which reply it is about:\n%s", text)
	}
	confirmToken(t, m)
	unsubscribeToken(t, m)
	if h := m.Header(); h.Get("Auto-Submitted") != "auto-generated" || h.Get("Message-Id") == "" || h.Get("Date") == "" {
		t.Errorf("headers = %v", h)
	}
	if list := f.readerMail(t); len(list) != 1 || list[0].Status != model.OutboxSent || list[0].Recipient != "" || list[0].RecipientIndex != "" {
		t.Errorf("outbox = %+v, want one sent message that keeps no address", list)
	}
}

// Ensure an address is asked to confirm at most once a day, however many of its
// replies are approved (or approved again), and again a day later while it has not
// confirmed.
func TestReaders_AtMostOneConfirmationPerAddressPerDay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	f.run(t)
	f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	f.moderate(t, moderation.ActionUnapprove, first.ID)
	f.moderate(t, moderation.ActionApprove, first.ID)
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Fatalf("Ada received %d requests to confirm within a day, want 1", len(got))
	}

	f.advance(mail.ConfirmEvery)
	f.moderate(t, moderation.ActionUnapprove, first.ID)
	f.moderate(t, moderation.ActionApprove, first.ID)
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Fatalf("approving the same reply again a day later asked again (%d messages)", len(got))
	}
	f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	f.run(t)
	got := f.smtp.To(adaEmail)
	if len(got) != 2 {
		t.Fatalf("a day later, a new subscribed reply sent %d requests in all, want 2", len(got))
	}
	if confirmToken(t, got[0]) == confirmToken(t, got[1]) || unsubscribeToken(t, got[0]) == unsubscribeToken(t, got[1]) {
		t.Error("two messages carry the same link: each must have its own")
	}
}

// Ensure checking a confirmation link (what opening it does) confirms nothing; using
// it confirms the address once, after which answers are mailed; a used, made-up or
// expired link is refused.
func TestReaders_ConfirmOnlyWhenUsed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	parent := f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	f.run(t)
	token := confirmToken(t, f.smtp.To(adaEmail)[0])
	if err := f.svc.CheckConfirmLink(ctx, token); err != nil {
		t.Fatalf("check a fresh link: %v", err)
	}
	f.approved(t, "Bob", bobEmail, parent.ID, answering(parent.ID))
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Fatalf("an answer was mailed to an address that only opened its link (%d messages)", len(got))
	}

	if err := f.svc.ConfirmSubscription(ctx, token); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	for name, check := range map[string]func() error{
		"used again":   func() error { return f.svc.ConfirmSubscription(ctx, token) },
		"checked used": func() error { return f.svc.CheckConfirmLink(ctx, token) },
		"made up":      func() error { return f.svc.ConfirmSubscription(ctx, "made-up-token-0123456789abcdef") },
		"empty":        func() error { return f.svc.ConfirmSubscription(ctx, "") },
	} {
		if err := check(); !errors.Is(err, mail.ErrConfirmLinkInvalid) {
			t.Errorf("%s: error %v, want ErrConfirmLinkInvalid", name, err)
		}
	}
	f.approved(t, "Bob", bobEmail, parent.ID, answering(parent.ID))
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 2 {
		t.Errorf("once confirmed, an answer sent %d messages in all, want 2", len(got))
	}
}

// Ensure a confirmation link stops working after its lifetime.
func TestReaders_ConfirmLinkExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	f.run(t)
	token := confirmToken(t, f.smtp.To(adaEmail)[0])
	f.advance(mail.ConfirmLinkLifetime + time.Minute)
	if err := f.svc.ConfirmSubscription(context.Background(), token); !errors.Is(err, mail.ErrConfirmLinkInvalid) {
		t.Errorf("an expired link: error %v, want ErrConfirmLinkInvalid", err)
	}
}

// Ensure a confirmed reader is told of an approved answer with the replier's name, an
// excerpt and a link to it on the article, and never the replier's email; only once,
// however often the answer is approved.
func TestReaders_AnswerNotification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	parent := f.subscribedAndConfirmed(t, "Ada Reader", adaEmail, 0)
	answer := f.submit(t, "Bob Answerer", bobEmail, parent.ID, func(s *moderation.Submission) {
		s.ParentID = parent.ID
		s.Body = "Magnesium before bed helped me.\n\nAlso less coffee after noon."
		s.Website = "https://bob.example.org/"
	})
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Fatalf("a held answer was mailed (%d messages)", len(got))
	}
	f.moderate(t, moderation.ActionApprove, answer.ID)
	f.moderate(t, moderation.ActionUnapprove, answer.ID)
	f.moderate(t, moderation.ActionApprove, answer.ID)
	f.run(t)
	got := f.smtp.To(adaEmail)
	if len(got) != 2 {
		t.Fatalf("Ada received %d messages, want the confirmation and one notification", len(got))
	}
	m := got[1]
	if len(m.To) != 1 || m.To[0] != adaEmail {
		t.Errorf("recipients = %q, want Ada alone", m.To)
	}
	if want := "Bob Answerer replied to your comment on “" + f.article.Title + "”"; m.Subject() != want {
		t.Errorf("subject = %q, want %q", m.Subject(), want)
	}
	link := siteURL + "/articles/" + f.article.Slug + "#comment-" + strconv.FormatInt(answer.ID, 10)
	for _, part := range []string{m.Text(), m.Part("text/html")} {
		for _, want := range []string{"Bob Answerer", "Magnesium before bed helped me. Also less coffee after noon.", link, "A reply from Ada Reader"} {
			if !strings.Contains(part, want) {
				t.Errorf("a part lacks %q:\n%s", want, part)
			}
		}
	}
	unsubscribeToken(t, m)
	for _, leak := range []string{bobEmail, "bob.canary", "bob.example.org"} {
		if strings.Contains(string(m.Data), leak) || strings.Contains(m.Text(), leak) || strings.Contains(m.Part("text/html"), leak) {
			t.Errorf("the notification carries %q of the replier", leak)
		}
	}
	if got := f.smtp.To(bobEmail); len(got) != 0 {
		t.Errorf("the replier, who did not subscribe, received %d messages", len(got))
	}
}

// Ensure an answer unapproved before its notification went out cancels it, and
// approving it again sends the notification, once.
func TestReaders_AnswerApprovedAgainAfterCancelSentOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	parent := f.subscribedAndConfirmed(t, "Ada Reader", adaEmail, 0)
	answer := f.approved(t, "Bob", bobEmail, parent.ID, answering(parent.ID))
	if _, err := f.svc.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.moderate(t, moderation.ActionUnapprove, answer.ID)
	f.run(t)
	if m := f.readerMail(t)[0]; m.Status != model.OutboxCancelled {
		t.Fatalf("notification of an answer unapproved before it went: %+v", m)
	}
	for range 2 {
		f.moderate(t, moderation.ActionApprove, answer.ID)
		f.run(t)
		f.moderate(t, moderation.ActionUnapprove, answer.ID)
	}
	f.moderate(t, moderation.ActionApprove, answer.ID)
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 2 || !strings.HasPrefix(got[1].Subject(), "Bob replied") {
		t.Errorf("Ada received %d messages in all, want the confirmation and one notification", len(got))
	}
}

// Ensure nobody is told of their own answers: an answer from the same address (in
// any case), or from the staff account whose address subscribed.
func TestReaders_NoMailToYourself(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	parent := f.subscribedAndConfirmed(t, "Ada Reader", adaEmail, 0)
	f.approved(t, "Ada Reader", strings.ToUpper(adaEmail), parent.ID, answering(parent.ID))
	f.approved(t, "Ada again", adaEmail, parent.ID, answering(parent.ID))
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Errorf("Ada was mailed about her own answers (%d messages in all)", len(got))
	}

	// The moderator wrote a reader's reply with their own address, then answers it
	// signed in: it is still them.
	own := f.subscribedAndConfirmed(t, "Mo", *f.moderator.Email, 0)
	f.submit(t, "", "", own.ID, func(s *moderation.Submission) {
		s.ParentID, s.Staff, s.ShownTo = own.ID, f.moderator, f.moderator.ID
	})
	f.run(t)
	if got := f.smtp.To(*f.moderator.Email); len(got) != 1 {
		t.Errorf("a staff member was mailed about their own staff answer (%d messages in all)", len(got))
	}
	// Another staff member's answer is someone else's.
	other := f.addStaff(t, "Nia Moderator", "nia@staff.example", model.RoleModerator)
	f.submit(t, "", "", own.ID, func(s *moderation.Submission) {
		s.ParentID, s.Staff, s.ShownTo = own.ID, other, other.ID
	})
	f.run(t)
	if got := f.smtp.To(*f.moderator.Email); len(got) != 2 || !strings.HasPrefix(got[1].Subject(), "Nia Moderator replied") {
		t.Errorf("another staff member's answer: %d messages in all, want 2", len(got))
	}
}

// Ensure that after unsubscribing, a reader receives nothing more: the message queued
// for them is cancelled, later answers send nothing, and their subscriptions,
// confirmation and links are gone.
func TestReaders_NoMailAfterUnsubscribe(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	parent := f.subscribedAndConfirmed(t, "Ada Reader", adaEmail, 0)
	token := unsubscribeToken(t, f.smtp.To(adaEmail)[0])
	if err := f.svc.CheckUnsubscribeLink(ctx, token); err != nil {
		t.Fatalf("check the link: %v", err)
	}
	f.approved(t, "Bob", bobEmail, parent.ID, answering(parent.ID))
	if _, err := f.svc.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	if list := f.readerMail(t); len(list) != 2 || list[0].Status != model.OutboxQueued {
		t.Fatalf("outbox = %+v, want the notification queued", list)
	}

	if err := f.svc.Unsubscribe(ctx, token); err != nil {
		t.Fatalf("unsubscribe: %v", err)
	}
	f.run(t)
	if list := f.readerMail(t); list[0].Status != model.OutboxCancelled || list[0].Recipient != "" {
		t.Errorf("the queued notification after unsubscribing: %+v", list[0])
	}
	f.approved(t, "Bob", bobEmail, parent.ID, answering(parent.ID))
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Errorf("after unsubscribing Ada received %d messages in all, want only the first", len(got))
	}
	index, err := f.st.EmailIndex(adaEmail)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := f.st.SubscriptionsOf(ctx, index)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := f.st.Subscriber(ctx, index); err != nil || len(subs) != 0 || who.ConfirmedAt != nil || who.ConfirmSentAt != nil {
		t.Errorf("after unsubscribing: subscriptions %+v, subscriber %+v (%v)", subs, who, err)
	}
	if err := f.svc.Unsubscribe(ctx, token); !errors.Is(err, mail.ErrUnsubscribeLinkInvalid) {
		t.Errorf("the link used again: error %v, want ErrUnsubscribeLinkInvalid", err)
	}
}

// Ensure a reply marked as spam or trash sends nothing to anyone: not the answer
// approved and then marked as spam before the sender ran, nor the request to confirm
// of a subscribed reply trashed likewise, nor a reply that went to spam as it came.
func TestReaders_NothingForSpam(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	parent := f.subscribedAndConfirmed(t, "Ada Reader", adaEmail, 0)

	answer := f.approved(t, "Spammer", bobEmail, parent.ID, answering(parent.ID))
	trashed := f.approved(t, "Carol", "carol@example.com", 0, subscribing)
	if _, err := f.svc.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(f.readerMail(t)); n != 3 {
		t.Fatalf("%d readers' messages after dispatch, want the confirmation sent and two queued", n)
	}
	f.moderate(t, moderation.ActionSpam, answer.ID)
	f.moderate(t, moderation.ActionTrash, trashed.ID)
	f.run(t)
	for _, m := range f.readerMail(t)[:2] {
		if m.Status != model.OutboxCancelled {
			t.Errorf("message about a reply moderated before it went: %+v", m)
		}
	}

	robot := f.submit(t, "Robot", "robot@example.com", parent.ID, func(s *moderation.Submission) {
		s.ParentID, s.Subscribe, s.Honeypot = parent.ID, true, "filled"
	})
	if robot.Status != model.CommentSpam {
		t.Fatalf("status = %s, want spam", robot.Status)
	}
	f.run(t)
	if got := f.smtp.To(adaEmail); len(got) != 1 {
		t.Errorf("Ada received %d messages in all, want only her confirmation", len(got))
	}
	for _, to := range []string{"carol@example.com", "robot@example.com", bobEmail} {
		if got := f.smtp.To(to); len(got) != 0 {
			t.Errorf("%s received %d messages", to, len(got))
		}
	}
}

// Ensure a replier's name that holds a line break and a header (a name imported from
// elsewhere, as the form refuses it) stays inside the subject: the message has no Bcc
// header and goes to the subscriber alone.
func TestReaders_HeaderInjectionImpossible(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	parent := f.subscribedAndConfirmed(t, "Ada Reader", adaEmail, 0)
	eve := &model.Comment{
		ArticleID: f.article.ID, ParentID: &parent.ID, AuthorName: "Eve\r\nBcc: x@evil.example",
		AuthorEmail: "eve@example.com", Body: "Hi\r\nBcc: y@evil.example", Status: model.CommentPending, CreatedAt: f.clock(),
	}
	if err := f.st.CreateComment(context.Background(), eve); err != nil {
		t.Fatal(err)
	}
	f.moderate(t, moderation.ActionApprove, eve.ID)
	f.run(t)

	got := f.smtp.To(adaEmail)
	if len(got) != 2 {
		t.Fatalf("Ada received %d messages, want the confirmation and the notification", len(got))
	}
	m := got[1]
	if len(m.To) != 1 || m.To[0] != adaEmail {
		t.Errorf("SMTP recipients = %q, want Ada alone", m.To)
	}
	h := m.Header()
	if len(h["Bcc"]) != 0 || len(h["Cc"]) != 0 {
		t.Errorf("the message has a Bcc or Cc header: %v", h)
	}
	head, _, _ := strings.Cut(string(m.Data), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("a header line of its own: %q", line)
		}
	}
	if want := "Eve Bcc: x@evil.example replied to your comment"; !strings.HasPrefix(m.Subject(), want) {
		t.Errorf("subject = %q, want it to start with %q", m.Subject(), want)
	}
	for _, to := range []string{"x@evil.example", "y@evil.example"} {
		if n := len(f.smtp.To(to)); n != 0 {
			t.Errorf("%s received %d messages", to, n)
		}
	}
}

// Ensure a site without mail queues nothing for readers, even for a subscription made
// while it had mail.
func TestReaders_NothingQueuedWhenMailIsOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	off, err := mail.New(mail.Options{Store: f.st, PublicURL: siteURL, Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	f.approved(t, "Ada Reader", adaEmail, 0, subscribing)
	if _, err := off.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if list := f.readerMail(t); len(list) != 0 {
		t.Errorf("queued without mail: %+v", list)
	}
}
