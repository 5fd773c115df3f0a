package accounts_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure new accounts get a profile address made from their name, unique, with -2, -3…
// added when it is taken, and "staff" when the name has no Latin letter or digit.
func TestCreate_ProfileSlugsUnique(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var slugs []string
	for i, name := range []string{"Sam Lee", "Sam  Lee", "sam-lee", "Zoë Ångström", "李明", "王芳"} {
		u, err := f.svc.Create(f.ctx, nil, accounts.NewAccount{Name: name, Email: "s" + string(rune('a'+i)) + "@example.org",
			Role: model.RoleAuthor, Password: password})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if u.Slug != f.stored(t, u.ID, "slug") {
			t.Errorf("%s: returned slug %q differs from the stored one", name, u.Slug)
		}
		slugs = append(slugs, u.Slug)
	}
	want := []string{"sam-lee", "sam-lee-2", "sam-lee-3", "zoe-angstrom", "staff", "staff-2"}
	if strings.Join(slugs, " ") != strings.Join(want, " ") {
		t.Errorf("slugs = %q, want %q", slugs, want)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE profile_public = TRUE`); n != 0 {
		t.Errorf("%d new accounts have a public profile; a profile is private until its owner makes it public", n)
	}
}

// stored reads one column of an account.
func (f *fixture) stored(t *testing.T, id int64, column string) string {
	t.Helper()
	var v string
	if err := f.db.QueryRow(`SELECT coalesce(`+column+`, '') FROM users WHERE id = ?`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// exec runs SQL on the database file.
func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

// mediaUpload is a photo that is never read: the service refuses it first.
var mediaUpload = media.Upload{Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }, Size: 1}

// Ensure everyone may edit their own profile, administrators anyone's, and no one
// else: a refusal is model.ErrForbidden before the account is even looked up, so it
// does not tell whether the account exists.
func TestUpdateProfile_WhoMayEditWhom(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	author := f.addAccount(t, "author@example.org", placeholderHash)
	author.Role = model.RoleAuthor
	f.exec(t, `UPDATE users SET role = 'author' WHERE id = ?`, author.ID)
	other := f.addAccount(t, "other@example.org", placeholderHash)
	admin := f.addAccount(t, "admin@example.org", placeholderHash)
	admin.Role = model.RoleAdmin
	change := accounts.ProfileChange{Name: "Renamed", Public: true}

	for _, role := range []model.Role{model.RoleAuthor, model.RoleEditor, model.RoleReviewer, model.RoleModerator} {
		by := &model.User{ID: author.ID, Role: role}
		for _, target := range []int64{other.ID, 9999} {
			if _, err := f.svc.UpdateProfile(f.ctx, by, target, change); !errors.Is(err, model.ErrForbidden) {
				t.Errorf("%s editing account %d: err = %v, want model.ErrForbidden", role, target, err)
			}
			if _, err := f.svc.EditableProfile(f.ctx, by, target); !errors.Is(err, model.ErrForbidden) {
				t.Errorf("%s opening account %d: err = %v, want model.ErrForbidden", role, target, err)
			}
		}
	}
	if _, err := f.svc.UpdateProfile(f.ctx, nil, author.ID, change); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("no one signed in: err = %v, want model.ErrForbidden", err)
	}
	if got := f.stored(t, other.ID, "name"); got != other.Name {
		t.Errorf("the other account's name = %q after refused edits", got)
	}

	if _, err := f.svc.UpdateProfile(f.ctx, author, author.ID, change); err != nil {
		t.Errorf("editing one's own profile: %v", err)
	}
	if _, err := f.svc.UpdateProfile(f.ctx, admin, other.ID, accounts.ProfileChange{Name: "Edited by the admin"}); err != nil {
		t.Errorf("an administrator editing another's profile: %v", err)
	}
	if _, err := f.svc.UpdateProfile(f.ctx, admin, 9999, change); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an administrator editing no account: err = %v, want model.ErrNotFound", err)
	}
	if got := f.stored(t, other.ID, "name"); got != "Edited by the admin" {
		t.Errorf("name = %q, want the administrator's edit", got)
	}
}

// Ensure a profile's fields are checked together, each with its own message, and a
// typed address another account has is refused under the address.
func TestUpdateProfile_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	me := f.addAccount(t, "me@example.org", placeholderHash)
	taken := f.addAccount(t, "taken@example.org", placeholderHash)
	f.exec(t, `UPDATE users SET slug = 'taken-slug' WHERE id = ?`, taken.ID)

	_, err := f.svc.UpdateProfile(f.ctx, me, me.ID, accounts.ProfileChange{Name: "  ", Credentials: strings.Repeat("c", 246),
		Slug: "taken-slug", Bio: strings.Repeat("é", 1001)})
	wantFields(t, err, map[string]string{
		model.UserFieldName:        "Name is required.",
		model.UserFieldCredentials: "Credentials is too long: at most 245 bytes.",
		model.UserFieldSlug:        "Another person's profile has this address. Choose another.",
		model.UserFieldBio:         "The bio is too long: at most 2,000 bytes, and this has 2,002.",
	})
	_, err = f.svc.UpdateProfile(f.ctx, me, me.ID, accounts.ProfileChange{Name: "Me\nAgain", Slug: "Not A Slug", Bio: "ok\x00"})
	wantFields(t, err, map[string]string{
		model.UserFieldName: "Name must be one line of ordinary text.",
		model.UserFieldSlug: "Use only lower-case letters, digits and single hyphens, such as daniel-reyes.",
		model.UserFieldBio:  "The bio contains characters that cannot be saved.",
	})
	if got := f.stored(t, me.ID, "name"); got != me.Name {
		t.Errorf("name = %q after refused saves", got)
	}

	// The address is kept when it is one's own, made again from the name when emptied.
	u, err := f.svc.UpdateProfile(f.ctx, me, me.ID, accounts.ProfileChange{Name: "Taken Slug"})
	if err != nil || u.Slug != "taken-slug-2" {
		t.Fatalf("slug = %q, %v; want taken-slug-2", u.Slug, err)
	}
	if u, err = f.svc.UpdateProfile(f.ctx, me, me.ID, accounts.ProfileChange{Name: "Another Name", Slug: "taken-slug-2"}); err != nil || u.Slug != "taken-slug-2" {
		t.Errorf("slug = %q, %v; want taken-slug-2 kept", u.Slug, err)
	}
}

// Ensure a photo sent while the service has no image store is refused under the
// photo, with nothing saved, rather than failing.
func TestUpdateProfile_PhotoWithoutMediaRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	me := f.addAccount(t, "me@example.org", placeholderHash)
	_, err := f.svc.UpdateProfile(f.ctx, me, me.ID, accounts.ProfileChange{Name: "Me", Photo: &mediaUpload})
	wantFields(t, err, map[string]string{model.UserFieldPhoto: "Photos cannot be stored: this site has no folder for images."})
}

// Ensure accounts made before profiles existed get addresses at start, and that a
// second run gives none.
func TestAssignMissingSlugs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.exec(t, `INSERT INTO users (name, role, created_at, updated_at) VALUES ('Ann Old', 'author', '2026-01-01', '2026-01-01'),
		('Ann Old', 'reviewer', '2026-01-01', '2026-01-01'), ('Ann Newer', 'author', '2026-01-01', '2026-01-01')`)
	f.exec(t, `UPDATE users SET slug = 'ann-old' WHERE name = 'Ann Newer'`)
	n, err := f.svc.AssignMissingSlugs(f.ctx)
	if err != nil || n != 2 {
		t.Fatalf("AssignMissingSlugs = %d, %v; want 2", n, err)
	}
	rows, err := f.db.Query(`SELECT name || ':' || slug FROM users ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if want := "Ann Old:ann-old-2 Ann Old:ann-old-3 Ann Newer:ann-old"; strings.Join(got, " ") != want {
		t.Errorf("accounts = %q, want %q", strings.Join(got, " "), want)
	}
	if n, err := f.svc.AssignMissingSlugs(f.ctx); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want 0", n, err)
	}
}
