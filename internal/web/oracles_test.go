package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

// replyAs posts a reply with name, email and text to the article, as a person on
// the site would, and returns the answer.
func (s *site) replyAs(t testing.TB, name, email, text string) *response {
	t.Helper()
	form := url.Values{"comment": {text}, "author": {name}, "email": {email}, "url": {""}, "comment_parent": {"0"}}
	return s.postReply(t, articlePath+"/comments", form)
}

// pendingAvatar posts a reply that is held and returns the avatar its sender sees on
// their own ?pending= page.
func (s *site) pendingAvatar(t testing.TB, name, email, text string) string {
	t.Helper()
	res := s.replyAs(t, name, email, text).wantStatus(http.StatusSeeOther)
	target := res.Header.Get("Location")
	if !strings.Contains(target, "?pending=") {
		t.Fatalf("the reply by %s was not held: redirected to %q", email, target)
	}
	target, _, _ = strings.Cut(target, "#")
	id, _, _ := s.lastReply(t)
	svg, ok := avatars(t, s.get(t, target).wantStatus(http.StatusOK).Body)[itoa(id)]
	if !ok {
		t.Fatalf("the pending page of reply %d does not show it", id)
	}
	return svg
}

// Ensure the avatar tells nothing about an email: a held reply sent with a target's
// email (in any case) and one sent with a wrong email under the same name show their
// sender the same picture, which is not the target's unless the name is the target's;
// and two public replies with one email under different names have different avatars,
// so the picture cannot link pseudonyms.
func TestAvatar_NoEmailOracle(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	const target = "target.person@example.com"
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	s.replyAs(t, "Target Person", target, "Public words from the target.").wantStatus(http.StatusSeeOther)
	targetID, status, _ := s.lastReply(t)
	s.replyAs(t, "A Pseudonym", target, "Public words under another name.").wantStatus(http.StatusSeeOther)
	pseudonymID, status2, _ := s.lastReply(t)
	if status != "approved" || status2 != "approved" {
		t.Fatalf("the target's replies are %q and %q, want approved", status, status2)
	}
	public := avatars(t, s.get(t, articlePath).wantStatus(http.StatusOK).Body)
	targetAvatar := public[itoa(targetID)]
	if targetAvatar == "" || targetAvatar == public[itoa(pseudonymID)] {
		t.Errorf("two names with one email share an avatar, which links them:\n%s\n%s", targetAvatar, public[itoa(pseudonymID)])
	}

	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = true })
	right := s.pendingAvatar(t, "Mallory", strings.ToUpper(target), "Guessing the target's email.")
	wrong := s.pendingAvatar(t, "Mallory", "wrong.guess@example.com", "Guessing another email.")
	if right != wrong {
		t.Errorf("the pending avatar differs with the right and a wrong email:\n%s\n%s", right, wrong)
	}
	if right == targetAvatar || wrong == targetAvatar {
		t.Errorf("another name's pending avatar is the target's: %s", targetAvatar)
	}
	// The name is public: under the target's name, both guesses show the target's
	// picture, so again the email makes no difference.
	rightAsTarget := s.pendingAvatar(t, "Target Person", target, "Under the target's name, right email.")
	wrongAsTarget := s.pendingAvatar(t, "Target Person", "wrong.guess@example.com", "Under the target's name, wrong email.")
	if rightAsTarget != wrongAsTarget {
		t.Errorf("under the target's name, the pending avatar differs with the right and a wrong email:\n%s\n%s", rightAsTarget, wrongAsTarget)
	}
}

// tokens matches what differs between two answers for reasons other than what was
// typed: the signed form stamp and pending links.
var tokens = regexp.MustCompile(`(name="form_shown" value=")[^"]*|pending=[^"#&]*`)

