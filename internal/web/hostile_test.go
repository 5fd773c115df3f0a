package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/model"
)

// hostileReplyField is a reply form field that takes a reader's text, with a harmless
// value to send in its place when another field is refused.
type hostileReplyField struct {
	name, label, plain string
	maxBytes           int
}

var hostileReplyFields = []hostileReplyField{
	{model.FieldBody, "Comment", "A plain reply.", model.MaxCommentBody},
	{model.FieldName, "Name", "Plain Reader", model.MaxCommentName},
	{model.FieldURL, "Website", "", model.MaxCommentURL},
}

// replyRefusal says why the reply form must refuse value in field: the words its
// message must contain, and whether the refusal is required. A phrase with must false
// allows a refusal without requiring one; "" means the value must be accepted.
func replyRefusal(f hostileReplyField, value string) (phrase string, must bool) {
	switch {
	case !utf8.ValidString(value):
		return f.label + " contains bytes that are not valid text (UTF-8)", true
	case strings.ContainsRune(value, 0):
		return f.label + " contains a NUL character", true
	case f.name != model.FieldURL && strings.TrimSpace(value) == "":
		return f.label + " is required", true
	case len(value) > f.maxBytes:
		return f.label + " is too long", true
	case f.name != model.FieldBody && strings.ContainsAny(value, "\r\n"):
		return f.label + " must be on one line", true
	case f.name == model.FieldURL && value != "":
		return "Enter a web address that starts with http:// or https://", !isWebAddress(value)
	}
	return "", false
}

// isWebAddress reports whether s is an absolute http(s) address with a host: the only
// kind of website a reply may link its author's name to.
func isWebAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hostileReply is a reply whose fields were stored as typed.
type hostileReply struct {
	id               int64
	name, site, body string
}

var commentAnchor = regexp.MustCompile(`#comment-(\d+)$`)

// submitHostileReply posts form as a reader and checks the answer: 303 with the reply
// stored byte for byte, or 422 with the form re-shown as typed. It returns the stored
// reply (id 0 if refused) and the message beside each refused field.
func (s *site) submitHostileReply(t testing.TB, what string, form url.Values) (hostileReply, map[string]string) {
	t.Helper()
	res := s.postReplyNow(t, articlePath+"/comments", form)
	switch res.Code {
	case http.StatusSeeOther:
		m := commentAnchor.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Errorf("%s: redirected to %q, want the article at #comment-ID", what, res.Header.Get("Location"))
			return hostileReply{}, nil
		}
		r := hostileReply{}
		r.id, _ = strconv.ParseInt(m[1], 10, 64)
		if err := s.db.QueryRow(`SELECT author_name, author_url, body FROM comments WHERE id = ?`, r.id).Scan(&r.name, &r.site, &r.body); err != nil {
			t.Fatal(err)
		}
		// Browsers send line breaks as CRLF; the server keeps them as LF on purpose.
		want := hostileReply{id: r.id, name: form.Get("author"), site: form.Get("url"), body: strings.ReplaceAll(form.Get("comment"), "\r\n", "\n")}
		if r != want {
			t.Errorf("%s: stored name %.80q, website %.80q, text %.80q; want exactly what was typed: %.80q, %.80q, %.80q",
				what, r.name, r.site, r.body, want.name, want.site, want.body)
		}
		return r, nil
	case http.StatusUnprocessableEntity:
		doc := parseHTML(t, res.Body)
		if !strings.Contains(textContent(doc), "Your comment was not posted.") {
			t.Errorf("%s: the 422 page does not say the comment was not posted", what)
		}
		refused := map[string]string{}
		for _, name := range []string{model.FieldBody, model.FieldName, model.FieldEmail, model.FieldURL, model.FieldParent} {
			if el := elementByID(doc, name+"-error"); el != nil {
				refused[name] = textContent(el)
			}
		}
		if len(refused) == 0 {
			t.Errorf("%s: 422 without a message beside any field", what)
		}
		// Everything typed is in the form again, as a browser will read it.
		shown := map[string]string{model.FieldBody: textContent(elementByID(doc, "comment"))}
		for _, name := range []string{model.FieldName, model.FieldEmail, model.FieldURL} {
			shown[name] = attr(elementByID(doc, name), "value")
		}
		for name, got := range shown {
			if want := asParsed(form.Get(name)); asParsed(got) != want {
				t.Errorf("%s: the re-shown form has %s = %.80q, want what was typed: %.80q", what, name, got, want)
			}
		}
		return hostileReply{}, refused
	default:
		t.Errorf("%s: status %d, want 303 (stored) or 422 (refused); body:\n%.500s", what, res.Code, res.Body)
		return hostileReply{}, nil
	}
}

