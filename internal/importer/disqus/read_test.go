package disqus_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/importer/disqus"
)

// collector keeps everything Read delivers.
type collector struct {
	threads  []disqus.Thread
	posts    []disqus.Post
	warnings []string
	stopErr  error // returned by Post for the post with the dsq:id stopAt
	stopAt   int64
}

func (c *collector) Thread(th disqus.Thread) error { c.threads = append(c.threads, th); return nil }
func (c *collector) Warning(w string)              { c.warnings = append(c.warnings, w) }
func (c *collector) Post(p disqus.Post) error {
	c.posts = append(c.posts, p)
	if c.stopErr != nil && p.ID == c.stopAt {
		return c.stopErr
	}
	return nil
}

func readString(doc string) (*collector, error) {
	c := &collector{}
	err := disqus.Read(strings.NewReader(doc), c)
	return c, err
}

// export wraps body in the root element of an export with its namespaces.
func export(body string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">` + body + `</disqus>`
}

func when(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Ensure the small export's thread and posts come out with every field, the category
// read past and the empty <id/> elements ignored.
func TestRead_SmallExport(t *testing.T) {
	f, err := os.Open("testdata/small-disqus.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &collector{}
	if err := disqus.Read(f, c); err != nil {
		t.Fatal(err)
	}
	wantThread := disqus.Thread{ID: 7001, Link: "https://notes.example.org/2024/03/afternoon-coffee-sleep/",
		Title: "Why afternoon coffee keeps you awake at night", Forum: "clearhealthnotes", CreatedAt: when("2024-03-12T07:31:00Z")}
	if len(c.threads) != 1 || !reflect.DeepEqual(c.threads[0], wantThread) {
		t.Errorf("threads %+v, want [%+v]", c.threads, wantThread)
	}
	wantPosts := []disqus.Post{
		{ID: 8001, Message: "<p>Does decaf still have <b>some</b> caffeine?</p>", CreatedAt: when("2024-03-20T18:00:00Z"),
			Author: disqus.Author{Name: "Inês", Email: "ines@example.com", Username: "ines_r"}, ThreadID: 7001},
		{ID: 8002, Message: "<p>Yes, a little: about 2 to 15 mg a cup.</p>", CreatedAt: when("2024-03-20T19:30:00Z"),
			Author: disqus.Author{Name: "Lena Hart", Email: "lena@notes.example.org", Username: "lenahart"}, ThreadID: 7001, ParentID: 8001},
		{ID: 8003, Message: "<p>I take this back.</p>", CreatedAt: when("2024-03-21T08:00:00Z"), IsDeleted: true,
			Author: disqus.Author{Name: "Guest", IsAnonymous: true}, ThreadID: 7001},
		{ID: 8004, Message: `<p>Cheap pills <a href="http://pills.example.net/">here</a></p>`, CreatedAt: when("2024-03-21T09:00:00Z"), IsSpam: true,
			Author: disqus.Author{Name: "pills", Email: "sale@example.net", Username: "pills"}, ThreadID: 7001},
	}
	if !reflect.DeepEqual(c.posts, wantPosts) {
		t.Errorf("posts:\n%+v\nwant\n%+v", c.posts, wantPosts)
	}
	if len(c.warnings) != 0 {
		t.Errorf("warnings %q", c.warnings)
	}
}

// Ensure threads and posts are linked by their dsq:id attributes only: <id> elements,
// empty or not, change nothing (Isso once matched them and imported nothing).
func TestRead_IDElementsIgnored(t *testing.T) {
	c, err := readString(export(`
<thread dsq:id="11"><id>some-identifier</id><link>https://old.example/a/</link></thread>
<thread dsq:id="12"><id/><link>https://old.example/b/</link></thread>
<post dsq:id="21"><id>99</id><message>x</message><thread dsq:id="12"/></post>
<post dsq:id="22"><id></id><message>y</message><thread dsq:id="11"><id>other</id></thread><parent dsq:id="21"/></post>`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.threads) != 2 || c.threads[0].ID != 11 || c.threads[1].ID != 12 {
		t.Fatalf("threads %+v", c.threads)
	}
	if len(c.posts) != 2 || c.posts[0].ID != 21 || c.posts[0].ThreadID != 12 || c.posts[0].ParentID != 0 ||
		c.posts[1].ID != 22 || c.posts[1].ThreadID != 11 || c.posts[1].ParentID != 21 {
		t.Errorf("posts %+v", c.posts)
	}
}

// Ensure what real exports contain is read past: missing optional elements, CDATA
// split in two, characters XML forbids, an undeclared dsq: prefix, isApproved when
// present, elements of other namespaces, an unreadable date or id.
func TestRead_Tolerance(t *testing.T) {
	t.Run("MissingOptional", func(t *testing.T) {
		c, err := readString(export(`<thread dsq:id="1"/><post dsq:id="2"><thread dsq:id="1"/></post>`))
		if err != nil {
			t.Fatal(err)
		}
		want := disqus.Post{ID: 2, ThreadID: 1}
		if len(c.posts) != 1 || !reflect.DeepEqual(c.posts[0], want) || len(c.threads) != 1 {
			t.Errorf("posts %+v, threads %+v", c.posts, c.threads)
		}
	})
	t.Run("SplitCDATA", func(t *testing.T) {
		c, err := readString(export(`<post dsq:id="2"><message><![CDATA[<p>a]]]]><![CDATA[>b &amp; c</p>]]></message></post>`))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.posts[0].Message; got != "<p>a]]>b &amp; c</p>" {
			t.Errorf("message %q", got)
		}
	})
	t.Run("InvalidCharacters", func(t *testing.T) {
		c, err := readString(export("<post dsq:id=\"2\"><message>bell\x07 and \xff byte</message></post>"))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.posts[0].Message; got != "bell  and \uFFFD byte" {
			t.Errorf("message %q", got)
		}
		if len(c.warnings) != 1 || !strings.Contains(c.warnings[0], "replaced 2 characters") {
			t.Errorf("warnings %q", c.warnings)
		}
	})
	t.Run("UndeclaredPrefix", func(t *testing.T) {
		c, err := readString(`<disqus><thread dsq:id="5"><link>https://old.example/</link></thread><post dsq:id="6"><thread dsq:id="5"/></post></disqus>`)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.threads) != 1 || c.threads[0].ID != 5 || len(c.posts) != 1 || c.posts[0].ThreadID != 5 {
			t.Errorf("threads %+v, posts %+v", c.threads, c.posts)
		}
	})
	t.Run("IsApproved", func(t *testing.T) {
		c, err := readString(export(`<post dsq:id="1"><isApproved>false</isApproved></post><post dsq:id="2"><isApproved>true</isApproved></post><post dsq:id="3"><isApproved/></post>`))
		if err != nil {
			t.Fatal(err)
		}
		if a := c.posts[0].IsApproved; a == nil || *a {
			t.Errorf("post 1: %v, want false", a)
		}
		if a := c.posts[1].IsApproved; a == nil || !*a {
			t.Errorf("post 2: %v, want true", a)
		}
		if a := c.posts[2].IsApproved; a != nil {
			t.Errorf("post 3: %v, want unknown", *a)
		}
	})
	t.Run("OtherNamespaces", func(t *testing.T) {
		c, err := readString(export(`<x:message xmlns:x="urn:other">not this</x:message><post dsq:id="2"><x:message xmlns:x="urn:other">not this</x:message><message>this</message></post>`))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.posts) != 1 || c.posts[0].Message != "this" {
			t.Errorf("posts %+v", c.posts)
		}
	})
	t.Run("Unreadable", func(t *testing.T) {
		c, err := readString(export(`<post dsq:id="abc"><createdAt>yesterday</createdAt><isSpam>maybe</isSpam><parent dsq:id=""/></post>`))
		if err != nil {
			t.Fatal(err)
		}
		if p := c.posts[0]; p.ID != 0 || !p.CreatedAt.IsZero() || p.IsSpam || p.ParentID != 0 {
			t.Errorf("post %+v", p)
		}
		if len(c.warnings) != 4 {
			t.Errorf("warnings %q, want 4 (id, date, flag, parent id)", c.warnings)
		}
		for _, w := range c.warnings {
			if !strings.HasPrefix(w, "line 2: ") {
				t.Errorf("warning %q does not say the line", w)
			}
		}
	})
	t.Run("DateWithoutZone", func(t *testing.T) {
		c, err := readString(export(`<post dsq:id="1"><createdAt>2024-03-20T18:00:00</createdAt></post><post dsq:id="2"><createdAt>2024-03-20T19:00:00+01:00</createdAt></post>`))
		if err != nil {
			t.Fatal(err)
		}
		if !c.posts[0].CreatedAt.Equal(when("2024-03-20T18:00:00Z")) || !c.posts[1].CreatedAt.Equal(when("2024-03-20T18:00:00Z")) {
			t.Errorf("dates %v, %v", c.posts[0].CreatedAt, c.posts[1].CreatedAt)
		}
	})
}

// Ensure a document that is not a Disqus export is refused with a clear error.
func TestRead_NotDisqus(t *testing.T) {
	wxr, err := os.ReadFile("../wxr/testdata/small-site.xml")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"WXR":           string(wxr),
		"OtherRoot":     `<feed xmlns="http://www.w3.org/2005/Atom"/>`,
		"OtherDisqusNS": `<disqus xmlns="urn:not-disqus"/>`,
		"Empty":         `<?xml version="1.0"?>`,
	} {
		t.Run(name, func(t *testing.T) {
			c, err := readString(doc)
			if !errors.Is(err, disqus.ErrNotDisqus) {
				t.Fatalf("error %v, want ErrNotDisqus", err)
			}
			if len(c.threads)+len(c.posts) != 0 {
				t.Errorf("delivered %d threads and %d posts", len(c.threads), len(c.posts))
			}
			if name == "WXR" && !strings.Contains(err.Error(), "import wordpress") {
				t.Errorf("error %q does not point to the WordPress import", err)
			}
		})
	}
}