// Ensure the duplicate check tells nothing about an email: re-sending a public reply's
// exact name and text with its email (in another case) and with a wrong one gives the
// same status, the same redirect and the same page, apart from the email as typed and
// the form's stamp.
func TestDuplicate_NoEmailOracle(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	const name, text, email = "Dup Target", "Exactly these public words.", "dup.target@example.com"
	s.replyAs(t, name, email, text).wantStatus(http.StatusSeeOther)
	if _, status, _ := s.lastReply(t); status != "approved" {
		t.Fatalf("the first reply is %q, want approved", status)
	}
	answer := func(guess string) (int, string, string) {
		before := s.count(t, `SELECT count(*) FROM comments`)
		res := s.replyAs(t, name, guess, text)
		if after := s.count(t, `SELECT count(*) FROM comments`); after != before {
			t.Errorf("re-sending with %s saved a reply", guess)
		}
		body := strings.ReplaceAll(res.Body, guess, "EMAIL")
		return res.Code, tokens.ReplaceAllString(res.Header.Get("Location"), "${1}"), tokens.ReplaceAllString(body, "${1}")
	}
	rightCode, rightLocation, rightBody := answer(strings.ToUpper(email))
	wrongCode, wrongLocation, wrongBody := answer("wrong.guess@example.com")
	if rightCode != wrongCode || rightLocation != wrongLocation {
		t.Errorf("right email: %d %q; wrong email: %d %q", rightCode, rightLocation, wrongCode, wrongLocation)
	}
	if rightBody != wrongBody {
		t.Errorf("the page differs with the right and a wrong email")
	}
	if rightCode != http.StatusConflict || !strings.Contains(rightBody, "Duplicate comment detected") {
		t.Errorf("re-sending a reply's name and text: %d, want 409 Duplicate comment detected", rightCode)
	}
}

// Ensure the flood rule tells nothing about an email: a reply from another network
// moments after someone else's, with the same email, is not refused as too quick,
// while a second reply from the same network is.
func TestFlood_NoEmailOracle(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	const email = "flood.target@example.com"
	s.replyAs(t, "Flood Target", email, "A reply from the target.").wantStatus(http.StatusSeeOther)
	stamp := s.formStamp(t, articlePath)
	from := func(addr, text string) *response {
		form := url.Values{"comment": {text}, "author": {"Someone Else"}, "email": {email}, "url": {""}, "comment_parent": {"0"},
			"form_shown": {stamp}}
		req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("User-Agent", "Mozilla/5.0 (test)")
		req.RemoteAddr = addr
		return s.do(t, req)
	}
	s.advance(5 * time.Second)
	from("203.0.113.7:4000", "Another network, same email.").wantStatus(http.StatusSeeOther)
	from("203.0.113.7:4001", "The same network again at once.").wantStatus(http.StatusTooManyRequests)
}

// Ensure an IPv6 host counts as one client across its /64, for the flood rule and the
// sign-in lock-out: rotating addresses inside it buys nothing, while another /64 is
// another client.
func TestLimits_IPv6SlashSixtyFourIsOneClient(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	stamp := s.formStamp(t, articlePath)
	s.advance(5 * time.Second)
	reply := func(addr string, i int) *response {
		form := url.Values{"comment": {"Reply number " + strconv.Itoa(i) + "."}, "author": {"Rotating " + strconv.Itoa(i)},
			"email": {"rotating" + strconv.Itoa(i) + "@example.com"}, "url": {""}, "comment_parent": {"0"}, "form_shown": {stamp}}
		req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = addr
		return s.do(t, req)
	}
	reply("[2001:db8:7:7::1]:4000", 0).wantStatus(http.StatusSeeOther)
	for i := 1; i < 5; i++ {
		reply("[2001:db8:7:7:"+strconv.Itoa(i)+"::"+strconv.Itoa(i)+"]:4000", i).wantStatus(http.StatusTooManyRequests)
	}
	reply("[2001:db8:7:8::1]:4000", 5).wantStatus(http.StatusSeeOther)

	for i := range accounts.MaxSignInFailures {
		form := url.Values{"email": {"nobody" + strconv.Itoa(i) + "@example.com"}, "password": {"wrong password " + strconv.Itoa(i)}}
		s.authLogin(t, "[2001:db8:9:9::"+strconv.Itoa(i+1)+"]:5000", form).wantStatus(http.StatusUnauthorized)
	}
	other := url.Values{"email": {"someone@example.com"}, "password": {"another wrong one"}}
	s.authLogin(t, "[2001:db8:9:9:abcd::1]:5000", other).wantStatus(http.StatusTooManyRequests)
	s.authLogin(t, "[2001:db8:9:a::1]:5000", other).wantStatus(http.StatusUnauthorized)
}
