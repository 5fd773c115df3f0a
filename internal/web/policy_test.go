package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/web"
)

// stamped returns a copy of form with the signed timestamp of the article's reply form,
// and moves the clock on 20 s, the time a person takes to write a reply.
func (s *site) stamped(t testing.TB, form url.Values) url.Values {
	t.Helper()
	form = cloneValues(form)
	form.Set("form_shown", s.formStamp(t, articlePath))
	s.advance(20 * time.Second)
	return form
}

// sendReply posts the reply form to the demo article at once, like postReplyNow, with
// extra headers that replace the defaults and a session cookie (nil for none).
func (s *site) sendReply(t testing.TB, form url.Values, header map[string]string, cookie *http.Cookie) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", "Mozilla/5.0 (test)")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return s.do(t, req)
}

// wantReply checks the newest reply's status and held reason, and returns its ID.
func (s *site) wantReply(t testing.TB, status, reason string) int64 {
	t.Helper()
	id, gotStatus, gotReason := s.lastReply(t)
	if gotStatus != status || gotReason != reason {
		t.Errorf("newest reply: status %q, reason %q; want %q, %q", gotStatus, gotReason, status, reason)
	}
	return id
}

// wantHeldRedirect checks that the reader was sent to the page that shows them their
// reply as awaiting moderation, and returns that page.
func (s *site) wantHeldRedirect(t testing.TB, res *response, id int64) *response {
	t.Helper()
	res.wantStatus(http.StatusSeeOther)
	location := res.Header.Get("Location")
	if !strings.HasPrefix(location, articlePath+"?pending=") || !strings.HasSuffix(location, "#comment-"+itoa(id)) {
		t.Fatalf("Location = %q, want the article with ?pending= and #comment-%d", location, id)
	}
	return s.get(t, strings.Split(location, "#")[0]).wantStatus(http.StatusOK)
}

// Ensure the default policy holds every reply, and tells the reader it is awaiting
// moderation.
func TestPolicy_DefaultHoldsEveryReply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	res := s.postReply(t, articlePath+"/comments", validReply())
	id := s.wantReply(t, "pending", "every reply is held (manual moderation)")
	s.wantHeldRedirect(t, res, id).wantContains(`id="comment-`+itoa(id)+`"`, "Your comment is awaiting moderation.", "Magnesium helped my cramps.")
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains("3 replies to").wantNotContains("Magnesium helped", "awaiting moderation")
}

// Ensure that with manual moderation off a reply is published at once, and the reader
// is sent straight to it.
func TestPolicy_HoldAllOffPublishesAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	res := s.postReply(t, articlePath+"/comments", validReply())
	id := s.wantReply(t, "approved", "")
	res.wantSeeOtherTo(articlePath + "#comment-" + itoa(id))
	s.get(t, articlePath).wantStatus(http.StatusOK).
		wantContains(`<li id="comment-`+itoa(id)+`" class="comment depth-1">`, "Magnesium helped my cramps.", "4 replies to").
		wantNotContains("awaiting moderation", "reader.one@example.com")
	s.get(t, "/").wantContains("4 replies")
}