// Ensure every hostile string, sent through the reply form as name, website and text,
// is either stored byte for byte or refused with 422, a message beside the field that
// says why and the form as typed (invalid UTF-8 and NUL always refused), never 5xx;
// and that the moderation queue and, once approved, the article show each stored one
// as text: no element, attribute or script from it.
func TestHostile_ReplyFieldsStoredExactlyOrRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.FloodSeconds, p.MinFormSeconds = 0, 0 }) // a test types faster than a person
	corpus := hostile.Corpus(t)
	mod := s.signIn(t, s.addUser(t, model.RoleModerator))

	// Plain replies give the shape every reply must keep: one pair approved before the
	// reference page is taken, one held with the hostile ones.
	plainReply := func(t testing.TB, i int, website string) hostileReply {
		form := url.Values{"comment": {"A plain reply about magnesium."}, "author": {"Plain Reader " + strconv.Itoa(i)},
			"email": {fmt.Sprintf("plain-%d@example.com", i)}, "url": {website}, "comment_parent": {"0"}}
		r, _ := s.submitHostileReply(t, "plain reply", form)
		if r.id == 0 {
			t.Fatal("a plain reply was not stored")
		}
		return r
	}
	early := []int64{plainReply(t, 1, "https://plain.example.org/").id, plainReply(t, 2, "").id}
	s.approveAll(t, mod, early)
	reference := s.get(t, articlePath).wantStatus(http.StatusOK)
	plainHeld := []hostileReply{plainReply(t, 3, "https://plain.example.org/"), plainReply(t, 4, "")}

	var stored []hostileReply
	retried := map[string]bool{}
	for i, value := range corpus {
		what := fmt.Sprintf("string %d %.60q", i, value)
		form := url.Values{"email": {fmt.Sprintf("hostile-%d@example.com", i)}, "comment_parent": {"0"}}
		for _, f := range hostileReplyFields {
			form.Set(f.name, value)
		}
		r, refused := s.submitHostileReply(t, what, form)
		for _, f := range hostileReplyFields {
			phrase, must := replyRefusal(f, value)
			msg, isRefused := refused[f.name]
			switch {
			case !isRefused && must:
				t.Errorf("%s as %s: accepted, want 422 saying %q", what, f.label, phrase)
			case isRefused && phrase == "":
				t.Errorf("%s as %s: refused a harmless value: %q", what, f.label, msg)
			case isRefused && !strings.Contains(msg, phrase):
				t.Errorf("%s as %s: refused with %q, which does not say %q", what, f.label, msg, phrase)
			}
		}
		if _, other := refused[model.FieldEmail]; other || refused[model.FieldParent] != "" {
			t.Errorf("%s: refused the email or parent, which were valid: %v", what, refused)
		}
		if r.id != 0 {
			stored = append(stored, r)
			continue
		}
		// Send again with the refused fields plain, so that the fields that passed are
		// stored and checked too. The plain name and text are numbered, so that two
		// retries are never the same name and text (a duplicate, whatever the email);
		// a retry the same as an earlier one (the lists share some strings) is skipped,
		// as it is stored and checked already.
		if len(refused) == 0 || len(refused) == len(hostileReplyFields) {
			continue
		}
		form.Set("email", fmt.Sprintf("hostile-%d-again@example.com", i))
		for _, f := range hostileReplyFields {
			if _, bad := refused[f.name]; bad {
				form.Set(f.name, f.plain)
				if f.plain != "" {
					form.Set(f.name, fmt.Sprintf("%s %d", f.plain, i))
				}
			}
		}
		retry := strings.ReplaceAll(form.Get(model.FieldName)+"\x00"+form.Get(model.FieldBody), "\r\n", "\n")
		if retried[retry] {
			continue
		}
		retried[retry] = true
		if r, refused = s.submitHostileReply(t, what+" (refused fields made plain)", form); r.id == 0 {
			t.Errorf("%s: refused again once only its accepted fields were hostile: %v", what, refused)
			continue
		}
		stored = append(stored, r)
	}
	if len(stored) < len(corpus)/2 {
		t.Fatalf("only %d of %d hostile strings were stored; the pages below would prove little", len(stored), len(corpus))
	}
	for _, r := range stored {
		if r.site != "" && !isWebAddress(r.site) {
			t.Errorf("reply %d: stored the website %.80q, which is not an http(s) address", r.id, r.site)
		}
	}

	// The moderation queue, every page of it.
	held := map[int64]hostileReply{}
	for _, r := range append(slices.Clone(stored), plainHeld...) {
		held[r.id] = r
	}
	queue := map[int64]replyShape{}
	for page := 1; ; page++ {
		res := s.getAs(t, mod, "/admin/comments?page="+strconv.Itoa(page)).wantStatus(http.StatusOK)
		doc := parseHTML(t, res.Body)
		for _, problem := range activeContent(doc) {
			t.Errorf("moderation queue page %d: %s", page, problem)
		}
		for id, shape := range replyShapes(doc, "queue-item", "queue-text", "queue-name", "reply-") {
			queue[id] = shape
		}
		if !strings.Contains(res.Body, `rel="next"`) {
			break
		}
	}
	checkReplyShapes(t, "moderation queue", queue, held, plainHeld)

	// The article, once every reply is approved.
	s.approveAll(t, mod, slices.Collect(maps.Keys(held)))
	res := s.get(t, articlePath).wantStatus(http.StatusOK)
	doc := parseHTML(t, res.Body)
	for _, problem := range activeContent(doc) {
		t.Errorf("article page: %s", problem)
	}
	shown := replyShapes(doc, "comment", "comment-content", "comment-author", "comment-")
	checkReplyShapes(t, "article page", shown, held, plainHeld)
	isHeld := func(id int64) bool { _, ok := held[id]; return ok }
	before, after := pageShape(parseHTML(t, reference.Body), isHeld), pageShape(doc, isHeld)
	if !maps.Equal(before, after) {
		t.Errorf("outside the replies, the article page's elements changed:\n%s", shapeDiff(before, after))
	}
}