// Ensure a file that is not well-formed fails with the line and column where the
// reader gave up, after delivering what came before.
func TestRead_Broken(t *testing.T) {
	data, err := os.ReadFile("testdata/small-disqus.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	cut := strings.Index(doc, `<post dsq:id="8002">`)
	for name, tc := range map[string]struct {
		doc        string
		line       int
		posts      int
		msgContain string
	}{
		"Truncated":  {doc[:cut+30], 34, 1, "unexpected EOF"},
		"Mismatched": {strings.Replace(doc, "</isSpam>\n    <author><email>lena", "</isSpamm>\n    <author><email>lena", 1), 38, 1, "isSpam"},
		"AfterRoot":  {doc + "<disqus/>", 62, 4, "after the end"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := readString(tc.doc)
			var se *disqus.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *disqus.SyntaxError", err)
			}
			if se.Line != tc.line || se.Column < 1 || !strings.Contains(se.Msg, tc.msgContain) {
				t.Errorf("line %d, column %d, %q; want line %d", se.Line, se.Column, se.Msg, tc.line)
			}
			if !strings.HasPrefix(err.Error(), "disqus: line ") {
				t.Errorf("error %q", err)
			}
			if len(c.posts) != tc.posts {
				t.Errorf("%d posts delivered before the error, want %d", len(c.posts), tc.posts)
			}
		})
	}
}

// Ensure an error from the handler stops the read and comes back as is.
func TestRead_HandlerErrorStops(t *testing.T) {
	f, err := os.Open("testdata/small-disqus.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stop := errors.New("stop here")
	c := &collector{stopErr: stop, stopAt: 8002}
	if err := disqus.Read(f, c); err != stop {
		t.Fatalf("error %v, want the handler's", err)
	}
	if len(c.posts) != 2 {
		t.Errorf("%d posts delivered, want 2", len(c.posts))
	}
}