// Ensure that with "approve known commenters" a first reply is held, and once a reply
// is approved the same browser's next ones under the same name and email are published
// at once; that the name and email alone, from another browser, are held exactly like a
// wrong guess (no answer confirms an email); and that the cookie which remembers the
// browser's replies is set only while the rule is on, HttpOnly and SameSite=Lax.
func TestPolicy_AutoApproveKnown(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll, p.AutoApproveKnown = false, true })
	var browser *http.Cookie // the commenter's own browser
	post := func(t testing.TB, cookie *http.Cookie, name, email, text string) *response {
		t.Helper()
		form := validReply()
		form.Set("author", name)
		form.Set("email", email)
		form.Set("comment", text)
		form.Set("form_shown", s.formStamp(t, articlePath))
		s.advance(20 * time.Second)
		req := httptest.NewRequest(http.MethodPost, articlePath+"/comments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if cookie != nil {
			req.AddCookie(cookie)
		}
		return s.do(t, req)
	}
	commenterCookie := func(res *response) *http.Cookie {
		for _, c := range (&http.Response{Header: res.Header}).Cookies() {
			if c.Name == "fascicle_commenter" {
				return c
			}
		}
		return nil
	}
	keep := func(t testing.TB, res *response) {
		t.Helper()
		c := commenterCookie(res)
		if c == nil {
			t.Fatalf("no fascicle_commenter cookie; headers: %v", res.Header)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge < 300*24*3600 {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, kept for a year", c)
		}
		browser = &http.Cookie{Name: c.Name, Value: c.Value}
	}
	var first int64

	t.Run("FirstTimeHeld", func(t *testing.T) {
		res := post(t, nil, "Reader One", "reader.one@example.com", "First reply.")
		first = s.wantReply(t, "pending", "first-time commenter")
		keep(t, res)
		s.wantHeldRedirect(t, res, first).wantContains("Your comment is awaiting moderation.")
	})
	t.Run("HeldWhileOnlyPending", func(t *testing.T) {
		res := post(t, browser, "Reader One", "reader.one@example.com", "Second reply.").wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "first-time commenter")
		keep(t, res)
	})
	t.Run("KnownAfterApproval", func(t *testing.T) {
		s.exec(t, `UPDATE comments SET status = 'approved' WHERE id = ?`, first)
		res := post(t, browser, "Reader One", "reader.one@example.com", "Third reply.")
		id := s.wantReply(t, "approved", "")
		res.wantSeeOtherTo(articlePath + "#comment-" + itoa(id))
		keep(t, res)
	})
	t.Run("SameEmailOtherNameHeld", func(t *testing.T) {
		post(t, browser, "Someone Else", "reader.one@example.com", "Fourth reply.").wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "first-time commenter")
	})
	t.Run("SameNameOtherEmailHeld", func(t *testing.T) {
		post(t, browser, "Reader One", "another@example.com", "Fifth reply.").wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "first-time commenter")
	})
	t.Run("RightGuessFromAnotherBrowserLooksLikeAWrongOne", func(t *testing.T) {
		right := post(t, nil, "Reader One", "reader.one@example.com", "Is this you?")
		rightID := s.wantReply(t, "pending", "first-time commenter")
		wrong := post(t, nil, "Reader One", "reader.two@example.com", "Or is this you?")
		wrongID := s.wantReply(t, "pending", "first-time commenter")
		s.wantHeldRedirect(t, right, rightID)
		s.wantHeldRedirect(t, wrong, wrongID)
		// The demo's commenter has approved replies under her name and email too.
		post(t, nil, "Priya N.", "priya.n@example.com", "Update: still fine.").wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "first-time commenter")
	})
	t.Run("ForgedCookieIgnored", func(t *testing.T) {
		forged := &http.Cookie{Name: "fascicle_commenter", Value: itoa(first) + ".4102444800.AAAA"}
		post(t, forged, "Reader One", "reader.one@example.com", "Forged.").wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "first-time commenter")
	})
	t.Run("ManualModerationStillHoldsKnown", func(t *testing.T) {
		s.setPolicy(t, func(p *model.Policy) { p.HoldAll = true })
		post(t, browser, "Reader One", "reader.one@example.com", "Sixth reply.").wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "every reply is held (manual moderation)")
	})
	t.Run("NoCookieWhenRuleOff", func(t *testing.T) {
		s.setPolicy(t, func(p *model.Policy) { p.AutoApproveKnown = false })
		res := post(t, nil, "Reader Three", "reader.three@example.com", "Seventh reply.").wantStatus(http.StatusSeeOther)
		if c := commenterCookie(res); c != nil {
			t.Errorf("cookie %q set while the rule is off", c.Name)
		}
	})
}

