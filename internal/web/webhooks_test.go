package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

func TestWebhooks_AdminAddsListsAndDeletes(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))

	page := s.getAs(t, admin, "/admin/webhooks").wantStatus(http.StatusOK).
		wantContains("Add a webhook", `value="reply.pending" checked`, `value="reply.approved" checked`,
			`value="article.published" checked`, `value="article.review_requested" checked`)
	if !strings.Contains(page.Body, `name="secret" type="text" value="`) {
		t.Error("the form offers no secret")
	}

	// A refused form keeps what was typed, and says what is wrong.
	bad := url.Values{"url": {"ftp://hooks.example.org/x"}, "secret": {"short"}, "events": {"reply.approved"}}
	s.postForm(t, "/admin/webhooks", bad, admin).wantStatus(http.StatusUnprocessableEntity).
		wantContains("The webhook was not added", "ftp://hooks.example.org/x", `value="short"`, "at least 16 characters",
			`value="reply.approved" checked`).
		wantNotContains(`value="reply.pending" checked`)
	if n := s.count(t, `SELECT count(*) FROM webhooks`); n != 0 {
		t.Fatalf("a refused form saved %d webhooks", n)
	}
	s.postForm(t, "/admin/webhooks", url.Values{"url": {"https://hooks.example.org/x"}, "secret": {"long enough secret!"}}, admin).
		wantStatus(http.StatusUnprocessableEntity).wantContains("Choose at least one event.")

	res := s.postForm(t, "/admin/webhooks", url.Values{
		"url": {"https://hooks.example.org/fascicle"}, "secret": {"a-secret-nobody-sees-again"},
		"events": {"reply.pending", "article.published", "made.up"},
	}, admin).wantStatus(http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/admin/webhooks/") {
		t.Fatalf("sent to %q after adding a webhook", loc)
	}
	s.getAs(t, admin, loc).wantStatus(http.StatusOK).
		wantContains("Webhook added", "https://hooks.example.org/fascicle", "reply.pending", "article.published", "Nothing delivered yet").
		wantNotContains("a-secret-nobody-sees-again", "made.up", "reply.approved")
	s.getAs(t, admin, "/admin/webhooks").wantContains("https://hooks.example.org/fascicle").
		wantNotContains("a-secret-nobody-sees-again")
	// The secret is sealed at rest like commenters' emails.
	if n := s.count(t, `SELECT count(*) FROM webhooks WHERE CAST(secret AS TEXT) LIKE '%nobody-sees%'`); n != 0 {
		t.Error("the webhook's secret is stored in clear")
	}

	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/admin/webhooks/")
	gone := s.postForm(t, "/admin/webhooks/"+id+"/delete", url.Values{}, admin).wantStatus(http.StatusSeeOther)
	s.getAs(t, admin, gone.Header.Get("Location")).wantContains("Webhook deleted", "No webhook yet.")
	s.postForm(t, "/admin/webhooks/"+id+"/delete", url.Values{}, admin).wantStatus(http.StatusNotFound).wantContains("Webhook not found")
}

func TestWebhooks_OnlyForAdministrators(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, role := range []model.Role{model.RoleEditor, model.RoleModerator, model.RoleAuthor, model.RoleReviewer} {
		cookie := s.signIn(t, s.addUser(t, role))
		for _, path := range []string{"/admin/webhooks", "/admin/outbox"} {
			s.getAs(t, cookie, path).wantStatus(http.StatusForbidden)
		}
		s.postForm(t, "/admin/webhooks", url.Values{"url": {"https://x.example"}, "secret": {"0123456789abcdef0"}, "events": {"reply.pending"}}, cookie).
			wantStatus(http.StatusForbidden)
	}
	if n := s.count(t, `SELECT count(*) FROM webhooks`); n != 0 {
		t.Errorf("%d webhooks added by staff who manage no settings", n)
	}
}

func TestOutbox_ListsMessagesWithoutAddresses(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.signIn(t, s.addUser(t, model.RoleAdmin))
	ctx := context.Background()
	now := s.clock()
	for i, status := range []model.OutboxStatus{model.OutboxQueued, model.OutboxSent, model.OutboxFailed} {
		m := model.OutboxMessage{Kind: "reply_notification", DedupeKey: "test:" + string(status), Recipient: "outbox.canary@example.net",
			Subject: "Someone answered you " + string(status), Body: []byte("text for outbox.canary@example.net"), NextAttemptAt: now, CreatedAt: now}
		if _, err := s.store.QueueMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		if status != model.OutboxQueued {
			if err := s.store.FinishMessage(ctx, int64(i+1), status, "550 5.1.1 Mailbox unavailable", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.getAs(t, admin, "/admin/outbox").wantStatus(http.StatusOK).
		wantContains("Mail is off", "Someone answered you queued", "Someone answered you sent", "550 5.1.1 Mailbox unavailable",
			`Failed <span class="count">1</span>`, `All <span class="count">3</span>`).
		wantNotContains("outbox.canary")
	s.getAs(t, admin, "/admin/outbox?status=failed").wantContains("Someone answered you failed").
		wantNotContains("Someone answered you sent")
	s.getAs(t, admin, "/admin/outbox?status=nonsense").wantStatus(http.StatusNotFound)
	s.getAs(t, admin, "/admin/settings").wantContains("Mail is off", `href="/admin/outbox"`, `href="/admin/webhooks"`)
	// Neither the address nor the message is in the database in clear.
	if n := s.count(t, `SELECT count(*) FROM outbox WHERE CAST(recipient AS TEXT) LIKE '%canary%' OR CAST(body AS TEXT) LIKE '%canary%'`); n != 0 {
		t.Error("an address is stored in clear in the outbox")
	}
}
