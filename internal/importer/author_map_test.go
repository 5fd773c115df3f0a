package importer_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure an author map sends a WordPress author's posts to the account it names,
// and no account is made for that author.
func TestImportWordPress_AuthorMap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	email := "rita@newsroom.example"
	rita := &model.User{Name: "Rita Reviewer", Email: &email, Role: model.RoleEditor}
	if err := f.st.CreateUser(ctx, rita); err != nil {
		t.Fatal(err)
	}
	opts := keepPublished
	opts.AuthorMap = map[string]string{"omar": email}
	res := f.importFile(t, smallSite, opts)
	if res.Authors != 1 {
		t.Errorf("%d accounts made, want 1 (lena; omar is Rita)", res.Authors)
	}
	if a := f.article(t, "naps-how-long"); a.AuthorID != rita.ID {
		t.Errorf("omar's post is by account %d, want Rita's %d", a.AuthorID, rita.ID)
	}
	if a := f.article(t, "afternoon-coffee-sleep"); a.AuthorID == rita.ID {
		t.Errorf("lena's post went to Rita")
	}
	if _, err := f.st.UserByEmail(ctx, "omar@notes.example.org"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an account with omar's email exists: %v", err)
	}
}

// Ensure a map naming an email of no account stops the import before anything is
// saved.
func TestImportWordPress_AuthorMapUnknownAccount(t *testing.T) {
	f := newFixture(t)
	opts := keepPublished
	opts.AuthorMap = map[string]string{"omar": "nobody@newsroom.example"}
	file, err := os.Open(smallSite)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	_, err = f.svc.ImportWordPress(context.Background(), file, opts)
	var unknown *importer.UnknownAccountError
	if !errors.As(err, &unknown) || unknown.Email != "nobody@newsroom.example" || unknown.Login != "omar" {
		t.Fatalf("err = %v, want an UnknownAccountError naming omar and the email", err)
	}
	for _, table := range []string{"articles", "comments", "users", "import_sources"} {
		if n := f.count(t, table); n != 0 {
			t.Errorf("%s has %d rows", table, n)
		}
	}
}

func TestParseAuthorMap(t *testing.T) {
	t.Parallel()
	got, err := importer.ParseAuthorMap(strings.NewReader(`# WordPress login, account here
omar, Rita@Newsroom.example

"de, la cruz",ana@newsroom.example
`))
	want := map[string]string{"omar": "rita@newsroom.example", "de, la cruz": "ana@newsroom.example"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseAuthorMap = %v, %v; want %v", got, err, want)
	}
	for file, wantErr := range map[string]string{
		"omar rita@newsroom.example\n":                       "line 1: want LOGIN,EMAIL, found 1 fields",
		"omar,rita@newsroom.example\nlena,not-an-address\n":  `line 2: "not-an-address" is not an email address`,
		",rita@newsroom.example\n":                           "line 1: the login is empty",
		"omar,a@newsroom.example\nomar,b@newsroom.example\n": `line 2: "omar" is mapped twice`,
	} {
		if _, err := importer.ParseAuthorMap(strings.NewReader(file)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseAuthorMap(%q) = %v, want an error with %q", file, err, wantErr)
		}
	}
}

// Ensure a reply written signed in by one of the exported authors becomes a staff
// reply of that author's account, keeping no email of its own; readers' replies stay
// readers'.
func TestImportWordPress_StaffReplies(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.importFile(t, smallSite, keepPublished)
	lena, err := f.st.UserByEmail(ctx, "lena@notes.example.org")
	if err != nil {
		t.Fatal(err)
	}
	var staff []struct {
		Name   string
		UserID int64
		Sealed []byte
	}
	rows, err := f.db.Query(`SELECT author_name, user_id, author_email_enc FROM comments WHERE user_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r struct {
			Name   string
			UserID int64
			Sealed []byte
		}
		if err := rows.Scan(&r.Name, &r.UserID, &r.Sealed); err != nil {
			t.Fatal(err)
		}
		staff = append(staff, r)
	}
	if len(staff) != 1 || staff[0].Name != "Lena Hart" || staff[0].UserID != lena.ID || len(staff[0].Sealed) != 0 {
		t.Errorf("staff replies %+v, want Lena Hart's only, by account %d, without an email", staff, lena.ID)
	}
}

// Ensure the progress reports count what was read and end with the whole file.
func TestImportWordPress_Progress(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile(smallSite)
	if err != nil {
		t.Fatal(err)
	}
	var reports []importer.Progress
	opts := keepPublished
	opts.Progress = func(p importer.Progress) { reports = append(reports, p) }
	if _, err := f.svc.ImportWordPress(context.Background(), strings.NewReader(string(data)), opts); err != nil {
		t.Fatal(err)
	}
	if len(reports) == 0 {
		t.Fatal("no progress reported")
	}
	last := reports[len(reports)-1]
	want := importer.Progress{Bytes: int64(len(data)), Items: 5, Comments: 7, Done: true}
	if last != want {
		t.Errorf("last report %+v, want %+v", last, want)
	}
}