// Ensure a reply with as many links as the policy's limit is held, whatever the other
// settings, and that a limit of 0 never holds for links (with the trusted-sites rule
// off: TestPolicy_HealthAwareHolds).
func TestPolicy_HoldLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name      string
		HoldLinks int
		Body      string
		Status    string
		Reason    string
	}{
		{"HeldWhenTwoLinks", 2, "See https://a.example/x and www.b.example too.", "pending", "has 2 links"},
		{"HeldWhenThreeLinks", 2, "http://a.example https://b.example/p?q=1 www.c.example", "pending", "has 3 links"},
		{"HeldWhateverTheCase", 2, "HTTPS://A.EXAMPLE and WWW.B.EXAMPLE", "pending", "has 2 links"},
		{"ApprovedWithOneLink", 2, "Only https://a.example/ here.", "approved", ""},
		{"ApprovedWithoutLinks", 2, "No links at all.", "approved", ""},
		{"WebsiteIsNotCounted", 1, "The website field holds my only address.", "approved", ""},
		{"NeverHeldWhenZero", 0, "http://a.example https://b.example www.c.example", "approved", ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			s.setPolicy(t, func(p *model.Policy) { p.HoldAll, p.HoldLinks, p.LinkDomains = false, tt.HoldLinks, nil })
			form := validReply()
			form.Set("comment", tt.Body)
			res := s.postReply(t, articlePath+"/comments", form)
			id := s.wantReply(t, tt.Status, tt.Reason)
			page := s.get(t, articlePath)
			if tt.Status == "approved" {
				res.wantSeeOtherTo(articlePath + "#comment-" + itoa(id))
				page.wantContains(`id="comment-` + itoa(id) + `"`)
			} else {
				s.wantHeldRedirect(t, res, id).wantContains("Your comment is awaiting moderation.")
				page.wantNotContains(`id="comment-` + itoa(id) + `"`)
			}
		})
	}
}

// Ensure hold words and spam words are found, ignoring case, in the name, email,
// website, text and browser of a reply, that spam wins over hold, and that the reason
// names the word.
func TestPolicy_Words(t *testing.T) {
	t.Parallel()
	hold, spam := []string{"cheap", "free money"}, []string{"casino"}
	tests := []struct {
		Name    string
		HoldAll bool
		Field   string // a form field, or "agent" for the User-Agent header
		Value   string
		Status  string
		Reason  string
	}{
		{Name: "HeldForWordInName", Field: "author", Value: "CHEAP Meds Fan", Status: "pending", Reason: "contains the hold word “cheap”"},
		{Name: "HeldForWordInEmail", Field: "email", Value: "Cheap.Deals@example.com", Status: "pending", Reason: "contains the hold word “cheap”"},
		{Name: "HeldForWordInWebsite", Field: "url", Value: "https://ChEaP.example/", Status: "pending", Reason: "contains the hold word “cheap”"},
		{Name: "HeldForWordInText", Field: "comment", Value: "Twitches? Get cHeAp relief.", Status: "pending", Reason: "contains the hold word “cheap”"},
		{Name: "HeldForWordInUserAgent", Field: "agent", Value: "CheapBot/1.0", Status: "pending", Reason: "contains the hold word “cheap”"},
		{Name: "HeldForPhrase", Field: "comment", Value: "Want FREE MONEY?", Status: "pending", Reason: "contains the hold word “free money”"},
		{Name: "HeldWordNamedUnderManualModeration", HoldAll: true, Field: "comment", Value: "cheap", Status: "pending", Reason: "contains the hold word “cheap”"},
		{Name: "SpamForWordInName", Field: "author", Value: "Casino King", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "SpamForWordInEmail", Field: "email", Value: "win@CASINO.example", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "SpamForWordInWebsite", Field: "url", Value: "https://best-casino.example/", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "SpamForWordInText", Field: "comment", Value: "Try the cAsInO.", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "SpamForWordInUserAgent", Field: "agent", Value: "Mozilla/5.0 CasinoCrawler", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "SpamWinsOverHold", Field: "comment", Value: "Cheap casino chips.", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "SpamWinsOverManualModeration", HoldAll: true, Field: "comment", Value: "casino", Status: "spam", Reason: "contains the spam word “casino”"},
		{Name: "NoWordApproved", Field: "comment", Value: "Cheerful and well made; money is not free.", Status: "approved", Reason: ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			s.setPolicy(t, func(p *model.Policy) { p.HoldAll, p.HoldWords, p.SpamWords = tt.HoldAll, hold, spam })
			form := s.stamped(t, validReply())
			header := map[string]string{}
			if tt.Field == "agent" {
				header["User-Agent"] = tt.Value
			} else {
				form.Set(tt.Field, tt.Value)
			}
			res := s.sendReply(t, form, header, nil)
			id := s.wantReply(t, tt.Status, tt.Reason)
			if tt.Status == "approved" {
				res.wantSeeOtherTo(articlePath + "#comment-" + itoa(id))
				return
			}
			// Held or spam, the reader is told the same: it awaits moderation.
			s.wantHeldRedirect(t, res, id).wantContains("Your comment is awaiting moderation.").wantNotContains("spam word", "hold word")
			s.get(t, articlePath).wantNotContains(`id="comment-` + itoa(id) + `"`)
		})
	}
}

