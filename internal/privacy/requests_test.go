package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/store"
)

// The messages a refused request shows beside its fields.
const (
	msgNoEmail  = "Enter the email address the person used for their replies."
	msgBadEmail = "Enter an email address like name@example.com."
	msgMode     = "Choose whether to anonymise the replies or to delete them."
	msgConfirm  = "Tick the box to confirm: this cannot be undone."
)

// fields returns the fields of err, a *model.ValidationError, and fails otherwise.
func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	var v *model.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v, want a *model.ValidationError", err)
	}
	return v.Fields
}

// ids returns the IDs of replies.
func ids(list []store.QueueComment) []int64 {
	out := make([]int64, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

// Ensure Find returns every reply sent with an email, in any status, oldest first,
// whatever the case and the spaces around the email typed, and nobody else's.
func TestFind_EveryReplyByEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	th := f.addThread(t)
	found, err := f.svc.Find(context.Background(), "  Sam.Asks@EXAMPLE.com ")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(found), []int64{th.samAnswer, th.samHeld}; !reflect.DeepEqual(got, want) {
		t.Errorf("Find = replies %v, want %v", got, want)
	}
	for _, c := range found {
		if c.AuthorEmail != samEmail || c.AuthorName != samName {
			t.Errorf("reply %d is by %q <%s>, want %q <%s>", c.ID, c.AuthorName, c.AuthorEmail, samName, samEmail)
		}
	}
	none, err := f.svc.Find(context.Background(), "nobody@example.com")
	if err != nil || len(none) != 0 {
		t.Errorf("Find(nobody) = %v, %v; want no reply and no error", ids(none), err)
	}
}

// Ensure Find refuses what is not an email address, saying why in the email field.
func TestFind_ErrEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addThread(t)
	for _, tc := range []struct{ name, email, want string }{
		{"ErrEmailMissing", "   ", msgNoEmail},
		{"ErrNotAnEmail", "sam.asks", msgBadEmail},
		{"ErrEmailTooLong", strings.Repeat("s", model.MaxCommentEmail-11) + "@example.com", msgBadEmail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, err := f.svc.Find(context.Background(), tc.email)
			if got, want := fields(t, err), map[string]string{privacy.FieldEmail: tc.want}; !reflect.DeepEqual(got, want) {
				t.Errorf("fields %v, want %v", got, want)
			}
			if found != nil {
				t.Errorf("Find returned replies %v with its error", ids(found))
			}
		})
	}
}