// approveAll approves the replies through the moderation queue's bulk form.
func (s *site) approveAll(t testing.TB, cookie *http.Cookie, ids []int64) {
	t.Helper()
	form := url.Values{"action": {"approve"}, "return": {"/admin/comments"}}
	for _, id := range ids {
		form.Add("ids", itoa(id))
	}
	res := s.postForm(t, "/admin/comments/bulk", form, cookie).wantStatus(http.StatusSeeOther)
	if loc, err := url.Parse(res.Header.Get("Location")); err != nil || loc.Query().Get("n") != strconv.Itoa(len(ids)) {
		t.Fatalf("approving %d replies went to %q, want n=%d", len(ids), res.Header.Get("Location"), len(ids))
	}
}

// replyShape is what a page shows of one reply: the elements around its text (tag and
// attribute names, counted), the elements inside its text, and its author's name,
// website and text as read.
type replyShape struct {
	outer   map[string]int
	inner   []*xhtml.Node
	name    string
	text    string
	website string
}

// replyShapes finds the replies of a page: elements of class item with id prefix+ID.
func replyShapes(doc *xhtml.Node, item, textClass, nameClass, prefix string) map[int64]replyShape {
	shapes := map[int64]replyShape{}
	for el := range elements(doc) {
		id, err := strconv.ParseInt(strings.TrimPrefix(attr(el, "id"), prefix), 10, 64)
		if !hasClass(el, item) || err != nil {
			continue
		}
		shape := replyShape{outer: map[string]int{}}
		var walk func(n *xhtml.Node)
		walk = func(n *xhtml.Node) {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != xhtml.ElementNode || hasClass(c, item) {
					continue // nested replies have shapes of their own
				}
				shape.outer[signature(c)]++
				switch {
				case hasClass(c, textClass):
					shape.text = textContent(c)
					for inner := range elements(c) {
						if inner != c {
							shape.inner = append(shape.inner, inner)
						}
					}
					continue
				case hasClass(c, nameClass):
					shape.name = textContent(c)
					for link := range elements(c) {
						if link.DataAtom == atom.A {
							shape.website = attr(link, "href")
						}
					}
				case hasClass(c, "queue-url"):
					shape.website = textContent(c)
				}
				walk(c)
			}
		}
		shape.outer[signature(el)]++
		walk(el)
		shapes[id] = shape
	}
	return shapes
}