// Ensure a reply that fills in the hidden field is kept as spam without a word to the
// sender, who sees it as awaiting moderation like anyone else, and nobody else sees it.
func TestSpam_Honeypot(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	form := validReply()
	form.Set("contact_me_by_fax_only", "555-0100")
	res := s.postReply(t, articlePath+"/comments", form)
	id := s.wantReply(t, "spam", "filled in the hidden field that only robots see")
	s.wantHeldRedirect(t, res, id).
		wantContains(`id="comment-`+itoa(id)+`"`, "Your comment is awaiting moderation.", "Magnesium helped my cramps.").
		wantNotContains("spam", "only robots see", "hidden field", "not posted")
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains("3 replies to").wantNotContains("Magnesium helped", "awaiting moderation")
	s.get(t, "/").wantContains("3 replies")
}

// Ensure a reply sent sooner after the form was shown than a person could write one,
// or without a genuine form timestamp, is kept as spam, and that the check can be
// turned off.
func TestSpam_MinimumTime(t *testing.T) {
	t.Parallel()
	const held = "every reply is held (manual moderation)"
	const noStamp = "sent without the form's timestamp"
	tests := []struct {
		Name    string
		MinForm int
		Stamp   func(valid string) string // the form_shown sent, from a genuine one
		Wait    time.Duration
		Status  string
		Reason  *regexp.Regexp
	}{
		{"SpamAtOnce", 3, keep, 0, "spam", regexp.MustCompile(`^sent [01]\.\d s after the form was shown$`)},
		{"SpamAfterTwoSeconds", 3, keep, 2 * time.Second, "spam", regexp.MustCompile(`^sent [23]\.\d s after the form was shown$`)},
		{"HeldAfterThreeSeconds", 3, keep, 3 * time.Second, "pending", exactly(held)},
		{"SpamWithoutStamp", 3, func(string) string { return "" }, 20 * time.Second, "spam", exactly(noStamp)},
		{"SpamWithMadeUpStamp", 3, func(string) string { return "1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAA" }, 20 * time.Second, "spam", exactly(noStamp)},
		{"SpamWithStampMovedEarlier", 3, backdate, 0, "spam", exactly(noStamp)},
		{"SpamWithUnsignedStamp", 3, func(v string) string { return strings.Split(v, ".")[0] }, 20 * time.Second, "spam", exactly(noStamp)},
		{"CheckOffAtOnce", 0, keep, 0, "pending", exactly(held)},
		{"CheckOffWithoutStamp", 0, func(string) string { return "" }, 0, "pending", exactly(held)},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			s.setPolicy(t, func(p *model.Policy) { p.MinFormSeconds = tt.MinForm })
			form := validReply()
			if stamp := tt.Stamp(s.formStamp(t, articlePath)); stamp != "" {
				form.Set("form_shown", stamp)
			}
			s.advance(tt.Wait)
			res := s.postReplyNow(t, articlePath+"/comments", form)
			id, status, reason := s.lastReply(t)
			if status != tt.Status || !tt.Reason.MatchString(reason) {
				t.Errorf("newest reply: status %q, reason %q; want %q, %s", status, reason, tt.Status, tt.Reason)
			}
			s.wantHeldRedirect(t, res, id).wantContains("Your comment is awaiting moderation.").wantNotContains("seconds", "timestamp")
		})
	}
}

func keep(valid string) string { return valid }

