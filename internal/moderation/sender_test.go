package moderation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// account adds a staff account to the fixture's database and returns it.
func (f *fixture) account(t *testing.T, name, email string, role model.Role, credentials string) *model.User {
	t.Helper()
	u := &model.User{Name: name, Email: &email, Role: role, Credentials: credentials, PasswordHash: "$argon2id$not-checked-here"}
	if err := f.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// asStaff makes a submission come from u through the form shown to u.
func asStaff(u *model.User) func(*moderation.Submission) {
	return func(s *moderation.Submission) { s.Staff, s.ShownTo = u, u.ID }
}

// Ensure a reply from signed-in staff is their account's: its name and ID, with no
// email and no website, whatever name, email and website the request carries.
func TestSubmit_StaffReplyIsTheAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	author := f.account(t, "Ana Author", "ana@staff.example", model.RoleAuthor, "")
	c := f.submit(t, "reader45@example.com", "203.0.113.7", func(s *moderation.Submission) {
		asStaff(author)(s)
		s.Name, s.Website = "Reader 45", "https://reader45.example/"
	})
	saved, err := f.st.Comment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.UserID == nil || *saved.UserID != author.ID || saved.AuthorName != "Ana Author" ||
		saved.AuthorEmail != "" || saved.EmailIndex != "" || saved.AuthorURL != "" {
		t.Errorf("staff reply saved as user %v, name %q, email %q (index %q), website %q; want the account's name and ID, no email, no website",
			saved.UserID, saved.AuthorName, saved.AuthorEmail, saved.EmailIndex, saved.AuthorURL)
	}
	if n := f.count(t, `SELECT count(*) FROM comments WHERE author_email_enc IS NOT NULL AND user_id IS NOT NULL`); n != 0 {
		t.Errorf("%d staff replies keep an encrypted email, want none", n)
	}
	// An author does not moderate: under the default policy the reply is held.
	if saved.Status != model.CommentPending || saved.HeldReason != "every reply is held (manual moderation)" {
		t.Errorf("author's reply: status %q, reason %q; want held as every reply", saved.Status, saved.HeldReason)
	}
	mod := f.submit(t, "", "203.0.113.8", asStaff(f.staff))
	if mod.Status != model.CommentApproved || mod.AuthorName != "Mo Moderator" || mod.AuthorEmail != "" {
		t.Errorf("moderator's reply: status %q, name %q, email %q; want approved at once, under the account's name, no email",
			mod.Status, mod.AuthorName, mod.AuthorEmail)
	}
}

// Ensure a reply whose sender is not the one the form was shown to is refused, and
// nothing saved: a form shown to staff coming back without the session, a reader's
// form (or another account's) sent by someone signed in.
func TestSubmit_SenderMustBeTheFormsAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	author := f.account(t, "Ana Author", "ana@staff.example", model.RoleAuthor, "")
	tests := []struct {
		Name    string
		Staff   *model.User
		ShownTo int64
		Want    error
	}{
		{"ErrSessionEnded", nil, author.ID, moderation.ErrStaffSignedOut},
		{"ErrReadersFormSignedIn", author, 0, moderation.ErrConfirmStaff},
		{"ErrAnotherAccountsForm", author, f.staff.ID, moderation.ErrConfirmStaff},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM comments`)
			_, err := f.svc.Submit(context.Background(), f.article, moderation.Submission{
				Body: "Typed while the form was open.", Name: "Reader 45", Email: "reader45@example.com",
				Staff: tt.Staff, ShownTo: tt.ShownTo, ShownAt: f.now.Add(-30 * time.Second),
			})
			if !errors.Is(err, tt.Want) {
				t.Errorf("err = %v, want %v", err, tt.Want)
			}
			if got := f.count(t, `SELECT count(*) FROM comments`); got != before {
				t.Errorf("%d replies after a refused one, want %d", got, before)
			}
		})
	}
}

// Ensure staff who do not moderate go through the rules about what a reply says, and
// that their signed-in account answers the rules about who sends it: a known
// commenter, never taken for a robot.
func TestSubmit_StaffWhoDoNotModerate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	reviewer := f.account(t, "Dr. Amara Okafor", "amara@staff.example", model.RoleReviewer, "MD, neurologist")
	p, err := f.st.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.HoldAll, p.AutoApproveKnown, p.SpamWords = false, true, []string{"casino"}
	if err := f.st.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		Name       string
		Change     func(*moderation.Submission)
		WantStatus model.CommentStatus
		WantReason string
	}{
		{"KnownByTheAccount", nil, model.CommentApproved, ""},
		{"NoFormTimestamp", func(s *moderation.Submission) { s.ShownAt = f.now }, model.CommentApproved, ""},
		{"HiddenFieldFilled", func(s *moderation.Submission) { s.Honeypot = "x" }, model.CommentApproved, ""},
		{"Links", func(s *moderation.Submission) { s.Body = "See https://a.example/ and https://b.example/." }, model.CommentPending, "has 2 links"},
		{"SpamWord", func(s *moderation.Submission) { s.Body = "Casino." }, model.CommentSpam, "contains the spam word “casino”"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			c := f.submit(t, "", "203.0.113.9", func(s *moderation.Submission) {
				asStaff(reviewer)(s)
				s.Body += " " + tt.Name
				if tt.Change != nil {
					tt.Change(s)
				}
			})
			if c.Status != tt.WantStatus || c.HeldReason != tt.WantReason {
				t.Errorf("status %q, reason %q; want %q, %q", c.Status, c.HeldReason, tt.WantStatus, tt.WantReason)
			}
		})
	}
}