// checkReplyShapes checks that every reply of want is on the page as text: around its
// text the same elements as a plain reply with or without a website; inside it only
// paragraphs, line breaks and web links; its name and text as typed.
func checkReplyShapes(t testing.TB, where string, shown map[int64]replyShape, want map[int64]hostileReply, plain []hostileReply) {
	t.Helper()
	var allowed []map[string]int
	for _, p := range plain {
		shape, ok := shown[p.id]
		if !ok {
			t.Fatalf("%s: the plain reply %d is missing", where, p.id)
		}
		allowed = append(allowed, shape.outer)
	}
	for id, r := range want {
		shape, ok := shown[id]
		if !ok {
			t.Errorf("%s: reply %d (name %.60q) is missing", where, id, r.name)
			continue
		}
		if !slices.ContainsFunc(allowed, func(a map[string]int) bool { return maps.Equal(a, shape.outer) }) {
			t.Errorf("%s: reply %d (name %.60q, website %.60q) has other elements than a plain reply:\n%s",
				where, id, r.name, r.site, shapeDiff(allowed[len(allowed)-1], shape.outer))
		}
		for _, el := range shape.inner {
			if problem := replyTextElementProblem(el); problem != "" {
				t.Errorf("%s: reply %d (text %.60q) shows %s", where, id, r.body, problem)
			}
		}
		if shape.name != r.name {
			t.Errorf("%s: reply %d shows the name %.80q, want %.80q", where, id, shape.name, r.name)
		}
		if !hostile.SameAddress(shape.website, r.site) {
			t.Errorf("%s: reply %d shows the website %.80q, want %.80q", where, id, shape.website, r.site)
		}
		if got, want := shape.text, r.body; !hostile.SameText(got, want) {
			t.Errorf("%s: reply %d shows the text %.80q, want %.80q (spacing aside)", where, id, got, want)
		}
	}
}

// replyTextElementProblem says what is wrong with an element inside a reply's text,
// which may hold only the paragraphs, line breaks and links that the renderer writes.
func replyTextElementProblem(el *xhtml.Node) string {
	switch sig := signature(el); sig {
	case "p[]", "br[]":
		return ""
	case "a[href rel]":
		href := strings.ToLower(attr(el, "href"))
		if attr(el, "rel") == "nofollow ugc" && (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) {
			return ""
		}
		return fmt.Sprintf("a link to %.60q with rel %q", attr(el, "href"), attr(el, "rel"))
	default:
		return "the element " + sig + ", which came from its text"
	}
}