// backdate moves a genuine form timestamp an hour earlier without re-signing it.
func backdate(valid string) string {
	unix, sig, _ := strings.Cut(valid, ".")
	n, _ := strconv.ParseInt(unix, 10, 64)
	return strconv.FormatInt(n-3600, 10) + "." + sig
}

func exactly(s string) *regexp.Regexp { return regexp.MustCompile("^" + regexp.QuoteMeta(s) + "$") }

// Ensure a second reply from the same address within the flood interval is refused
// with 429 and the form kept, and accepted once the interval has passed.
func TestFlood_SameAddress(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	before := s.count(t, `SELECT count(*) FROM comments`)
	second := validReply()
	second.Set("email", "second.reader@example.com")
	second.Set("author", `Second "Reader"`)
	second.Set("comment", "A different reply <b>entirely</b>.")
	second.Set("form_shown", s.formStamp(t, articlePath))
	refused := func(t *testing.T) {
		t.Helper()
		res := s.postReplyNow(t, articlePath+"/comments", second).wantStatus(http.StatusTooManyRequests)
		res.wantContains("<strong>You are posting comments too quickly. Slow down.</strong>",
			"Your comment was not posted; everything you typed is still here.",
			`value="Second &#34;Reader&#34;"`, `value="second.reader@example.com"`, `value="https://reader.example.org/"`,
			">\nA different reply &lt;b&gt;entirely&lt;/b&gt;.</textarea>")
		res.wantNotContains("<b>entirely</b>", "awaiting moderation")
		if got := res.Header.Get("Retry-After"); got != "15" {
			t.Errorf("Retry-After = %q, want 15", got)
		}
		if got := res.Header.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("Cache-Control = %q, want private, no-store", got)
		}
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Errorf("comments = %d after a refused reply, want %d", got, before)
		}
	}

	t.Run("RefusedAtOnce", func(t *testing.T) { refused(t) })
	t.Run("RefusedAfter14Seconds", func(t *testing.T) {
		s.advance(14 * time.Second)
		refused(t)
	})
	t.Run("AcceptedAfter15Seconds", func(t *testing.T) {
		s.advance(time.Second)
		s.postReplyNow(t, articlePath+"/comments", second).wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "every reply is held (manual moderation)")
	})
}

// Ensure a second reply from the same address is refused within the flood interval
// whatever its email, while another person at another address is not. (That the
// email plays no part is TestFlood_NoEmailOracle.)
func TestFlood_SameAddressOtherEmail(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, func(o *web.Options) { o.TrustedProxies = []string{"192.0.2.0/24"} })
	from := func(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }
	s.sendReply(t, s.stamped(t, validReply()), from("203.0.113.7"), nil).wantStatus(http.StatusSeeOther)
	before := s.count(t, `SELECT count(*) FROM comments`)

	t.Run("SameAddressRefused", func(t *testing.T) {
		form := validReply()
		form.Set("email", "housemate@example.com")
		form.Set("comment", "Same network, same moment.")
		s.sendReply(t, form, from("203.0.113.7"), nil).wantStatus(http.StatusTooManyRequests).
			wantContains("You are posting comments too quickly. Slow down.", ">\nSame network, same moment.</textarea>")
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Errorf("comments = %d after a refused reply, want %d", got, before)
		}
	})
	t.Run("OtherPersonAccepted", func(t *testing.T) {
		form := validReply()
		form.Set("email", "someone.else@example.com")
		form.Set("comment", "A reply from someone else.")
		form.Set("form_shown", s.formStamp(t, articlePath))
		s.advance(5 * time.Second)
		s.sendReply(t, form, from("198.51.100.9"), nil).wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "every reply is held (manual moderation)")
		var prefix string
		if err := s.db.QueryRow(`SELECT client_prefix FROM comments ORDER BY id DESC LIMIT 1`).Scan(&prefix); err != nil {
			t.Fatal(err)
		}
		if prefix != "198.51.100.0/24" {
			t.Errorf("client_prefix = %q, want the forwarded address's network", prefix)
		}
	})
}

