package mail_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// setModerationMail saves what u hears about replies waiting.
func (f *fixture) setModerationMail(t testing.TB, u *model.User, m model.ModerationMail) {
	t.Helper()
	if err := f.st.SetModerationMail(context.Background(), u.ID, m); err != nil {
		t.Fatal(err)
	}
}

// twoLinks holds a reader's reply for having two links, whatever the policy says of
// new readers.
func twoLinks(s *moderation.Submission) {
	s.Body += " See https://a.example/ and https://b.example/."
}

// Ensure every active moderator who chose each reply gets one message about a reply
// held, naming the article, quoting the reply and saying why it was held, linking to
// the queue, and never carrying the commenter's email; staff who do not moderate,
// chose otherwise, or cannot sign in get nothing.
func TestModerators_EachReplyWaitingMailsEveryModeratorOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	editor := f.addStaff(t, "Eda Editor", "eda@staff.example", model.RoleEditor)
	f.addStaff(t, "Ann Author", "ann@staff.example", model.RoleAuthor)
	quiet := f.addStaff(t, "Quinn Quiet", "quinn@staff.example", model.RoleModerator)
	f.setModerationMail(t, quiet, model.ModerationMailNone)
	daily := f.addStaff(t, "Dee Daily", "dee@staff.example", model.RoleModerator)
	f.setModerationMail(t, daily, model.ModerationMailDaily)
	gone := f.addStaff(t, "Gus Gone", "gus@staff.example", model.RoleModerator)
	gone.DisabledAt = new(f.clock())
	if err := f.st.UpdateAccount(context.Background(), gone, f.clock()); err != nil {
		t.Fatal(err)
	}

	held := f.submit(t, "Ada Reader", "ada.canary@example.net", 0, twoLinks)
	if held.Status != model.CommentPending {
		t.Fatalf("the reply is %s, want pending", held.Status)
	}
	f.run(t)
	f.run(t) // a second pass sends nothing more

	got := f.smtp.Messages()
	if len(got) != 2 || len(f.smtp.To("mo@staff.example")) != 1 || len(f.smtp.To("eda@staff.example")) != 1 {
		for _, m := range got {
			t.Logf("to %v: %s", m.To, m.Subject())
		}
		t.Fatalf("%d messages, want one each to the moderator and the editor", len(got))
	}
	m := f.smtp.To(editor.EmailAddress())[0]
	if want := "A reply waits for moderation: " + f.article.Title; m.Subject() != want {
		t.Errorf("subject = %q, want %q", m.Subject(), want)
	}
	text, html := m.Text(), m.Part("text/html")
	for _, want := range []string{
		"Hello Eda Editor,", "From: Ada Reader", "Held because: " + held.HeldReason, "> A reply from Ada Reader",
		siteURL + "/admin/comments/" + itoa(held.ID) + "/edit", siteURL + "/admin/comments?status=pending",
		siteURL + "/articles/" + f.article.Slug,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
	if held.HeldReason == "" || !strings.Contains(html, "Held because:</strong> "+held.HeldReason) {
		t.Errorf("the HTML does not say why (%q) it was held:\n%s", held.HeldReason, html)
	}
	for _, msg := range got {
		if strings.Contains(string(msg.Data), "ada.canary") {
			t.Errorf("a message to %v carries the commenter's email", msg.To)
		}
	}
	for _, o := range f.outbox(t) {
		if o.Status != model.OutboxSent || o.Recipient != "" || len(o.Body) != 0 {
			t.Errorf("outbox row after sending = %+v", o)
		}
	}
}

// Ensure a reply approved, or marked as spam, before the sender ran mails no
// moderator: its messages are cancelled, or never queued.
func TestModerators_NothingForAReplyModeratedBeforeTheMailWent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, action := range []moderation.Action{"approve", "spam", "trash"} {
		t.Run(string(action), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			dispatched := f.submit(t, "Ada Reader", "ada@example.net", 0, twoLinks)
			if _, err := f.svc.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
			early := f.submit(t, "Bo Reader", "bo@example.net", 0, twoLinks)
			for _, id := range []int64{dispatched.ID, early.ID} {
				if _, err := f.moderation.Moderate(ctx, f.moderator, action, id); err != nil {
					t.Fatal(err)
				}
			}
			f.run(t)
			if got := f.smtp.Messages(); len(got) != 0 {
				t.Errorf("%d messages about replies moderated before the mail went: %q", len(got), got[0].Subject())
			}
			list := f.outbox(t)
			if len(list) != 1 || list[0].Status != model.OutboxCancelled || list[0].CommentID != dispatched.ID {
				t.Errorf("outbox = %+v, want the dispatched reply's message cancelled, nothing for the other", list)
			}
		})
	}
}

