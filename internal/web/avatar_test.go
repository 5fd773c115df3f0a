package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

var avatarPattern = regexp.MustCompile(`<li id="comment-(\d+)"[^>]*>\s*<article[^>]*>\s*<header class="comment-meta">\s*<span class="comment-avatar" aria-hidden="true">(<svg[\s\S]*?</svg>)</span>`)

// avatars returns the avatar of every reply on the page, by reply ID.
func avatars(t testing.TB, page string) map[string]string {
	t.Helper()
	found := map[string]string{}
	for _, m := range avatarPattern.FindAllStringSubmatch(page, -1) {
		found[m[1]] = m[2]
	}
	if n := strings.Count(page, `class="comment-avatar"`); n != len(found) || n == 0 {
		t.Fatalf("read %d avatars, but the page has %d", len(found), n)
	}
	return found
}

// Ensure each reply's avatar is an SVG drawn on the page from the name it is shown
// under, never from its email: the same for every reply under one name (in any case)
// and on every request, whatever the emails; different for another name, even with
// the same email; grey for a reply whose author was erased; holding nothing of the
// email or its index, and no image loaded by the replies. (What the picture itself may
// contain is tested in internal/identicon.)
func TestAvatar_StableAndRevealsNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	const alice, bob = "alice.avatar@example.com", "Bob.Avatar@example.org"
	post := func(t testing.TB, name, email, text string) string {
		form := url.Values{"comment": {text}, "author": {name}, "email": {email}, "url": {""}, "comment_parent": {"0"}}
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
		id, status, _ := s.lastReply(t)
		if status != "approved" {
			t.Fatalf("reply by %s is %q", email, status)
		}
		return itoa(id)
	}
	a1 := post(t, "Alice", alice, "First from Alice.")
	b1 := post(t, "Bob", bob, "From Bob.")
	a2 := post(t, "Alice again", strings.ToUpper(alice), "Second from Alice, under another name.")
	a3 := post(t, "ALICE", "another.alice@example.net", "From another Alice.")
	gone1 := post(t, "Erased One", "erased.one@example.com", "Erased later.")
	gone2 := post(t, "Erased Two", "erased.two@example.com", "Erased too.")
	s.exec(t, `UPDATE comments SET author_name = 'Anonymous', author_email_index = '', author_email_enc = NULL WHERE id IN (?, ?)`, gone1, gone2)

	first := avatars(t, s.get(t, articlePath).wantStatus(http.StatusOK).Body)
	second := avatars(t, s.get(t, articlePath).wantStatus(http.StatusOK).Body)
	if len(first) != 9 {
		t.Fatalf("%d avatars, want 9 (3 demo replies and 6 new)", len(first))
	}
	for id, svg := range first {
		if second[id] != svg {
			t.Errorf("reply %s has another avatar on the second request:\n%s\n%s", id, svg, second[id])
		}
	}
	if first[a1] != first[a3] {
		t.Errorf("two replies under the name Alice, with different emails, have different avatars")
	}
	if first[a1] == first[a2] {
		t.Errorf("two names with one email share an avatar, which links them")
	}
	if first[gone1] != first[gone2] || !strings.Contains(first[gone1], "avatar-placeholder") || !strings.Contains(first[gone1], `fill="#9aa5a0"`) {
		t.Errorf("replies without an email do not share the grey placeholder: %s / %s", first[gone1], first[gone2])
	}
	if first[a1] == first[b1] || strings.Contains(first[a1], "avatar-placeholder") {
		t.Errorf("Alice's avatar is Bob's or the placeholder: %s", first[a1])
	}

	for id, svg := range first {
		var secrets []string
		if id != gone1 && id != gone2 {
			var index, email string
			if err := s.db.QueryRow(`SELECT author_email_index FROM comments WHERE id = ?`, id).Scan(&index); err != nil {
				t.Fatal(err)
			}
			for _, e := range s.commenterEmails(t) {
				if testKeys.EmailIndex(e) == index {
					email = e
				}
			}
			if index == "" || email == "" {
				t.Fatalf("reply %s: index %q, email %q", id, index, email)
			}
			local, domain, _ := strings.Cut(strings.ToLower(email), "@")
			secrets = append(secrets, index, local, domain)
			for i := 0; i+8 <= len(index); i++ {
				secrets = append(secrets, index[i:i+8])
			}
		}
		lower := strings.ToLower(svg)
		for _, secret := range secrets {
			if strings.Contains(lower, secret) {
				t.Errorf("reply %s's avatar contains %q: %s", id, secret, svg)
			}
		}
	}
	page := s.get(t, articlePath).Body
	comments := page[strings.Index(page, `<section id="comments"`):]
	if strings.Contains(comments, "<img") || strings.Contains(strings.ToLower(page), "gravatar") {
		t.Error("the replies load an image")
	}
}
