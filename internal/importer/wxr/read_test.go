package wxr_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/importer/wxr"
)

// collector keeps everything Read delivers.
type collector struct {
	sites    []wxr.Site
	authors  []wxr.Author
	terms    []wxr.Term
	items    []wxr.Item
	warnings []string
	itemErr  error // returned by Item once stopAfter items were delivered
	stopAt   int
}

func (c *collector) Site(s wxr.Site)     { c.sites = append(c.sites, s) }
func (c *collector) Author(a wxr.Author) { c.authors = append(c.authors, a) }
func (c *collector) Term(t wxr.Term)     { c.terms = append(c.terms, t) }
func (c *collector) Warning(w string)    { c.warnings = append(c.warnings, w) }
func (c *collector) Item(it wxr.Item) error {
	c.items = append(c.items, it)
	if c.itemErr != nil && len(c.items) == c.stopAt {
		return c.itemErr
	}
	return nil
}

func readFile(t *testing.T, name string) *collector {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &collector{}
	if err := wxr.Read(f, c); err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return c
}

func readString(t *testing.T, doc string) (*collector, error) {
	t.Helper()
	c := &collector{}
	err := wxr.Read(strings.NewReader(doc), c)
	return c, err
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Ensure every part of the small site is read with every field right.
func TestRead_SmallSite(t *testing.T) {
	c := readFile(t, "small-site.xml")

	if len(c.warnings) != 0 {
		t.Errorf("warnings = %q, want none", c.warnings)
	}
	wantSite := []wxr.Site{{Title: "Clear Health Notes", Link: "https://notes.example.org",
		BaseSiteURL: "https://notes.example.org", BaseBlogURL: "https://notes.example.org", Version: "1.2"}}
	if !reflect.DeepEqual(c.sites, wantSite) {
		t.Errorf("sites = %+v, want %+v", c.sites, wantSite)
	}
	wantAuthors := []wxr.Author{
		{ID: 1, Login: "lena", Email: "lena@notes.example.org", DisplayName: "Lena Hart", FirstName: "Lena", LastName: "Hart"},
		{ID: 2, Login: "omar", Email: "omar@notes.example.org", DisplayName: "Omar Said", FirstName: "Omar", LastName: "Said"},
	}
	if !reflect.DeepEqual(c.authors, wantAuthors) {
		t.Errorf("authors = %+v, want %+v", c.authors, wantAuthors)
	}
	wantTerms := []wxr.Term{
		{Kind: "category", ID: 3, Slug: "sleep", Name: "Sleep"},
		{Kind: "post_tag", ID: 7, Slug: "insomnia", Name: "insomnia"},
		{Kind: "post_tag", ID: 8, Slug: "caffeine", Name: "caffeine"},
	}
	if !reflect.DeepEqual(c.terms, wantTerms) {
		t.Errorf("terms = %+v, want %+v", c.terms, wantTerms)
	}
	if len(c.items) != 5 {
		t.Fatalf("got %d items, want 5", len(c.items))
	}

	t.Run("PostWithComments", func(t *testing.T) {
		it := c.items[0]
		comments := it.Comments
		it.Comments = nil
		content := it.Content
		it.Content = ""
		want := wxr.Item{
			PostID: 21, Title: "Why afternoon coffee keeps you awake at night",
			Link:    "https://notes.example.org/2024/03/afternoon-coffee-sleep/",
			GUID:    "https://notes.example.org/?p=21",
			Creator: "lena", Excerpt: "Caffeine lingers for hours; here is how to time it.",
			PostType: "post", Status: "publish", Slug: "afternoon-coffee-sleep", CommentStatus: "open",
			PostDate: date("2024-03-12 08:30:00"), PostDateGMT: date("2024-03-12 07:30:00"),
			Terms: []wxr.Term{
				{Kind: "category", Slug: "sleep", Name: "Sleep"},
				{Kind: "post_tag", Slug: "caffeine", Name: "caffeine"},
				{Kind: "post_tag", Slug: "insomnia", Name: "insomnia"},
			},
		}
		if !reflect.DeepEqual(it, want) {
			t.Errorf("item =\n%+v\nwant\n%+v", it, want)
		}
		if !strings.HasPrefix(content, "<!-- wp:paragraph -->\n<p>Caffeine blocks <strong>adenosine</strong>") ||
			!strings.HasSuffix(content, `<p>See the <a href="https://www.example.com/sleep-guide">sleep guide</a> for more.</p>`+"\n<!-- /wp:paragraph -->") {
			t.Errorf("content = %q", content)
		}
		if len(comments) != 7 {
			t.Fatalf("got %d comments, want 7", len(comments))
		}
		wantFirst := wxr.Comment{ID: 301, Author: "Hana K.", AuthorEmail: "hana.k@example.com",
			AuthorURL: "https://hana.example.com/", AuthorIP: "198.51.100.23",
			Content:  "I switched to decaf after 2pm and fell asleep an hour earlier within a week.",
			Approved: "1", Type: "comment",
			Date: date("2024-03-12 21:04:00"), DateGMT: date("2024-03-12 20:04:00")}
		if !reflect.DeepEqual(comments[0], wantFirst) {
			t.Errorf("comment 301 =\n%+v\nwant\n%+v", comments[0], wantFirst)
		}
		type brief struct {
			ID, Parent, User int64
			Approved, Type   string
		}
		var got []brief
		for _, cm := range comments {
			got = append(got, brief{cm.ID, cm.ParentID, cm.UserID, cm.Approved, cm.Type})
		}
		wantBrief := []brief{
			{301, 0, 0, "1", "comment"},
			{302, 301, 1, "1", "comment"},
			{303, 302, 0, "1", "comment"},
			{304, 0, 0, "0", "comment"},
			{305, 0, 0, "spam", "comment"},
			{306, 0, 0, "1", "pingback"},
			{307, 0, 0, "trash", "comment"},
		}
		if !reflect.DeepEqual(got, wantBrief) {
			t.Errorf("comments = %+v, want %+v", got, wantBrief)
		}
		if got, want := comments[2].Content, "Thanks! Does green tea count?\nIt has less, right?"; got != want {
			t.Errorf("comment 303 content = %q, want %q", got, want)
		}
		if got, want := comments[3].AuthorIP, "2001:db8:5::1"; got != want {
			t.Errorf("comment 304 IP = %q, want %q", got, want)
		}
		if got, want := comments[5].Content, "[&#8230;] a good summary of caffeine timing [&#8230;]"; got != want {
			t.Errorf("pingback content = %q, want %q", got, want)
		}
		if comments[5].AuthorEmail != "" || comments[1].AuthorURL != "" {
			t.Errorf("empty fields not empty: %q, %q", comments[5].AuthorEmail, comments[1].AuthorURL)
		}
	})

	t.Run("PostWithoutOptionalFields", func(t *testing.T) {
		it := c.items[1]
		if it.PostID != 34 || it.Creator != "omar" || it.CommentStatus != "closed" || it.Excerpt != "" ||
			it.MenuOrder != 0 || len(it.Comments) != 0 || it.Password != "" {
			t.Errorf("item = %+v", it)
		}
		if !strings.Contains(it.Content, `[caption id="attachment_40" align="aligncenter" width="600"]<img src=`) {
			t.Errorf("content = %q", it.Content)
		}
		if want := []wxr.Term{{Kind: "category", Slug: "sleep", Name: "Sleep"}}; !reflect.DeepEqual(it.Terms, want) {
			t.Errorf("terms = %+v, want %+v", it.Terms, want)
		}
	})

	t.Run("PageWithoutLocalDate", func(t *testing.T) {
		it := c.items[2]
		if it.PostType != "page" || it.PostID != 2 || it.Slug != "about" || it.GUID != "https://notes.example.org/?page_id=2" {
			t.Errorf("item = %+v", it)
		}
		if !it.PostDate.IsZero() || !it.PostDateGMT.Equal(date("2024-01-01 00:00:00")) {
			t.Errorf("dates = %v, %v", it.PostDate, it.PostDateGMT)
		}
	})

	t.Run("Attachment", func(t *testing.T) {
		it := c.items[3]
		if it.PostType != "attachment" || it.PostID != 40 || it.ParentID != 34 || it.Status != "inherit" ||
			it.AttachmentURL != "https://notes.example.org/wp-content/uploads/2024/05/nap.jpg" {
			t.Errorf("item = %+v", it)
		}
		if !it.PostDate.IsZero() || !it.PostDateGMT.IsZero() {
			t.Errorf("dates = %v, %v, want zero", it.PostDate, it.PostDateGMT)
		}
	})

	t.Run("MenuItem", func(t *testing.T) {
		want := wxr.Item{PostID: 50, Title: "Home", Status: "publish", PostType: "nav_menu_item"}
		if !reflect.DeepEqual(c.items[4], want) {
			t.Errorf("item = %+v, want %+v", c.items[4], want)
		}
	})
}

// Ensure a Disqus export is refused as not a WordPress export.
func TestRead_DisqusIsNotWXR(t *testing.T) {
	f, err := os.Open("testdata/small-disqus.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &collector{}
	err = wxr.Read(f, c)
	if !errors.Is(err, wxr.ErrNotWXR) {
		t.Fatalf("err = %v, want ErrNotWXR", err)
	}
	if len(c.items) != 0 || len(c.sites) != 0 {
		t.Errorf("delivered %d items, %d sites; want none", len(c.items), len(c.sites))
	}
}

// Ensure an error returned by Item stops the read and comes back as is.
func TestRead_ItemErrorStops(t *testing.T) {
	stop := errors.New("stop here")
	f, err := os.Open("testdata/small-site.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &collector{itemErr: stop, stopAt: 2}
	if err := wxr.Read(f, c); err != stop {
		t.Fatalf("err = %v, want %v", err, stop)
	}
	if len(c.items) != 2 {
		t.Errorf("delivered %d items, want 2", len(c.items))
	}
}