// Ensure a flood interval of 0 turns the check off.
func TestFlood_Off(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.FloodSeconds = 0 })
	form := s.stamped(t, validReply())
	before := s.count(t, `SELECT count(*) FROM comments`)
	for i, text := range []string{"First of three.", "Second of three.", "Third of three."} {
		form.Set("comment", text)
		form.Set("email", "reader"+strconv.Itoa(i)+"@example.com")
		s.postReplyNow(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "every reply is held (manual moderation)")
	}
	if got := s.count(t, `SELECT count(*) FROM comments`); got != before+3 {
		t.Errorf("comments = %d, want %d", got, before+3)
	}
}

// Ensure signed-in staff replying on the article are never refused as a flood, and
// their replies are published at once, marked as staff.
func TestFlood_StaffNeverRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	staff := s.addUser(t, model.RoleModerator)
	cookie := s.signIn(t, staff)
	form := s.staffForm(t, cookie, "")
	var ids []int64
	for _, text := range []string{"Staff answer one.", "Staff answer two.", "Staff answer three."} {
		form.Set("comment", text)
		res := s.sendReply(t, form, nil, cookie)
		var userID int64
		id := s.wantReply(t, "approved", "")
		if err := s.db.QueryRow(`SELECT user_id FROM comments WHERE id = ?`, id).Scan(&userID); err != nil || userID != staff.ID {
			t.Errorf("reply %d: user_id %d (%v), want %d", id, userID, err, staff.ID)
		}
		res.wantSeeOtherTo(articlePath + "#comment-" + itoa(id))
		ids = append(ids, id)
	}
	page := s.get(t, articlePath).wantStatus(http.StatusOK)
	for _, id := range ids {
		page.wantContains(`<li id="comment-` + itoa(id) + `" class="comment depth-1 comment-staff">`)
	}
	page.wantContains("Staff answer three.", `<span class="staff-badge">Staff</span>`).wantNotContains(staff.EmailAddress())

	t.Run("ReaderStillRefused", func(t *testing.T) {
		reader := validReply()
		reader.Set("comment", "A reader right after the staff.")
		s.postReplyNow(t, articlePath+"/comments", s.stamped(t, reader)).wantStatus(http.StatusSeeOther)
		reader.Set("comment", "And again at once.")
		reader.Set("email", "other.reader@example.com")
		s.postReplyNow(t, articlePath+"/comments", reader).wantStatus(http.StatusTooManyRequests)
	})
}

// Ensure the same reply from the same person in the same place is refused with 409
// and the form kept, unless the earlier copy is in the trash.
func TestDuplicate_Reply(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	other := addArticle(t, s, "magnesium-and-sleep", model.ArticlePublished)
	const message = "Duplicate comment detected; it looks as though you’ve already said that!"
	s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
	first := s.wantReply(t, "pending", "every reply is held (manual moderation)")
	refused := func(t *testing.T, form url.Values) {
		t.Helper()
		before := s.count(t, `SELECT count(*) FROM comments`)
		res := s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusConflict)
		res.wantContains("<strong>"+html.EscapeString(message)+"</strong>", "Your comment was not posted; everything you typed is still here.",
			`value="Reader One"`, `value="reader.one@example.com"`, ">\n"+html.EscapeString(form.Get("comment"))+"</textarea>")
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Errorf("comments = %d after a duplicate, want %d", got, before)
		}
	}

	t.Run("SameAgain", func(t *testing.T) {
		refused(t, validReply())
		// html/template escapes only <, >, &, ' and "; the typographic apostrophe is
		// sent as it is, in UTF-8.
		s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusConflict).
			wantContains("you’ve already said that!").wantNotContains("you&rsquo;ve", "you&#8217;ve", "you&#39;ve")
	})
	t.Run("SameWithWindowsLineBreaks", func(t *testing.T) {
		form := validReply()
		form.Set("comment", strings.ReplaceAll(form.Get("comment"), "\n", "\r\n"))
		refused(t, form)
	})
	t.Run("OtherWebsiteStillSame", func(t *testing.T) {
		form := validReply()
		form.Set("url", "")
		refused(t, form)
	})
	t.Run("OtherParentIsNew", func(t *testing.T) {
		form := validReply()
		form.Set("comment_parent", "1")
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	})
	t.Run("RefusedStillAnswersItsParent", func(t *testing.T) {
		form := validReply()
		form.Set("comment_parent", "1")
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusConflict).
			wantContains(`id="comment_parent" value="1"`, `<span id="reply-title-text">Reply to`)
	})
	t.Run("OtherNameIsNew", func(t *testing.T) {
		form := validReply()
		form.Set("author", "Reader O.")
		s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
	})
	t.Run("OtherArticleIsNew", func(t *testing.T) {
		form := validReply()
		form.Set("form_shown", s.formStamp(t, "/articles/"+other.Slug))
		s.advance(20 * time.Second)
		s.postReplyNow(t, "/articles/"+other.Slug+"/comments", form).wantStatus(http.StatusSeeOther)
	})
	t.Run("TrashedCopyDoesNotCount", func(t *testing.T) {
		s.exec(t, `UPDATE comments SET status = 'trash' WHERE id = ?`, first)
		s.postReply(t, articlePath+"/comments", validReply()).wantStatus(http.StatusSeeOther)
		s.wantReply(t, "pending", "every reply is held (manual moderation)")
		refused(t, validReply()) // the new copy counts
	})
}