// Ensure every hostile string, typed into the editor as title, summary, body, tags and
// reference title and address, is either saved or refused with 422, a message beside
// the field and the form as typed, never 5xx; and that no page made from it — the
// public article, the editor with its preview, the live preview — carries script, an
// event handler, a javascript: or data: address, a frame, an object or a style.
func TestHostile_ArticleFieldsSanitisedOrRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.PublishWithoutReview = true })
	corpus := hostile.Corpus(t)
	cookie := s.signIn(t, s.addUser(t, model.RoleEditor))
	ctx := context.Background()

	type field struct{ name, errorKey, plain string }
	fields := []field{
		{"title", "title", "Plain title"}, {"summary", "summary", "A plain summary."}, {"body", "body", "A plain body."},
		{"tags", "tags", "Plain"}, {"ref_url", "references", "https://example.org/source"}, {"ref_title", "references", "A plain source"},
	}
	// A plain article's public page holds the scripts every article page has.
	baseline := s.saveAndPublish(t, cookie, "plain", editorForm(-1, func(f string) string {
		return fields[slices.IndexFunc(fields, func(x field) bool { return x.name == f })].plain
	}))
	if baseline == 0 {
		t.Fatal("a plain article was refused")
	}
	a, err := s.store.Article(ctx, baseline)
	if err != nil {
		t.Fatal(err)
	}
	wantScripts := countScripts(parseHTML(t, s.get(t, "/articles/"+a.Slug).wantStatus(http.StatusOK).Body))

	saved := 0
	for i, value := range corpus {
		what := fmt.Sprintf("string %d %.60q", i, value)
		hostileIn := map[string]bool{}
		for _, f := range fields {
			hostileIn[f.name] = true
		}
		var id int64
		for attempt := 0; id == 0 && attempt <= len(fields); attempt++ {
			form := editorForm(i, func(name string) string {
				if hostileIn[name] {
					return value
				}
				return fields[slices.IndexFunc(fields, func(x field) bool { return x.name == name })].plain
			})
			res := s.postForm(t, "/admin/articles/new", form, cookie)
			if res.Code == http.StatusSeeOther {
				if _, err := fmtSscanf(res.Header.Get("Location"), "/admin/articles/%d/edit?done=saved", &id); err != nil {
					t.Errorf("%s: saved, then sent to %q", what, res.Header.Get("Location"))
				}
				break
			}
			if res.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: editor answered %d, want 303 (saved) or 422 (refused); body:\n%.500s", what, res.Code, res.Body)
				break
			}
			refused := s.checkRefusedEditor(t, what, res.Body, form)
			if len(refused) == 0 {
				break
			}
			// Make the refused fields plain, one reference field at a time, and try again.
			for key, msg := range refused {
				var holders []string
				for _, f := range fields {
					if f.errorKey == key && hostileIn[f.name] {
						holders = append(holders, f.name)
					}
				}
				if len(holders) == 0 {
					t.Errorf("%s: refused %s (%q), which held no hostile text", what, key, msg)
					continue
				}
				reasons := map[string]bool{}
				for _, name := range holders {
					reasons[articleRefusalReason(name, value)] = true
				}
				switch {
				case reasons["cannot be saved"] && !strings.Contains(msg, "cannot be saved"):
					t.Errorf("%s as %s: refused with %q, which does not say it holds characters that cannot be saved", what, key, msg)
				case len(reasons) == 1 && reasons[""]:
					t.Errorf("%s as %s: refused a harmless value: %q", what, strings.Join(holders, " and "), msg)
				}
				hostileIn[holders[0]] = false
			}
		}
		for _, f := range fields {
			if hostileIn[f.name] && articleRefusalReason(f.name, value) == "cannot be saved" && id != 0 {
				t.Errorf("%s as %s: saved; invalid UTF-8 and NUL must be refused, never altered", what, f.name)
			}
		}

		live := s.postForm(t, "/admin/preview", url.Values{"body": {value}, "references": {"1"}}, cookie)
		if live.Code != http.StatusOK {
			t.Errorf("%s: live preview answered %d", what, live.Code)
		} else {
			for _, problem := range activeContent(parseFragment(t, live.Body)) {
				t.Errorf("%s: live preview: %s", what, problem)
			}
		}
		if id == 0 {
			continue
		}
		saved++
		s.publishNew(t, cookie, id)
		for _, page := range []struct {
			where   string
			res     *response
			scripts int
		}{
			{"public article", s.get(t, fmt.Sprintf("/articles/hostile-%d", i)), wantScripts},
			{"editor", s.getAs(t, cookie, "/admin/articles/"+itoa(id)+"/edit"), -1},
			{"staff article page", s.getAs(t, cookie, "/admin/articles/"+itoa(id)), -1},
		} {
			if page.res.Code != http.StatusOK {
				t.Errorf("%s: %s answered %d", what, page.where, page.res.Code)
				continue
			}
			doc := parseHTML(t, page.res.Body)
			for _, problem := range activeContent(doc) {
				t.Errorf("%s: %s: %s", what, page.where, problem)
			}
			if n := countScripts(doc); page.scripts >= 0 && n != page.scripts {
				t.Errorf("%s: %s has %d script elements, a plain article %d", what, page.where, n, page.scripts)
			}
		}
	}
	if saved < len(corpus)/2 {
		t.Errorf("only %d of %d hostile strings made an article; the pages checked prove little", saved, len(corpus))
	}
	for _, path := range []string{"/", "/feed.xml", "/sitemap.xml"} {
		if res := s.get(t, path); res.Code != http.StatusOK {
			t.Errorf("%s answered %d with the hostile articles published", path, res.Code)
		}
	}
	// The home page lists the newest articles: the last strings of the corpus.
	for _, problem := range activeContent(parseHTML(t, s.get(t, "/").Body)) {
		t.Errorf("home page: %s", problem)
	}
}

