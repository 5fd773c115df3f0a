package accounts_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// invitationLinks returns the tokens of the invitations written since the last call,
// by account, and who sent each.
func (f *fixture) invitationLinks(t *testing.T) (links map[int64]string, by map[int64]int64) {
	t.Helper()
	events, err := f.st.WaitingEvents(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	links, by = map[int64]string{}, map[int64]int64{}
	for _, e := range events {
		if e.Kind != model.EventInvited || e.Secret == "" {
			t.Errorf("event %+v", e)
		}
		links[e.UserID], by[e.UserID] = e.Secret, e.ActorID
		if _, err := f.st.MarkDispatched(f.ctx, e.ID, f.now); err != nil {
			t.Fatal(err)
		}
	}
	return links, by
}

// Ensure an invitation creates an account without a password, which cannot sign in
// and is listed as invited, with a link for 72 hours in its event and a line in the
// audit log; accepting it sets a strong password once, after which the account signs
// in and is listed with the others.
func TestInvite_AcceptedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.addAccount(t, "admin@example.org", realHash())
	admin.Role = model.RoleAdmin
	u, err := f.svc.Invite(f.ctx, admin, accounts.Invitation{Name: " Rita Reviewer ", Email: " Rita@Example.org", Role: model.RoleReviewer, Credentials: "MD"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Rita Reviewer" || u.EmailAddress() != "rita@example.org" || u.PasswordHash != "" || u.Slug != "rita-reviewer" {
		t.Errorf("invited %+v", u)
	}
	links, by := f.invitationLinks(t)
	token := links[u.ID]
	if token == "" || by[u.ID] != admin.ID {
		t.Fatalf("links %v by %v", links, by)
	}
	if n := f.count(t, `SELECT count(*) FROM link_tokens WHERE user_id = ? AND purpose = 'invitation' AND expires_at = ?`, u.ID, f.now.Add(72*time.Hour)); n != 1 {
		t.Errorf("%d invitation links for 72 hours", n)
	}
	if _, err := f.svc.SignIn(f.ctx, "rita@example.org", "", ""); !errors.Is(err, accounts.ErrWrongCredentials) {
		t.Errorf("an invited account signs in: %v", err)
	}
	invitees, err := f.svc.Invitees(f.ctx, admin)
	if err != nil || len(invitees) != 1 || invitees[0].ID != u.ID || invitees[0].LinkExpiresAt == nil || !invitees[0].LinkExpiresAt.Equal(f.now.Add(72*time.Hour)) {
		t.Errorf("invitees = %+v, %v", invitees, err)
	}
	if named, _ := f.svc.NamedPeople(f.ctx); len(named) != 0 {
		t.Errorf("the invited person is listed among the people named on articles: %+v", named)
	}
	if got, err := f.svc.CheckInvitation(f.ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("CheckInvitation = %v, %v", got, err)
	}

	f.advance(time.Hour)
	_, err = f.svc.AcceptInvitation(f.ctx, token, "rita reviewer")
	wantFields(t, err, map[string]string{"password": "Do not use your name, your email address or the site's name. Add another word or two. Uncommon words are better."})
	const chosen = "harbour finch umbrella"
	if _, err := f.svc.AcceptInvitation(f.ctx, token, chosen); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(f.ctx, "rita@example.org", chosen, ""); err != nil {
		t.Errorf("sign in with the chosen password: %v", err)
	}
	if _, err := f.svc.AcceptInvitation(f.ctx, token, "another harbour finch"); !errors.Is(err, accounts.ErrInvitationInvalid) {
		t.Errorf("the link used again: %v", err)
	}
	if invitees, _ := f.svc.Invitees(f.ctx, admin); len(invitees) != 0 {
		t.Errorf("still invited: %+v", invitees)
	}
	audit, err := f.svc.Audit(f.ctx, admin, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Action != accounts.AuditInvitationAccepted || audit[0].Actor != "Rita Reviewer" ||
		audit[1].Action != accounts.AuditInvited || audit[1].Actor != admin.Name || audit[1].Detail != "Medical reviewer" {
		t.Errorf("audit = %+v", audit)
	}
}

// Ensure an invitation is refused for an address that has an account, or is invited
// already, for a wrong field, and for staff who do not manage accounts.
func TestInvite_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addAccount(t, "ed@example.org", placeholderHash)
	if _, err := f.svc.Invite(f.ctx, nil, accounts.Invitation{Name: "Pending", Email: "pending@example.org", Role: model.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		Name string
		By   *model.User
		Inv  accounts.Invitation
		Want error
	}{
		{"ErrEmailTaken", nil, accounts.Invitation{Name: "Ed Again", Email: "ED@example.org", Role: model.RoleAuthor}, accounts.ErrEmailTaken},
		{"ErrAlreadyInvited", nil, accounts.Invitation{Name: "Pending Again", Email: "Pending@example.org", Role: model.RoleAuthor}, accounts.ErrAlreadyInvited},
		{"ErrForbidden", &model.User{ID: 99, Role: model.RoleEditor}, accounts.Invitation{Name: "New", Email: "new@example.org", Role: model.RoleAuthor}, model.ErrForbidden},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			if u, err := f.svc.Invite(f.ctx, tt.By, tt.Inv); !errors.Is(err, tt.Want) || u != nil {
				t.Errorf("Invite = %v, %v; want %v", u, err, tt.Want)
			}
		})
	}
	_, err := f.svc.Invite(f.ctx, nil, accounts.Invitation{Name: " ", Email: "nope", Role: "chief"})
	wantFields(t, err, map[string]string{"name": "Name is required.", "email": "Enter an email address like name@example.com.", "role": "Choose a role."})
	if n := f.count(t, `SELECT count(*) FROM users`); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}
}