// Ensure an article with replies switched off shows no form and no Reply links, and
// refuses a reply with 403, saving nothing.
func TestClose_ArticleSwitchedOff(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	form := s.stamped(t, validReply())
	s.exec(t, `UPDATE articles SET comments_open = FALSE WHERE id = 1`)

	t.Run("NoForm", func(t *testing.T) {
		s.get(t, articlePath).wantStatus(http.StatusOK).
			wantContains(`<p class="replies-closed">Replies are closed.</p>`, "My eyelid twitched", "3 replies to").
			wantNotContains(`id="commentform"`, `name="comment"`, "Post Comment")
	})
	t.Run("NoReplyLinks", func(t *testing.T) {
		// A Reply link would lead to a form that is not there.
		s.get(t, articlePath).wantStatus(http.StatusOK).wantNotContains("?replytocom=", `class="comment-reply-link"`)
	})
	t.Run("ReplyRefused", func(t *testing.T) {
		before := s.count(t, `SELECT count(*) FROM comments`)
		s.postReplyNow(t, articlePath+"/comments", form).wantStatus(http.StatusForbidden).
			wantContains("Replies are closed.").wantNotContains(`id="commentform"`)
		if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
			t.Errorf("comments = %d after a reply to a closed article, want %d", got, before)
		}
	})
}

// Ensure replies close on articles published longer ago than the policy's limit, and
// never when the limit is 0.
func TestClose_AfterDays(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	tests := []struct {
		Name       string
		CloseAfter int
		Age        time.Duration
		Later      time.Duration // how far the clock moves after the reply form was shown
		Closed     bool
	}{
		{Name: "ClosedAfter31Days", CloseAfter: 30, Age: 31 * day, Closed: true},
		{Name: "OpenAt29Days", CloseAfter: 30, Age: 29 * day, Closed: false},
		{Name: "ClosesAsDaysPass", CloseAfter: 30, Age: 29 * day, Later: 2 * day, Closed: true},
		{Name: "NeverClosedWhenZero", CloseAfter: 0, Age: 3650 * day, Closed: false},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			form := validReply()
			form.Set("form_shown", s.formStamp(t, articlePath)) // while replies are still open
			s.setPolicy(t, func(p *model.Policy) { p.CloseAfterDays = tt.CloseAfter })
			s.exec(t, `UPDATE articles SET published_at = ? WHERE id = 1`, s.clock().Add(-tt.Age).UTC())
			s.advance(20*time.Second + tt.Later)
			before := s.count(t, `SELECT count(*) FROM comments`)
			page := s.get(t, articlePath).wantStatus(http.StatusOK)
			res := s.postReplyNow(t, articlePath+"/comments", form)
			if tt.Closed {
				page.wantContains("Replies are closed.").wantNotContains(`id="commentform"`)
				res.wantStatus(http.StatusForbidden).wantContains("Replies are closed.")
				if got := s.count(t, `SELECT count(*) FROM comments`); got != before {
					t.Errorf("comments = %d after a reply to a closed article, want %d", got, before)
				}
				return
			}
			page.wantContains(`id="commentform"`).wantNotContains("Replies are closed.")
			res.wantStatus(http.StatusSeeOther)
			s.wantReply(t, "pending", "every reply is held (manual moderation)")
		})
	}
}

