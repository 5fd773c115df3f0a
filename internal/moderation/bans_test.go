package moderation_test

import (
	"context"
	"errors"
	"maps"
	"net/netip"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure a banned email's or address's new reply goes to spam with the ban's reason,
// before any other rule, while other people's replies follow the policy as before,
// and that a ban that has ended no longer applies.
func TestSubmit_Banned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const banned, bannedAddr = "banned@example.com", "203.0.113.9"
	until := f.now.Add(24 * time.Hour)
	f.ban(t, model.Ban{Kind: model.BanEmail, Value: f.keys.EmailIndex(banned), Reason: "selling pills", Until: &until})
	f.ban(t, model.Ban{Kind: model.BanClient, Value: f.svc.ClientHash(netip.MustParseAddr(bannedAddr)), Reason: "abuse"})

	tests := []struct {
		Name       string
		Email      string
		Addr       string
		Change     func(*moderation.Submission)
		WantStatus model.CommentStatus
		WantReason string
	}{
		{Name: "BannedEmail", Email: banned, Addr: "198.51.100.1", WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
		{Name: "BannedEmailOtherCase", Email: "Banned@Example.com", Addr: "198.51.100.1", WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
		{Name: "BannedAddress", Email: "someone.else@example.com", Addr: bannedAddr, WantStatus: model.CommentSpam, WantReason: "banned: abuse"},
		{Name: "BannedAddressAsIPv4InIPv6", Email: "third@example.com", Addr: "::ffff:" + bannedAddr, WantStatus: model.CommentSpam, WantReason: "banned: abuse"},
		{Name: "NeighbourAddress", Email: "neighbour@example.com", Addr: "203.0.113.10", WantStatus: model.CommentPending, WantReason: "every reply is held (manual moderation)"},
		{Name: "OtherPerson", Email: "reader@example.com", Addr: "198.51.100.2", WantStatus: model.CommentPending, WantReason: "every reply is held (manual moderation)"},
		// The ban is checked first, so its reason is the one recorded.
		{Name: "BannedAndHoneypot", Email: banned, Addr: "198.51.100.3",
			Change: func(s *moderation.Submission) { s.Honeypot = "filled" }, WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
		{Name: "BannedAndTooFast", Email: banned, Addr: "198.51.100.4",
			Change: func(s *moderation.Submission) { s.ShownAt = time.Time{} }, WantStatus: model.CommentSpam, WantReason: "banned: selling pills"},
	}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			c := f.submit(t, tc.Email, tc.Addr, tc.Change)
			if c.Status != tc.WantStatus || c.HeldReason != tc.WantReason {
				t.Errorf("status %q, reason %q; want %q, %q", c.Status, c.HeldReason, tc.WantStatus, tc.WantReason)
			}
			saved, err := f.st.Comment(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Status != tc.WantStatus || saved.HeldReason != tc.WantReason {
				t.Errorf("saved as %q, %q; want %q, %q", saved.Status, saved.HeldReason, tc.WantStatus, tc.WantReason)
			}
		})
	}

	t.Run("AfterTheEmailBanEnds", func(t *testing.T) {
		f.now = until // the ban ends at until; submit moves the clock a minute on
		c := f.submit(t, banned, "198.51.100.5", nil)
		if c.Status != model.CommentPending || c.HeldReason != "every reply is held (manual moderation)" {
			t.Errorf("status %q, reason %q; want pending as anyone's", c.Status, c.HeldReason)
		}
		// The permanent address ban still holds.
		if c := f.submit(t, "fourth@example.com", bannedAddr, nil); c.Status != model.CommentSpam {
			t.Errorf("from the banned address after a day: %q, want spam", c.Status)
		}
	})
}

// Ensure staff signed in are never caught by a ban: a moderator's reply is approved
// and an author's follows the policy, even from a banned email and address.
func TestSubmit_StaffNotBanned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const addr = "203.0.113.50"
	for _, role := range []model.Role{model.RoleModerator, model.RoleAuthor} {
		email := string(role) + "@staff.example"
		f.ban(t, model.Ban{Kind: model.BanEmail, Value: f.keys.EmailIndex(email), Reason: "mistake"})
		f.ban(t, model.Ban{Kind: model.BanClient, Value: f.svc.ClientHash(netip.MustParseAddr(addr)), Reason: "office"})
		u := &model.User{ID: 1, Name: "Staff", Email: &email, Role: role}
		c := f.submit(t, email, addr, func(s *moderation.Submission) { s.Staff, s.ShownTo = u, u.ID })
		want := map[model.Role]model.CommentStatus{model.RoleModerator: model.CommentApproved, model.RoleAuthor: model.CommentPending}[role]
		if c.Status != want || c.HeldReason == "banned: mistake" || c.HeldReason == "banned: office" {
			t.Errorf("%s: status %q, reason %q; want %q and no ban", role, c.Status, c.HeldReason, want)
		}
	}
}