// Ensure an invitation's link stops working after 72 hours, and an administrator's new
// one replaces it; an account with a password needs no invitation.
func TestInvite_ExpiresAndIsSentAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, err := f.svc.Invite(f.ctx, nil, accounts.Invitation{Name: "Mo Derator", Email: "mo@example.org", Role: model.RoleModerator})
	if err != nil {
		t.Fatal(err)
	}
	links, _ := f.invitationLinks(t)
	first := links[u.ID]
	f.advance(71 * time.Hour)
	if _, err := f.svc.CheckInvitation(f.ctx, first); err != nil {
		t.Errorf("a link 71 hours old: %v", err)
	}
	f.advance(time.Hour)
	if _, err := f.svc.AcceptInvitation(f.ctx, first, "harbour finch umbrella"); !errors.Is(err, accounts.ErrInvitationInvalid) {
		t.Errorf("a link 72 hours old: %v", err)
	}
	if _, err := f.svc.ResendInvitation(f.ctx, nil, u.ID); err != nil {
		t.Fatal(err)
	}
	links, _ = f.invitationLinks(t)
	second := links[u.ID]
	if second == "" || second == first {
		t.Fatalf("the new link %q", second)
	}
	if _, err := f.svc.ResendInvitation(f.ctx, nil, u.ID); err != nil {
		t.Fatal(err)
	}
	third, _ := f.invitationLinks(t)
	if _, err := f.svc.CheckInvitation(f.ctx, second); !errors.Is(err, accounts.ErrInvitationInvalid) {
		t.Errorf("a replaced link: %v", err)
	}
	if _, err := f.svc.AcceptInvitation(f.ctx, third[u.ID], "harbour finch umbrella"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResendInvitation(f.ctx, nil, u.ID); !errors.Is(err, accounts.ErrNotInvited) {
		t.Errorf("an invitation to an account with a password: %v", err)
	}
	if _, err := f.svc.ResendInvitation(f.ctx, nil, 999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an invitation to no account: %v", err)
	}
}