// Ensure the thread depth setting limits nesting: a reply deeper than the limit is
// shown beside its parent, and replies at the limit have no Reply link.
func TestPolicy_ThreadDepth(t *testing.T) {
	t.Parallel()
	t.Run("Two", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		s.setPolicy(t, func(p *model.Policy) { p.ThreadDepth = 2 })
		deep := s.addReplyRow(t, replyRow{Parent: 2, Status: "approved", Name: "Deep Reader", Body: "An answer to Tom."})
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		page.wantContains(`<li id="comment-2" class="comment depth-2">`, `<li id="comment-`+itoa(deep)+`" class="comment depth-2">`,
			"?replytocom=1#respond", "?replytocom=3#respond")
		page.wantNotContains("depth-3", "?replytocom=2#", "?replytocom="+itoa(deep)+"#")
		page.wantInOrder(`id="comment-2"`, "</li>", `id="comment-`+itoa(deep)+`"`, `id="comment-3"`)
		tom := strings.Index(page.Body, `id="comment-2"`)
		if mine := strings.Index(page.Body, "An answer to Tom."); tom < 0 || mine < tom || strings.Contains(page.Body[tom:mine], `<ol class="children">`) {
			t.Error("the reply to Tom is nested under Tom's reply; want it beside")
		}
	})
	t.Run("One", func(t *testing.T) {
		t.Parallel()
		s := newSite(t)
		s.setPolicy(t, func(p *model.Policy) { p.ThreadDepth = 1 })
		page := s.get(t, articlePath).wantStatus(http.StatusOK)
		page.wantContains(`<li id="comment-1" class="comment depth-1">`, `<li id="comment-2" class="comment depth-1">`, `<li id="comment-3" class="comment depth-1">`)
		page.wantNotContains("depth-2", `<ol class="children">`, "?replytocom=")
	})
}

// Ensure that, with replies not all held, a reply that mentions a dose or names a
// medicine, or links outside the trusted sites, is held with the reason naming what
// was found, and that each rule can be turned off.
func TestPolicy_HealthAwareHolds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name   string
		Policy func(*model.Policy)
		Body   string
		Status string
		Reason string
	}{
		{"Dose", nil, "I took 500mg twice a day and it stopped.", "pending", "mentions a dose: 500mg"},
		{"DoseSpaced", nil, "Try 2 x 200 mg with food.", "pending", "mentions a dose: 2 x 200 mg"},
		{"Medicine", nil, "Ibuprofen made my cramps go away.", "pending", "names a medicine: ibuprofen"},
		{"NotADose", nil, "Since 2019 I walk 5 km a day.", "approved", ""},
		{"TrustedSite", nil, "The NHS page https://www.nhs.uk/conditions/ helped.", "approved", ""},
		{"UntrustedSite", nil, "Buy it at https://cheap-pills.example/now", "pending", "links to cheap-pills.example, which is not on the list of trusted sites"},
		{"DoseRuleOff", func(p *model.Policy) { p.HoldMedical = false }, "I took 500mg of ibuprofen.", "approved", ""},
		{"SiteRuleOff", func(p *model.Policy) { p.LinkDomains = nil }, "See https://cheap-pills.example/now", "approved", ""},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			s.setPolicy(t, func(p *model.Policy) {
				p.HoldAll = false
				if tt.Policy != nil {
					tt.Policy(p)
				}
			})
			form := validReply()
			form.Set("comment", tt.Body)
			res := s.postReply(t, articlePath+"/comments", form).wantStatus(http.StatusSeeOther)
			id := s.wantReply(t, tt.Status, tt.Reason)
			if tt.Status == "pending" {
				s.wantHeldRedirect(t, res, id)
				s.get(t, articlePath).wantNotContains(`id="comment-` + itoa(id) + `"`)
			}
		})
	}
}
