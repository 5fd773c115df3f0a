package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var rememberScript = regexp.MustCompile(`<script src="(/static/js/remember\.[0-9a-f]{12}\.js)" defer></script>`)

// Ensure the reply form offers to save the name and website in the browser, unticked
// on the page every reader gets, with its script and the autocomplete hints; that the
// script keeps only the name and website, in localStorage; and that the server sets
// no cookie for a reader whether the box is ticked or not.
func TestReplyForm_RememberMe(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	page.wantContains(
		`<input id="remember" name="remember" type="checkbox" value="yes">`,
		`<label for="remember">Save my name and website in this browser for the next time I comment.</label>`,
		`<input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required>`,
		`type="email" value="" size="30" maxlength="100" autocomplete="email"`,
		`<input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url">`,
	).wantNotContains(`value="yes" checked`, `name="remember" checked`)
	if got := page.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("the article sets cookies: %q", got)
	}
	m := rememberScript.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("the article does not load remember.js")
	}
	if strings.Index(page.Body, m[0]) > strings.Index(page.Body, "</head>") {
		t.Error("remember.js is not loaded in the head (deferred)")
	}
	js := s.get(t, m[1]).wantStatus(http.StatusOK)
	if ct := js.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("remember.js served as %q", ct)
	}
	js.wantContains(`"fascicle.commenter"`, "localStorage", `JSON.stringify({ name: author.value, url: url.value })`, "removeItem(KEY)").
		wantNotContains("document.cookie", `getElementById("email")`, "sessionStorage", "fetch(", "XMLHttpRequest")

	// The staff pages do not need it.
	s.get(t, "/admin/login").wantNotContains("remember.")

	// Ticked or not, the reply is handled the same and no cookie comes back.
	for _, remember := range []string{"yes", ""} {
		form := validReply()
		form.Set("comment", "Sent with remember="+remember)
		if remember != "" {
			form.Set("remember", remember)
		}
		res := s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
		if got := res.Header.Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("remember=%q: the reply sets cookies: %q", remember, got)
		}
		if _, status, reason := s.lastReply(t); status != "pending" || reason != heldByPolicy {
			t.Errorf("remember=%q: reply is %q, %q", remember, status, reason)
		}
	}
	// A refused form comes back with the box and the script, unticked: only the
	// browser knows whether it was ticked.
	bad := url.Values{"comment": {"No email."}, "author": {"Kept Name"}, "email": {""}, "url": {"https://kept.example/"}, "remember": {"yes"}}
	s.postReply(t, articlePath+"/comments", bad).wantStatus(http.StatusUnprocessableEntity).
		wantContains(`<input id="remember" name="remember" type="checkbox" value="yes">`, m[0], `value="Kept Name"`).
		wantNotContains(`value="yes" checked`)
}
