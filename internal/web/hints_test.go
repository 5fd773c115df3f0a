package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/fascicle/fascicle/internal/model"
)

// hintProblems lists what is wrong with the hints of the forms on an HTML page: a hint
// (class "hint") inside a form that nothing names in aria-describedby, neither itself
// (by its id) nor an element around it; an aria-describedby that names
// an id the page lacks; and an id used twice. A hint inside a region (the editor's
// preview, whose text it is) describes no field.
func hintProblems(body string) []string {
	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		return []string{err.Error()}
	}
	ids := map[string]int{}
	described := map[string]bool{}
	var hints []*xhtml.Node
	for n := range doc.Descendants() {
		if n.Type != xhtml.ElementNode {
			continue
		}
		if id := crawlAttr(n, "id"); id != "" {
			ids[id]++
		}
		for _, id := range strings.Fields(crawlAttr(n, "aria-describedby")) {
			described[id] = true
		}
		if slices.Contains(strings.Fields(crawlAttr(n, "class")), "hint") && inForm(n) {
			hints = append(hints, n)
		}
	}
	var problems []string
	for _, h := range hints {
		text := strings.Join(strings.Fields(nodeText(h)), " ")
		tied := false
		for n := h; n != nil && !tied; n = n.Parent {
			tied = n.Type == xhtml.ElementNode && described[crawlAttr(n, "id")] && crawlAttr(n, "id") != ""
		}
		switch {
		case tied:
		case crawlAttr(h, "id") == "":
			problems = append(problems, "a hint without an id: "+text)
		case !tied:
			problems = append(problems, "a hint no field names in aria-describedby: #"+crawlAttr(h, "id")+" "+text)
		}
	}
	for id := range described {
		if ids[id] == 0 {
			problems = append(problems, "aria-describedby names #"+id+", which is not on the page")
		}
	}
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, "the id "+id+" is used more than once")
		}
	}
	slices.Sort(problems)
	return problems
}

// inForm reports whether n is inside a form, and not inside a region of its own.
func inForm(n *xhtml.Node) bool {
	form := false
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != xhtml.ElementNode {
			continue
		}
		if crawlAttr(p, "role") == "region" {
			return false
		}
		form = form || p.Data == "form"
	}
	return form
}

func nodeText(n *xhtml.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == xhtml.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// Ensure every hint in the staff forms (editor, settings, accounts, an account, its
// profile, your account, personal data, bans, images) is tied to its field by
// aria-describedby, with the forms empty and shown again with errors, and that no
// aria-describedby names an id the page lacks.
func TestStaffForms_HintsDescribeTheirFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.addUser(t, model.RoleAdmin)
	cookie := s.signIn(t, admin)
	other := s.addUser(t, model.RoleReviewer)
	reviewer := s.signIn(t, other)
	s.addReplyRow(t, replyRow{Body: "A reply to ban", Email: "hint.reader@example.com", Prefix: "203.0.113.0/24"})
	id := itoa(other.ID)
	pages := []struct {
		Name   string
		Cookie *http.Cookie
		Method string
		Path   string
		Form   url.Values
		Status int
	}{
		{"NewArticle", cookie, "GET", "/admin/articles/new", nil, http.StatusOK},
		{"NewPage", cookie, "GET", "/admin/articles/new?kind=page", nil, http.StatusOK},
		{"EditPublished", cookie, "GET", "/admin/articles/1/edit", nil, http.StatusOK},
		{"ArticleRefused", cookie, "POST", "/admin/articles/new", url.Values{"action": {"save"}, "kind": {"article"}, "slug": {"Not A Slug"},
			"ref_title": {"x"}, "ref_url": {"not a url"}, "next_review": {"someday"}}, http.StatusUnprocessableEntity},
		{"Review", reviewer, "GET", "/admin/articles/1", nil, http.StatusOK},
		{"Settings", cookie, "GET", "/admin/settings", nil, http.StatusOK},
		{"SettingsRefused", cookie, "POST", "/admin/settings", url.Values{"hold_links": {"-1"}, "thread_depth": {"99"}, "close_after_days": {"-1"},
			"flood_seconds": {"-1"}, "min_form_seconds": {"999"}, "hide_after_reports": {"-1"}, "contact_email": {"nobody"},
			"retain_spam_days": {"-1"}, "retain_pending_days": {"-1"}, "retain_client_days": {"-1"}}, http.StatusUnprocessableEntity},
		{"Users", cookie, "GET", "/admin/users", nil, http.StatusOK},
		{"UsersRefused", cookie, "POST", "/admin/users", url.Values{"role": {"nobody"}}, http.StatusUnprocessableEntity},
		{"User", cookie, "GET", "/admin/users/" + id, nil, http.StatusOK},
		{"UserProfile", cookie, "GET", "/admin/users/" + id + "/profile", nil, http.StatusOK},
		{"Account", cookie, "GET", "/admin/account", nil, http.StatusOK},
		{"Privacy", cookie, "GET", "/admin/privacy", nil, http.StatusOK},
		{"PrivacyFound", cookie, "GET", "/admin/privacy?email=hint.reader%40example.com", nil, http.StatusOK},
		{"PrivacyRefused", cookie, "POST", "/admin/privacy/erase", url.Values{"email": {"hint.reader@example.com"}}, http.StatusUnprocessableEntity},
		{"Ban", cookie, "GET", "/admin/bans/new?comment=1", nil, http.StatusOK},
		{"BanRefused", cookie, "POST", "/admin/bans", url.Values{"comment": {"1"}, "duration": {"date"}, "until_date": {"2000-01-01"}}, http.StatusUnprocessableEntity},
		{"Media", cookie, "GET", "/admin/media", nil, http.StatusOK},
	}
	for _, p := range pages {
		t.Run(p.Name, func(t *testing.T) {
			var res *response
			if p.Method == "GET" {
				res = s.getAs(t, p.Cookie, p.Path)
			} else {
				res = s.postForm(t, p.Path, p.Form, p.Cookie)
			}
			res.wantStatus(p.Status)
			if !strings.Contains(res.Body, `class="hint`) {
				t.Fatalf("%s has no hint to check", p.Path)
			}
			for _, problem := range hintProblems(res.Body) {
				t.Errorf("%s %s: %s", p.Method, p.Path, problem)
			}
		})
	}
	// The check itself finds a hint left loose.
	t.Run("FindsLooseHint", func(t *testing.T) {
		got := hintProblems(`<form><p><label for="a">A</label><span class="hint">Loose.</span><input id="a"></p>
			<p><span class="hint" id="b-hint">Named.</span><input id="b" aria-describedby="b-hint gone"></p></form>`)
		want := []string{"a hint without an id: Loose.", "aria-describedby names #gone, which is not on the page"}
		if !slices.Equal(got, want) {
			t.Errorf("problems = %q, want %q", got, want)
		}
	})
}