// Ensure a ban takes its value from the reply (the email's blind index or the
// address's hash, never anything readable), records the reply, the moderator and the
// reason without its surrounding blanks, and lasts as long as chosen.
func TestBan_ValueFromTheReply(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	reply := f.submit(t, "Seller@Example.com", "203.0.113.9", nil)
	day := time.Date(2026, 4, 2, 15, 30, 0, 0, time.FixedZone("UTC+2", 2*60*60))
	tests := []struct {
		Name      string
		Kind      model.BanKind
		Length    moderation.BanLength
		Until     time.Time
		WantValue string
		WantUntil *time.Time
	}{
		{"EmailForSevenDays", model.BanEmail, moderation.BanSevenDays, time.Time{}, f.keys.EmailIndex("seller@example.com"), new(f.now.Add(7 * 24 * time.Hour))},
		{"AddressPermanently", model.BanClient, moderation.BanPermanent, time.Time{}, f.svc.ClientHash(netip.MustParseAddr("203.0.113.9")), nil},
		{"OneDay", model.BanEmail, moderation.BanOneDay, time.Time{}, f.keys.EmailIndex("seller@example.com"), new(f.now.Add(24 * time.Hour))},
		{"ThirtyDays", model.BanClient, moderation.BanThirtyDays, time.Time{}, f.svc.ClientHash(netip.MustParseAddr("203.0.113.9")), new(f.now.Add(30 * 24 * time.Hour))},
		// A date ends the ban as that day begins, in UTC.
		{"UntilADate", model.BanEmail, moderation.BanUntilDate, day, f.keys.EmailIndex("seller@example.com"), new(time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC))},
	}
	for _, tt := range tests {
		b, err := f.svc.Ban(ctx, moderation.BanRequest{CommentID: reply.ID, Kind: tt.Kind, Length: tt.Length, Until: tt.Until,
			Reason: "  Selling pills ", By: f.staff})
		if err != nil {
			t.Fatalf("%s: %v", tt.Name, err)
		}
		var value, reason string
		var commentID, createdBy int64
		var until *time.Time
		if err := f.db.QueryRow(`SELECT value, reason, comment_id, created_by, until FROM bans WHERE id = ?`, b.ID).
			Scan(&value, &reason, &commentID, &createdBy, &until); err != nil {
			t.Fatal(err)
		}
		if value != tt.WantValue || value == "" || reason != "Selling pills" || commentID != reply.ID || createdBy != f.staff.ID {
			t.Errorf("%s: saved value %q, reason %q, reply %d, by %d; want %q, %q, %d, %d",
				tt.Name, value, reason, commentID, createdBy, tt.WantValue, "Selling pills", reply.ID, f.staff.ID)
		}
		if (until == nil) != (tt.WantUntil == nil) || until != nil && !until.Equal(*tt.WantUntil) {
			t.Errorf("%s: until %v, want %v", tt.Name, until, tt.WantUntil)
		}
	}
}