// editorForm is a new article whose fields come from value, with a reference row and
// the address hostile-i, so that a title without letters still makes an article.
func editorForm(i int, value func(field string) string) url.Values {
	slug := "plain-article"
	if i >= 0 {
		slug = "hostile-" + strconv.Itoa(i)
	}
	return url.Values{
		"title": {value("title")}, "slug": {slug}, "summary": {value("summary")}, "body": {value("body")},
		"tags": {value("tags")}, "comments_open": {"on"}, "version": {"0"}, "action": {"save"},
		"ref_title": {value("ref_title"), ""}, "ref_url": {value("ref_url"), ""},
		"ref_publisher": {"", ""}, "ref_doi": {"", ""}, "ref_pmid": {"", ""},
	}
}

// saveAndPublish saves form through the editor, publishes the article and returns
// its ID, or 0 if the editor refused it.
func (s *site) saveAndPublish(t testing.TB, cookie *http.Cookie, what string, form url.Values) int64 {
	t.Helper()
	res := s.postForm(t, "/admin/articles/new", form, cookie)
	var id int64
	if res.Code != http.StatusSeeOther {
		t.Errorf("%s: editor answered %d; body:\n%.1000s", what, res.Code, res.Body)
		return 0
	}
	if _, err := fmtSscanf(res.Header.Get("Location"), "/admin/articles/%d/edit?done=saved", &id); err != nil {
		t.Fatalf("%s: saved, then sent to %q", what, res.Header.Get("Location"))
	}
	s.publishNew(t, cookie, id)
	return id
}

// publishNew publishes a newly saved article (version 1) through its status form.
func (s *site) publishNew(t testing.TB, cookie *http.Cookie, id int64) {
	t.Helper()
	s.postForm(t, "/admin/articles/"+itoa(id)+"/status", url.Values{"action": {"publish"}, "version": {"1"}}, cookie).wantStatus(http.StatusSeeOther)
}

// articleRefusalReason says why the editor may refuse value in field, or "" if it
// has no reason to.
func articleRefusalReason(field, value string) string {
	if !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
		return "cannot be saved"
	}
	trimmed := strings.TrimSpace(value)
	switch field {
	case "title":
		if trimmed == "" || len(trimmed) > model.MaxTitle {
			return "title is empty or long"
		}
	case "summary":
		if len(trimmed) > model.MaxSummary {
			return "summary is long"
		}
	case "body":
		if len(value) > model.MaxBody {
			return "body is long"
		}
	case "tags":
		tags := model.ParseTags(value)
		if len(tags) > model.MaxTags || slices.ContainsFunc(tags, func(t model.Tag) bool { return t.Slug == "" || len(t.Name) > model.MaxTagName }) {
			return "too many tags, or one without a letter or digit, or a long one"
		}
	case "ref_title":
		if trimmed == "" || len(trimmed) > model.MaxRefTitle {
			return "reference title is empty or long"
		}
	case "ref_url":
		if !isWebAddress(trimmed) || len(trimmed) > model.MaxRefURL {
			return "not a web address"
		}
	}
	return ""
}