// Ensure Export returns every reply sent with the email, with everything stored about
// each, in the document's exact JSON shape, and records one audit line counting them.
func TestExport_DocumentAndAuditLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	th := f.addThread(t)
	doc, err := f.svc.Export(context.Background(), f.admin, " "+samEmail+" ")
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{
  "requested_at": "2026-03-01T12:00:00Z",
  "site": "https://health.example.org",
  "email": "sam.asks@example.com",
  "count": 2,
  "replies": [
    {
      "id": %d,
      "name": "Sam Asks",
      "email": "sam.asks@example.com",
      "website": "https://sam.example.org/",
      "text": "Sam agrees with Priya about coffee.",
      "article_title": "Understanding Involuntary Muscle Twitches: Causes and Management",
      "article_url": "https://health.example.org/articles/understanding-involuntary-muscle-twitches",
      "parent_id": 1,
      "status": "approved",
      "created_at": "2026-03-01T09:00:00Z",
      "updated_at": "2026-03-01T09:00:00Z",
      "user_agent": "SamBrowser/1.0",
      "network": "203.0.113.0/24"
    },
    {
      "id": %d,
      "name": "Sam Asks",
      "email": "sam.asks@example.com",
      "website": "https://sam.example.org/",
      "text": "Sam's held reply with a link.",
      "article_title": "Understanding Involuntary Muscle Twitches: Causes and Management",
      "article_url": "https://health.example.org/articles/understanding-involuntary-muscle-twitches",
      "parent_id": null,
      "status": "pending",
      "created_at": "2026-03-01T11:00:00Z",
      "updated_at": "2026-03-01T11:00:00Z",
      "user_agent": "SamBrowser/1.0",
      "network": "203.0.113.0/24"
    }
  ],
  "subscriptions": {
    "replies": [],
    "confirmed": false,
    "confirmation_sent_at": null,
    "confirmed_at": null
  }
}`, th.samAnswer, th.samHeld)
	if string(body) != want {
		t.Errorf("export:\n%s\nwant:\n%s", body, want)
	}
	if strings.Contains(string(body), "Tom") || strings.Contains(string(body), "sam-address-hash") {
		t.Error("the export holds someone else's reply or the address hash")
	}
	wantAudit := []store.PrivacyAuditEntry{{ID: 1, StaffName: "Ada Admin", Action: store.PrivacyExport, Replies: 2, CreatedAt: f.now}}
	if got := f.audit(t); !reflect.DeepEqual(got, wantAudit) {
		t.Errorf("audit log %+v, want %+v", got, wantAudit)
	}
}

// Ensure an export of an email nobody used is an empty document, and is recorded too.
func TestExport_NoneFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addThread(t)
	doc, err := f.svc.Export(context.Background(), f.admin, "nobody@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := &privacy.Export{RequestedAt: f.now, Site: site, Email: "nobody@example.com", Count: 0, Replies: []privacy.ExportReply{},
		Subscriptions: privacy.ExportSubscriptions{Replies: []int64{}}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("export %+v, want %+v", doc, want)
	}
	wantAudit := []store.PrivacyAuditEntry{{ID: 1, StaffName: "Ada Admin", Action: store.PrivacyExport, Replies: 0, CreatedAt: f.now}}
	if got := f.audit(t); !reflect.DeepEqual(got, wantAudit) {
		t.Errorf("audit log %+v, want %+v", got, wantAudit)
	}
}

// Ensure no copy leaves without its audit line: when the line cannot be written, Export
// returns an error and no document.
func TestExport_NoCopyWithoutAuditLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addThread(t)
	if _, err := f.db.Exec(`DROP TABLE privacy_audit`); err != nil {
		t.Fatal(err)
	}
	doc, err := f.svc.Export(context.Background(), f.admin, samEmail)
	if doc != nil {
		t.Errorf("Export returned a copy of %d replies without its audit line", doc.Count)
	}
	if err == nil || !strings.Contains(err.Error(), "privacy_audit") {
		t.Errorf("Export error %v, want the failed audit write", err)
	}
}

// Ensure a refused export (an email that is not one, or someone who may not handle
// personal data) returns no document and records nothing.
func TestExport_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addThread(t)
	ctx := context.Background()
	t.Run("ErrNotAnEmail", func(t *testing.T) {
		doc, err := f.svc.Export(ctx, f.admin, "sam.asks")
		if got, want := fields(t, err), map[string]string{privacy.FieldEmail: msgBadEmail}; !reflect.DeepEqual(got, want) {
			t.Errorf("fields %v, want %v", got, want)
		}
		if doc != nil {
			t.Error("Export returned a document with its error")
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		for name, u := range map[string]*model.User{"moderator": f.moderator, "nobody": nil} {
			doc, err := f.svc.Export(ctx, u, samEmail)
			if !errors.Is(err, model.ErrForbidden) || doc != nil {
				t.Errorf("Export by %s = %v, %v; want nil, model.ErrForbidden", name, doc, err)
			}
		}
	})
	if got := f.audit(t); len(got) != 0 {
		t.Errorf("refused exports left audit lines %+v", got)
	}
}

// Ensure anonymising strips Sam's replies of all that identifies him, keeps their text
// and thread, leaves everyone else's replies alone, and records one audit line.
func TestErase_Anonymise(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	th := f.addThread(t)
	ctx := context.Background()
	tomBefore := f.row(t, th.tomToSam)
	n, err := f.svc.Erase(ctx, f.admin, " Sam.Asks@example.com", privacy.EraseAnonymise, true)
	if err != nil || n != 2 {
		t.Fatalf("Erase = %d, %v; want 2, nil", n, err)
	}
	for id, body := range map[int64]string{th.samAnswer: "Sam agrees with Priya about coffee.", th.samHeld: "Sam's held reply with a link."} {
		want := replyRow{Name: store.AnonymousName, Body: body, UpdatedAt: "2026-03-01 12:00:00+00:00"}
		if got := f.row(t, id); got != want {
			t.Errorf("reply %d after anonymising: %+v, want %+v", id, got, want)
		}
	}
	if got := f.row(t, th.tomToSam); got != tomBefore {
		t.Errorf("Tom's reply changed: %+v, was %+v", got, tomBefore)
	}
	if got := f.count(t, `SELECT count(*) FROM comments WHERE parent_id = ?`, th.samAnswer); got != 1 {
		t.Errorf("%d replies answer Sam's anonymised reply, want 1 (Tom's)", got)
	}
	if found, err := f.svc.Find(ctx, samEmail); err != nil || len(found) != 0 {
		t.Errorf("Find after anonymising = %v, %v; want nothing", ids(found), err)
	}
	wantAudit := []store.PrivacyAuditEntry{{ID: 1, StaffName: "Ada Admin", Action: store.PrivacyAnonymise, Replies: 2, CreatedAt: f.now}}
	if got := f.audit(t); !reflect.DeepEqual(got, wantAudit) {
		t.Errorf("audit log %+v, want %+v", got, wantAudit)
	}
}

// Ensure deleting removes Sam's replies for good, moves Tom's answer up to the reply
// Sam answered, and records one audit line.
func TestErase_Delete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	th := f.addThread(t)
	ctx := context.Background()
	n, err := f.svc.Erase(ctx, f.admin, samEmail, privacy.EraseDelete, true)
	if err != nil || n != 2 {
		t.Fatalf("Erase = %d, %v; want 2, nil", n, err)
	}
	if got := f.count(t, `SELECT count(*) FROM comments WHERE id IN (?, ?)`, th.samAnswer, th.samHeld); got != 0 {
		t.Errorf("%d of Sam's replies remain, want 0", got)
	}
	if got := f.count(t, `SELECT count(*) FROM comments`); got != 4 {
		t.Errorf("%d replies remain, want 4 (the demo's three and Tom's)", got)
	}
	if got := f.count(t, `SELECT parent_id FROM comments WHERE id = ?`, th.tomToSam); got != 1 {
		t.Errorf("Tom's answer now answers reply %d, want 1 (the one Sam answered)", got)
	}
	wantAudit := []store.PrivacyAuditEntry{{ID: 1, StaffName: "Ada Admin", Action: store.PrivacyDelete, Replies: 2, CreatedAt: f.now}}
	if got := f.audit(t); !reflect.DeepEqual(got, wantAudit) {
		t.Errorf("audit log %+v, want %+v", got, wantAudit)
	}
}

// Ensure a refused erasure (no confirmation, no mode, an email that is not one, or
// someone who may not handle personal data) names every wrong field and changes
// nothing: no reply, no audit line.
func TestErase_RefusedChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addThread(t)
	ctx := context.Background()
	before := f.snapshot(t)
	for _, tc := range []struct {
		name, email, mode string
		confirmed         bool
		want              map[string]string
	}{
		{"ErrNotConfirmed", samEmail, privacy.EraseDelete, false, map[string]string{privacy.FieldConfirm: msgConfirm}},
		{"ErrNotConfirmedAnonymise", samEmail, privacy.EraseAnonymise, false, map[string]string{privacy.FieldConfirm: msgConfirm}},
		{"ErrMode", samEmail, "purge", true, map[string]string{privacy.FieldMode: msgMode}},
		{"ErrEmailMissing", "", privacy.EraseDelete, true, map[string]string{privacy.FieldEmail: msgNoEmail}},
		{"ErrEverything", "sam.asks", "", false, map[string]string{
			privacy.FieldEmail: msgBadEmail, privacy.FieldMode: msgMode, privacy.FieldConfirm: msgConfirm}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := f.svc.Erase(ctx, f.admin, tc.email, tc.mode, tc.confirmed)
			if got := fields(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
			if n != 0 {
				t.Errorf("Erase refused but says %d replies were erased", n)
			}
		})
	}
	t.Run("ErrForbidden", func(t *testing.T) {
		for name, u := range map[string]*model.User{"moderator": f.moderator, "nobody": nil} {
			if n, err := f.svc.Erase(ctx, u, samEmail, privacy.EraseDelete, true); !errors.Is(err, model.ErrForbidden) || n != 0 {
				t.Errorf("Erase by %s = %d, %v; want 0, model.ErrForbidden", name, n, err)
			}
		}
	})
	if after := f.snapshot(t); after != before {
		t.Errorf("a refused erasure changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// Ensure an erasure whose audit line cannot be written erases nothing.
func TestErase_NothingWithoutAuditLine(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{privacy.EraseAnonymise, privacy.EraseDelete} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.addThread(t)
			if _, err := f.db.Exec(`DROP TABLE privacy_audit`); err != nil {
				t.Fatal(err)
			}
			before := f.dump(t, allReplies)
			n, err := f.svc.Erase(context.Background(), f.admin, samEmail, mode, true)
			if err == nil || !strings.Contains(err.Error(), "privacy_audit") || n != 0 {
				t.Errorf("Erase = %d, %v; want 0 and the failed audit write", n, err)
			}
			if after := f.dump(t, allReplies); after != before {
				t.Errorf("the replies changed without an audit line:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// replyRow is what the database holds about one reply's author and origin.
type replyRow struct {
	Name, Email, Index, URL, UserAgent, ClientHash, ClientPrefix, Body, UpdatedAt string
	Sealed                                                                        bool
}

func (f *fixture) row(t *testing.T, id int64) replyRow {
	t.Helper()
	var r replyRow
	var sealed []byte
	var updated time.Time
	err := f.db.QueryRow(`SELECT author_name, author_email, author_email_index, author_url, user_agent, client_hash,
		client_prefix, body, updated_at, author_email_enc FROM comments WHERE id = ?`, id).
		Scan(&r.Name, &r.Email, &r.Index, &r.URL, &r.UserAgent, &r.ClientHash, &r.ClientPrefix, &r.Body, &updated, &sealed)
	if err != nil {
		t.Fatalf("reply %d: %v", id, err)
	}
	r.Sealed, r.UpdatedAt = sealed != nil, updated.UTC().Format("2006-01-02 15:04:05-07:00")
	return r
}