// Ensure a ban is refused, with the field and message the form shows and nothing
// saved, for a staff reply, a kind the reply has nothing for, a missing length or
// date, an end that is not in the future and a missing reason.
func TestBan_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	reply := f.submit(t, "someone@example.com", "203.0.113.5", nil)
	noAddress := f.add(t, model.Comment{})
	staffReply, err := f.svc.StaffReply(ctx, f.staff, 1, "An answer from staff.")
	if err != nil {
		t.Fatal(err)
	}
	valid := moderation.BanRequest{CommentID: reply.ID, Kind: model.BanEmail, Length: moderation.BanOneDay, Reason: "r"}
	today := time.Date(f.now.Year(), f.now.Month(), f.now.Day(), 0, 0, 0, 0, time.UTC)
	tests := []struct {
		Name   string
		Change func(*moderation.BanRequest)
		Want   map[string]string
	}{
		{"ErrStaffReply", func(r *moderation.BanRequest) { r.CommentID = staffReply.ID },
			map[string]string{model.FieldBanKind: "This reply was written from a staff account; staff cannot be banned."}},
		{"ErrNoAddress", func(r *moderation.BanRequest) { r.CommentID, r.Kind = noAddress, model.BanClient },
			map[string]string{model.FieldBanKind: "This reply has nothing to ban by this way."}},
		{"ErrNoKind", func(r *moderation.BanRequest) { r.Kind = "" },
			map[string]string{model.FieldBanKind: "Choose whether to ban the email or the address."}},
		{"ErrNoLength", func(r *moderation.BanRequest) { r.Length = "" },
			map[string]string{model.FieldBanUntil: "Choose how long the ban lasts; for “Until a date”, enter the date."}},
		{"ErrUnknownLength", func(r *moderation.BanRequest) { r.Length = "2d" },
			map[string]string{model.FieldBanUntil: "Choose how long the ban lasts; for “Until a date”, enter the date."}},
		{"ErrDateMissing", func(r *moderation.BanRequest) { r.Length = moderation.BanUntilDate },
			map[string]string{model.FieldBanUntil: "Choose how long the ban lasts; for “Until a date”, enter the date."}},
		{"ErrDateToday", func(r *moderation.BanRequest) { r.Length, r.Until = moderation.BanUntilDate, today },
			map[string]string{model.FieldBanUntil: "Choose an end in the future, or make the ban permanent."}},
		{"ErrReasonBlank", func(r *moderation.BanRequest) { r.Reason = "   " },
			map[string]string{model.FieldBanReason: "Reason is required: say why, for the other moderators."}},
		{"ErrSeveral", func(r *moderation.BanRequest) { r.Length, r.Reason = "", "" }, map[string]string{
			model.FieldBanUntil:  "Choose how long the ban lasts; for “Until a date”, enter the date.",
			model.FieldBanReason: "Reason is required: say why, for the other moderators."}},
	}
	for _, tt := range tests {
		r := valid
		tt.Change(&r)
		b, err := f.svc.Ban(ctx, r)
		var invalid *model.ValidationError
		if !errors.As(err, &invalid) || b != nil || !maps.Equal(invalid.Fields, tt.Want) {
			t.Errorf("%s: Ban = %+v, %v (%+v); want the fields %v", tt.Name, b, err, invalid, tt.Want)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM bans`); n != 0 {
		t.Errorf("%d bans saved by refused requests", n)
	}
}

// Ensure a ban from a reply that does not exist is ErrReplyNotFound and saves nothing.
func TestBan_UnknownReplyNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b, err := f.svc.Ban(context.Background(), moderation.BanRequest{CommentID: 9999, Kind: model.BanEmail, Length: moderation.BanPermanent, Reason: "r"})
	if !errors.Is(err, moderation.ErrReplyNotFound) || b != nil {
		t.Errorf("Ban(reply 9999) = %+v, %v; want ErrReplyNotFound", b, err)
	}
	if n := f.count(t, `SELECT count(*) FROM bans`); n != 0 {
		t.Errorf("%d bans saved", n)
	}
}

// Ensure lifting a ban deletes it and no other, and that lifting it again, or lifting
// one that never was, is ErrBanNotFound (also model.ErrNotFound).
func TestLiftBan_OnceThenNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.ban(t, model.Ban{Kind: model.BanEmail, Value: "index-one", Reason: "one"})
	f.ban(t, model.Ban{Kind: model.BanClient, Value: "hash-two", Reason: "two"})
	var first int64
	if err := f.db.QueryRow(`SELECT id FROM bans WHERE reason = 'one'`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.LiftBan(ctx, first); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM bans WHERE reason = 'two'`); n != 1 || f.count(t, `SELECT count(*) FROM bans`) != 1 {
		t.Errorf("after lifting the first ban, the bans are: %s", f.snapshot(t))
	}
	for _, id := range []int64{first, 9999, 0, -1} {
		if err := f.svc.LiftBan(ctx, id); !errors.Is(err, moderation.ErrBanNotFound) || !errors.Is(err, model.ErrNotFound) {
			t.Errorf("LiftBan(%d) = %v, want ErrBanNotFound", id, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM bans`); n != 1 {
		t.Errorf("%d bans left, want 1", n)
	}
}
