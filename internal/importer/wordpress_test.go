package importer_test

import (
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/importer"
	"github.com/fascicle/fascicle/internal/importer/wxr"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

var (
	keepPublished = importer.Options{Publish: importer.KeepPublished}
	asDrafts      = importer.Options{Publish: importer.AsDrafts}
)

const statusesSite = "testdata/statuses.xml"

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Ensure the small site's posts, page, authors, tags and replies come in with every
// field mapped, and what is not content is skipped and counted.
func TestImportWordPress_SmallSite(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res := f.importFile(t, smallSite, keepPublished)

	t.Run("Counts", func(t *testing.T) {
		if res.Articles != 2 || res.Pages != 1 || res.Authors != 2 || res.Tags != 3 || res.AlreadyImported != 0 {
			t.Errorf("articles %d, pages %d, authors %d, tags %d, already %d; want 2, 1, 2, 3, 0",
				res.Articles, res.Pages, res.Authors, res.Tags, res.AlreadyImported)
		}
		wantComments := map[model.CommentStatus]int{model.CommentApproved: 3, model.CommentPending: 1, model.CommentSpam: 1, model.CommentTrash: 1}
		if !reflect.DeepEqual(res.Comments, wantComments) {
			t.Errorf("comments %v, want %v", res.Comments, wantComments)
		}
		wantSkipped := map[string]int{"attachment": 1, "nav_menu_item": 1, "pingback": 1}
		if !reflect.DeepEqual(res.Skipped, wantSkipped) {
			t.Errorf("skipped %v, want %v", res.Skipped, wantSkipped)
		}
		if n := f.count(t, "articles"); n != 3 {
			t.Errorf("%d articles saved, want 3", n)
		}
		if n := f.count(t, "comments"); n != 6 {
			t.Errorf("%d replies saved, want 6", n)
		}
	})

	t.Run("Article", func(t *testing.T) {
		a := f.article(t, "afternoon-coffee-sleep")
		if a.Title != "Why afternoon coffee keeps you awake at night" || a.Kind != model.KindArticle ||
			a.Status != model.ArticlePublished || !a.CommentsOpen {
			t.Errorf("title %q, kind %q, status %q, replies open %v", a.Title, a.Kind, a.Status, a.CommentsOpen)
		}
		if a.Summary != "Caffeine lingers for hours; here is how to time it." {
			t.Errorf("summary %q", a.Summary)
		}
		if want := date("2024-03-12 07:30:00"); a.PublishedAt == nil || !a.PublishedAt.Equal(want) || !a.CreatedAt.Equal(want) {
			t.Errorf("published %v, created %v, want %v (GMT)", a.PublishedAt, a.CreatedAt, want)
		}
		for _, want := range []string{"**adenosine**", "## What helps", "- Keep coffee to the morning.", "[sleep guide](https://www.example.com/sleep-guide)"} {
			if !strings.Contains(a.BodyMarkdown, want) {
				t.Errorf("body lacks %q:\n%s", want, a.BodyMarkdown)
			}
		}
		if strings.Contains(a.BodyMarkdown, "wp:paragraph") {
			t.Errorf("block comments kept:\n%s", a.BodyMarkdown)
		}
		var tags []string
		for _, tag := range a.Tags {
			tags = append(tags, tag.Slug+"="+tag.Name)
		}
		if want := []string{"sleep=Sleep", "caffeine=caffeine", "insomnia=insomnia"}; !reflect.DeepEqual(tags, want) {
			t.Errorf("tags %v, want %v", tags, want)
		}
		if a.Author.Name != "Lena Hart" {
			t.Errorf("author %q, want Lena Hart", a.Author.Name)
		}

		naps := f.article(t, "naps-how-long")
		if naps.CommentsOpen || naps.Status != model.ArticlePublished || naps.Author.Name != "Omar Said" {
			t.Errorf("naps: replies open %v, status %q, author %q", naps.CommentsOpen, naps.Status, naps.Author.Name)
		}
	})

	t.Run("Page", func(t *testing.T) {
		p := f.article(t, "about")
		if p.Kind != model.KindPage || p.Status != model.ArticlePublished || p.Title != "About these notes" {
			t.Errorf("kind %q, status %q, title %q", p.Kind, p.Status, p.Title)
		}
	})

	t.Run("Authors", func(t *testing.T) {
		for _, email := range []string{"lena@notes.example.org", "omar@notes.example.org"} {
			u, err := f.st.UserByEmail(ctx, email)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			if u.Role != model.RoleAuthor || u.PasswordHash != "" {
				t.Errorf("%s: role %q, password hash %q; want author without a password", email, u.Role, u.PasswordHash)
			}
		}
	})

	t.Run("Replies", func(t *testing.T) {
		rs := f.replies(t)
		hana, lena, rui := rs["Hana K."], rs["Lena Hart"], rs["Rui"]
		if hana.Status != "approved" || rui.Status != "pending" || rs["best pills online"].Status != "spam" || rs["Old Reader"].Status != "trash" {
			t.Errorf("statuses: %q %q %q %q", hana.Status, rui.Status, rs["best pills online"].Status, rs["Old Reader"].Status)
		}
		if _, ok := rs["Sleep Blog"]; ok {
			t.Error("the pingback was imported")
		}
		if !lena.ParentID.Valid || lena.ParentID.Int64 != hana.ID {
			t.Errorf("Lena's answer has parent %v, want %d", lena.ParentID, hana.ID)
		}
		if hana.ParentID.Valid || rui.ParentID.Valid {
			t.Errorf("top-level replies have parents %v, %v", hana.ParentID, rui.ParentID)
		}
		if hana.URL != "https://hana.example.com/" || lena.URL != "" {
			t.Errorf("websites %q, %q", hana.URL, lena.URL)
		}
		if !hana.CreatedAt.Equal(date("2024-03-12 20:04:00")) {
			t.Errorf("date %v, want the GMT one", hana.CreatedAt)
		}
		if hana.Body != "I switched to decaf after 2pm and fell asleep an hour earlier within a week." {
			t.Errorf("body %q", hana.Body)
		}
		if body := rs["best pills online"].Body; strings.Contains(body, "<a") || !strings.Contains(body, "http://pills.example.net/") {
			t.Errorf("spam body %q: want plain text with the address", body)
		}
		if hana.PlainEmail != "" || len(hana.SealedEmail) == 0 || hana.EmailIndex == "" ||
			strings.Contains(string(hana.SealedEmail), "hana.k@example.com") {
			t.Errorf("email not sealed: plain %q, sealed %q, index %q", hana.PlainEmail, hana.SealedEmail, hana.EmailIndex)
		}
		c, err := f.st.Comment(ctx, hana.ID)
		if err != nil || c.AuthorEmail != "hana.k@example.com" {
			t.Errorf("email reads back as %q (%v)", c.AuthorEmail, err)
		}
		if len(hana.ClientHash) != 64 || hana.Prefix != "198.51.100.0/24" || rui.Prefix != "2001:db8:5::/48" {
			t.Errorf("client hash %q, prefixes %q, %q", hana.ClientHash, hana.Prefix, rui.Prefix)
		}
	})

	t.Run("NoAddressStored", func(t *testing.T) {
		for _, ip := range []string{"198.51.100.23", "203.0.113.5", "2001:db8:5::1", "192.0.2.99"} {
			var n int
			err := f.db.QueryRow(`SELECT count(*) FROM comments WHERE client_hash LIKE ? OR client_prefix LIKE ? OR user_agent LIKE ? OR body LIKE ?`,
				"%"+ip+"%", "%"+ip+"%", "%"+ip+"%", "%"+ip+"%").Scan(&n)
			if err != nil || n != 0 {
				t.Errorf("%s stored in %d replies (%v)", ip, n, err)
			}
		}
	})
}

// Ensure published posts come in as drafts when asked.
func TestImportWordPress_AsDrafts(t *testing.T) {
	f := newFixture(t)
	f.importFile(t, smallSite, asDrafts)
	for _, slug := range []string{"afternoon-coffee-sleep", "naps-how-long", "about"} {
		if a := f.article(t, slug); a.Status != model.ArticleDraft || a.PublishedAt != nil {
			t.Errorf("%s: status %q, published %v; want a draft", slug, a.Status, a.PublishedAt)
		}
	}
}

// Ensure an import refuses to run until told what becomes of published posts.
func TestImportWordPress_RefusedWithoutPublishChoice(t *testing.T) {
	f := newFixture(t)
	file, err := os.Open(smallSite)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	res, err := f.svc.ImportWordPress(context.Background(), file, importer.Options{})
	if !errors.Is(err, importer.ErrNoPublishChoice) {
		t.Fatalf("error %v, want ErrNoPublishChoice", err)
	}
	if res.Articles != 0 || f.count(t, "articles") != 0 || f.count(t, "users") != 0 {
		t.Errorf("something was imported: %+v", res)
	}
}

// Ensure every WordPress status maps, slugs are made and kept unique, a post by an
// unknown login gets an account, an author with an account here keeps it, and
// replies keep their threads whatever the order of the file.
func TestImportWordPress_Statuses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	email := "editor@staff.example"
	editor := &model.User{Name: "Ed Itor", Email: &email, Role: model.RoleEditor, PasswordHash: "$argon2id$not-checked-here"}
	if err := f.st.CreateUser(ctx, editor); err != nil {
		t.Fatal(err)
	}
	taken := &model.Article{Slug: "taken", Title: "Here first", Status: model.ArticleDraft, AuthorID: editor.ID}
	if err := f.st.CreateArticle(ctx, taken); err != nil {
		t.Fatal(err)
	}
	res := f.importFile(t, statusesSite, keepPublished)

	if want := map[string]int{"trash": 1, "revision": 1}; !reflect.DeepEqual(res.Skipped, want) {
		t.Errorf("skipped %v, want %v", res.Skipped, want)
	}
	if res.Articles != 7 || res.Authors != 1 {
		t.Errorf("articles %d, authors %d; want 7 and 1 (the unknown login)", res.Articles, res.Authors)
	}
	soon := f.article(t, "coming-soon")
	if want := date("2030-01-02 03:04:05"); soon.Status != model.ArticleScheduled || soon.ScheduledAt == nil || !soon.ScheduledAt.Equal(want) {
		t.Errorf("future post: status %q, scheduled %v", soon.Status, soon.ScheduledAt)
	}
	if soon.AuthorID != editor.ID {
		t.Errorf("author %d, want the existing account %d", soon.AuthorID, editor.ID)
	}
	for _, slug := range []string{"a-draft", "pending-one", "private-one"} {
		if a := f.article(t, slug); a.Status != model.ArticleDraft {
			t.Errorf("%s: status %q, want draft", slug, a.Status)
		}
	}
	if _, _, _, err := f.st.ArticleStatusBySlug(ctx, "thrown-away"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("trashed post: %v, want not found", err)
	}
	heat := f.article(t, "heat-cramps-you")
	if heat.Author.Name != "ghost" || heat.Author.Role != model.RoleAuthor {
		t.Errorf("unknown login's account: %q, %q", heat.Author.Name, heat.Author.Role)
	}
	if second := f.article(t, "taken-2"); second.Title != "Taken address" {
		t.Errorf("taken-2 is %q", second.Title)
	}
	if first := f.article(t, "taken"); first.Title != "Here first" {
		t.Errorf("taken is now %q", first.Title)
	}

	rs := f.replies(t)
	if ada := rs["Ada"]; ada.ParentID.Valid || ada.URL != "" || ada.Status != "approved" || ada.Prefix != "2001:db8:5::/48" {
		t.Errorf("Ada: parent %v, website %q, status %q, prefix %q", ada.ParentID, ada.URL, ada.Status, ada.Prefix)
	}
	if bo, cy := rs["Bo"], rs["Cy"]; !bo.ParentID.Valid || bo.ParentID.Int64 != cy.ID {
		t.Errorf("Bo's parent %v, want Cy %d", bo.ParentID, cy.ID)
	}
}