// Ensure a staff member whose own reply was held is not mailed about it, while the
// other moderators are.
func TestModerators_NoMailAboutOnesOwnReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	writer := f.addStaff(t, "Wes Writer", "wes@staff.example", model.RoleAuthor)
	own := f.submit(t, "", "", 0, func(s *moderation.Submission) {
		s.Staff, s.ShownTo = writer, writer.ID
		twoLinks(s)
	})
	if own.Status != model.CommentPending {
		t.Fatalf("the staff reply is %s, want pending", own.Status)
	}
	// They moderate by the time the mail goes.
	writer.Role = model.RoleEditor
	if err := f.st.UpdateAccount(ctx, writer, f.clock()); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	if got := f.smtp.To(writer.EmailAddress()); len(got) != 0 {
		t.Errorf("the writer was mailed about their own reply: %q", got[0].Subject())
	}
	if got := f.smtp.To(f.moderator.EmailAddress()); len(got) != 1 {
		t.Errorf("the moderator got %d messages, want 1", len(got))
	}
}

// Ensure a moderator who chose nothing gets nothing, and one who chose the daily
// digest gets one message listing the replies waiting, then nothing until a day
// has passed and another reply came.
func TestModerators_DailyDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.setModerationMail(t, f.moderator, model.ModerationMailNone)
	daily := f.addStaff(t, "Dee Daily", "dee@staff.example", model.RoleModerator)
	f.setModerationMail(t, daily, model.ModerationMailDaily)
	digests := func() int {
		t.Helper()
		n, err := f.svc.SendDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f.run(t)
		return n
	}
	if n := digests(); n != 0 {
		t.Fatalf("%d digests with no reply waiting", n)
	}

	first := f.submit(t, "Ada Reader", "ada.canary@example.net", 0, twoLinks)
	f.submit(t, "Bo Reader", "bo@example.net", 0, twoLinks)
	if n := digests(); n != 1 {
		t.Fatalf("%d digests, want 1", n)
	}
	got := f.smtp.Messages()
	if len(got) != 1 || len(f.smtp.To(daily.EmailAddress())) != 1 {
		t.Fatalf("%d messages, want the digest alone (the moderator chose nothing)", len(got))
	}
	m := got[0]
	text := m.Text()
	if m.Subject() != "2 replies wait for moderation" {
		t.Errorf("subject = %q", m.Subject())
	}
	for _, want := range []string{"2 replies are waiting", "from Ada Reader", "from Bo Reader", f.article.Title,
		siteURL + "/admin/comments/" + itoa(first.ID) + "/edit", siteURL + "/admin/comments?status=pending"} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(string(m.Data), "ada.canary") {
		t.Error("the digest carries a commenter's email")
	}

	f.submit(t, "Cy Reader", "cy@example.net", 0, twoLinks)
	f.advance(DigestHalfDay)
	if n := digests(); n != 0 {
		t.Errorf("a second digest within a day")
	}
	f.advance(DigestHalfDay)
	if n := digests(); n != 1 {
		t.Errorf("%d digests a day later with a new reply, want 1", n)
	}
	if got := f.smtp.Messages(); len(got) != 2 || !strings.Contains(got[1].Text(), "3 replies are waiting") {
		t.Errorf("%d messages; the second digest should count 3 replies", len(got))
	}
	f.advance(25 * time.Hour)
	if n := digests(); n != 0 {
		t.Errorf("a digest with no new reply since the last one")
	}
}

// DigestHalfDay is half of mail.DigestInterval.
const DigestHalfDay = 12 * time.Hour

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