// editorFieldErrors maps each field the editor marks as refused (title, summary, body,
// tags, references…) to the message beside it.
func editorFieldErrors(doc *xhtml.Node) map[string]string {
	refused := map[string]string{}
	for el := range elements(doc) {
		if !hasClass(el, "has-error") {
			continue
		}
		key := ""
		for inner := range elements(el) {
			if inner.DataAtom == atom.Input || inner.DataAtom == atom.Textarea {
				key = attr(inner, "id")
				break
			}
		}
		if el.DataAtom == atom.Fieldset && strings.Contains(textContent(el), "References") {
			key = "references"
		}
		for inner := range elements(el) {
			if hasClass(inner, "field-error") {
				refused[key] = textContent(inner)
			}
		}
	}
	return refused
}

// checkRefusedEditor checks a 422 answer of the editor: it says the article was not
// saved, has a message beside each refused field, and shows every value as typed
// (reference fields trimmed, line breaks as LF). It returns the refused fields.
func (s *site) checkRefusedEditor(t testing.TB, what, body string, form url.Values) map[string]string {
	t.Helper()
	doc := parseHTML(t, body)
	if !strings.Contains(textContent(doc), "The article was not saved.") {
		t.Errorf("%s: the 422 editor does not say the article was not saved", what)
	}
	refused := editorFieldErrors(doc)
	if len(refused) == 0 {
		t.Errorf("%s: 422 without a message beside any field", what)
	}
	for key, msg := range refused {
		if strings.TrimSpace(msg) == "" {
			t.Errorf("%s: %s is marked refused without a message", what, key)
		}
	}
	shown := map[string]string{
		"title": attr(elementByID(doc, "title"), "value"), "tags": attr(elementByID(doc, "tags"), "value"),
		"summary": textContent(elementByID(doc, "summary")), "body": textContent(elementByID(doc, "body")),
	}
	for el := range elements(doc) {
		if name := attr(el, "name"); el.DataAtom == atom.Input && (name == "ref_title" || name == "ref_url") && shown[name] == "" {
			shown[name] = attr(el, "value")
		}
	}
	for name, got := range shown {
		want := form.Get(name)
		if strings.HasPrefix(name, "ref_") {
			want = strings.TrimSpace(want)
		}
		if asParsed(got) != asParsed(want) {
			t.Errorf("%s: the re-shown editor has %s = %.80q, want what was typed: %.80q", what, name, got, want)
		}
	}
	return refused
}

// activeContent lists what in a parsed page could run or restyle it: script other than
// the site's own files and JSON-LD, event-handler and style attributes, javascript:,
// data: and vbscript: addresses, frames, objects, embeds, style sheets and refreshes.
func activeContent(doc *xhtml.Node) []string {
	var problems []string
	for el := range elements(doc) {
		switch el.DataAtom {
		case atom.Script:
			src, typ := attr(el, "src"), attr(el, "type")
			switch {
			case src != "" && strings.HasPrefix(src, "/static/") && el.FirstChild == nil && typ == "":
			case src == "" && typ == "application/ld+json" && json.Valid([]byte(textContent(el))):
			default:
				problems = append(problems, fmt.Sprintf("a script element (src %.60q, type %q, text %.60q)", src, typ, textContent(el)))
			}
		case atom.Iframe, atom.Frame, atom.Frameset, atom.Object, atom.Embed, atom.Applet, atom.Style, atom.Base:
			problems = append(problems, "an element "+el.Data)
		case atom.Link:
			if rel := attr(el, "rel"); rel == "stylesheet" && !strings.HasPrefix(attr(el, "href"), "/static/") {
				problems = append(problems, "a style sheet from "+attr(el, "href"))
			}
		case atom.Meta:
			if attr(el, "http-equiv") != "" {
				problems = append(problems, "a meta http-equiv "+attr(el, "http-equiv"))
			}
		}
		if el.Data == "portal" || el.Data == "template" {
			problems = append(problems, "an element "+el.Data)
		}
		for _, a := range el.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"):
				problems = append(problems, fmt.Sprintf("an event handler %s=%.60q on %s", a.Key, a.Val, el.Data))
			case key == "style":
				problems = append(problems, fmt.Sprintf("a style attribute %.60q on %s", a.Val, el.Data))
			case urlAttributes[key] && dangerousScheme(a.Val):
				problems = append(problems, fmt.Sprintf("%s=%.60q on %s", a.Key, a.Val, el.Data))
			}
		}
	}
	return problems
}