// Ensure importing the same file again adds nothing.
func TestImportWordPress_SecondImportAddsNothing(t *testing.T) {
	f := newFixture(t)
	f.importFile(t, smallSite, keepPublished)
	tables := []string{"articles", "comments", "users", "tags", "article_tags", "import_sources", "old_addresses"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = f.count(t, table)
	}
	res := f.importFile(t, smallSite, keepPublished)
	if res.Articles != 0 || res.Pages != 0 || res.Authors != 0 || res.Tags != 0 || len(res.Comments) != 0 {
		t.Errorf("second import brought in %+v", res)
	}
	if res.AlreadyImported != 3+6 {
		t.Errorf("already imported %d, want 9 (3 posts, 6 replies)", res.AlreadyImported)
	}
	for _, table := range tables {
		if n := f.count(t, table); n != before[table] {
			t.Errorf("%s: %d rows, was %d", table, n, before[table])
		}
	}
}

// failingReader returns the export up to after its first item, then an error.
type failingReader struct{ r io.Reader }

var errDiskGone = errors.New("disk gone")

func (fr *failingReader) Read(p []byte) (int, error) {
	n, err := fr.r.Read(p)
	if err == io.EOF {
		return n, errDiskGone
	}
	return n, err
}

// Ensure an import that fails half-way leaves the database as it was.
func TestImportWordPress_FailureLeavesNothing(t *testing.T) {
	data, err := os.ReadFile(smallSite)
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Index(string(data), "</item>") + len("</item>") + 200
	for name, r := range map[string]func() io.Reader{
		"ReadError":   func() io.Reader { return &failingReader{strings.NewReader(string(data[:cut]))} },
		"Truncated":   func() io.Reader { return strings.NewReader(string(data[:cut])) },
		"ContextDone": nil,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			reader := io.Reader(nil)
			if r != nil {
				reader = r()
			} else {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				cancel()
				reader = strings.NewReader(string(data))
			}
			_, err := f.svc.ImportWordPress(ctx, reader, keepPublished)
			var syntax *wxr.SyntaxError
			switch name {
			case "ReadError":
				if !errors.Is(err, errDiskGone) {
					t.Fatalf("error %v, want the read error", err)
				}
			case "Truncated":
				if !errors.As(err, &syntax) {
					t.Fatalf("error %v, want a *wxr.SyntaxError", err)
				}
			default:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want context.Canceled", err)
				}
			}
			for _, table := range []string{"articles", "comments", "users", "tags", "import_sources", "revisions"} {
				if n := f.count(t, table); n != 0 {
					t.Errorf("%s: %d rows left behind", table, n)
				}
			}
		})
	}
}

// Ensure nothing that runs in a hostile post reaches the article page.
func TestImportWordPress_HostilePostRendersSafe(t *testing.T) {
	f := newFixture(t)
	f.importFile(t, statusesSite, keepPublished)
	a := f.article(t, "hostile")
	body, err := render.ArticleBody(a.BodyMarkdown, len(a.References))
	if err != nil {
		t.Fatal(err)
	}
	html := strings.ToLower(string(body))
	for _, bad := range []string{"<script", "onerror", "<iframe", "javascript:", "<svg"} {
		if strings.Contains(html, bad) {
			t.Errorf("%q reaches the page:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "hi") {
		t.Errorf("the text is gone:\n%s", html)
	}
	if strings.Contains(strings.ToLower(a.Summary), "<script") {
		t.Errorf("summary %q", a.Summary)
	}
}