// urlAttributes are the attributes whose value a browser loads or follows.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true, "background": true,
	"data": true, "srcset": true, "cite": true, "longdesc": true, "lowsrc": true, "dynsrc": true,
	"ping": true, "manifest": true, "codebase": true, "xlink:href": true,
}

// dangerousScheme reports whether an address runs or embeds content, read the way
// browsers read it: tabs, line breaks and control characters ignored, any case. A
// srcset holds several addresses, separated by commas.
func dangerousScheme(raw string) bool {
	cleaned := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(raw))
	for _, candidate := range strings.Split(cleaned, ",") {
		for _, scheme := range []string{"javascript:", "data:", "vbscript:"} {
			if strings.HasPrefix(candidate, scheme) {
				return true
			}
		}
	}
	return false
}

func countScripts(doc *xhtml.Node) int {
	n := 0
	for el := range elements(doc) {
		if el.DataAtom == atom.Script {
			n++
		}
	}
	return n
}

// pageShape counts the page's elements by tag and attribute names, leaving out the
// replies for which skip is true.
func pageShape(doc *xhtml.Node, skip func(id int64) bool) map[string]int {
	shape := map[string]int{}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != xhtml.ElementNode {
				continue
			}
			if id, err := strconv.ParseInt(strings.TrimPrefix(attr(c, "id"), "comment-"), 10, 64); err == nil && hasClass(c, "comment") && skip(id) {
				continue
			}
			shape[signature(c)]++
			walk(c)
		}
	}
	walk(doc)
	return shape
}

func shapeDiff(want, got map[string]int) string {
	keys := slices.Collect(maps.Keys(want))
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		if want[k] != got[k] {
			fmt.Fprintf(&b, "  %s: %d, want %d\n", k, got[k], want[k])
		}
	}
	return b.String()
}

// signature names an element by its tag and sorted attribute names: "a[href rel]".
func signature(el *xhtml.Node) string {
	names := make([]string, len(el.Attr))
	for i, a := range el.Attr {
		names[i] = a.Key
		if a.Namespace != "" {
			names[i] = a.Namespace + ":" + a.Key
		}
	}
	slices.Sort(names)
	return el.Data + "[" + strings.Join(names, " ") + "]"
}

// asParsed is text as a browser reads it back from a page: line breaks as LF, NUL and
// bytes that are not UTF-8 as U+FFFD.
func asParsed(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}

func parseHTML(t testing.TB, body string) *xhtml.Node {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// parseFragment parses HTML as the content of a div, as the live preview uses it.
func parseFragment(t testing.TB, body string) *xhtml.Node {
	t.Helper()
	root := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), root)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return root
}

// elements yields n and every element below it, in document order.
func elements(n *xhtml.Node) func(yield func(*xhtml.Node) bool) {
	return func(yield func(*xhtml.Node) bool) {
		var walk func(n *xhtml.Node) bool
		walk = func(n *xhtml.Node) bool {
			if n.Type == xhtml.ElementNode && !yield(n) {
				return false
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if !walk(c) {
					return false
				}
			}
			return true
		}
		walk(n)
	}
}

func elementByID(doc *xhtml.Node, id string) *xhtml.Node {
	for el := range elements(doc) {
		if attr(el, "id") == id {
			return el
		}
	}
	return nil
}

func attr(el *xhtml.Node, name string) string {
	if el == nil {
		return ""
	}
	for _, a := range el.Attr {
		if a.Key == name && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasClass(el *xhtml.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(el, "class")), class)
}

// textContent is the text of n and everything below it, as the DOM's textContent.
func textContent(n *xhtml.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
