package web_test

import (
	"net/http"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure the public privacy page says what is stored about a commenter, why, that no
// third party is told, how long each thing is kept under the default settings, and
// whom to ask for a copy or an erasure; and that every page's footer links to it.
func TestPrivacyPage_Defaults(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	res := s.get(t, "/privacy").wantStatus(http.StatusOK)
	res.wantContains(
		"<title>Privacy – Fascicle</title>", "<h1>Privacy</h1>",
		"<strong>Your name</strong>", "<strong>your website</strong>", "<strong>Your reply</strong>",
		"<strong>Your email address</strong>: required, and never shown. It is stored encrypted",
		"a keyed hash of your internet address", "a /24", "a /48", "<strong>Your browser's user agent</strong>",
		"to keep out spam and floods",
		"Replies waiting for a moderator: deleted if nobody has handled them after 90 days.",
		"Replies marked as spam or moved to the trash: deleted 30 days after that.",
		"The address hash, the network and the user agent: cleared 30 days after your reply is sent.",
		"no Gravatar or other avatar service, no analytics",
		"your name and website are stored only in your own browser", "your email is never stored there",
		"Contact the site's editors from the email address you used",
		// What is shown, and what it is made from. Each sentence is backed by a test
		// of the behaviour: TestAvatar_StableAndRevealsNothing, TestAvatar_NoEmailOracle,
		// TestDuplicate_NoEmailOracle, TestFlood_NoEmailOracle and
		// TestFlood_SameAddressOtherEmail.
		"Nothing anyone else can see is made from it: no page, feed, picture or colour.",
		"The picture is drawn from your name alone: the same name, in capitals or not, always gets the same picture, whatever email it was sent with, and two names never share one because they share an email.",
		"It is never made from your email or your internet address.",
		"A reply whose author's data was erased shows a grey figure instead.",
		"Your reply, while it waits for a moderator, is shown to you with the same picture anyone else typing your name would see.",
		"the reply form answers the same whatever email you type: it never tells whether anyone has used that email.",
		"A reply with the same name and text as one already in the same place is refused as a duplicate, whatever email either was sent with.",
		"A reply sent moments after another from the same internet address is refused as too quick; one sent with the same email from elsewhere is not.",
	)
	res.wantNotContains("mailto:", "until a moderator handles them", "kept as long as the reply", "1 days",
		"No page, feed or picture is made from it", "except as said below", "can depend on your email")
	for _, email := range s.commenterEmails(t) {
		res.wantNotContains(email)
	}
	for _, page := range []string{"/", articlePath, "/privacy"} {
		s.get(t, page).wantStatus(http.StatusOK).wantContains(`<a href="/privacy">Privacy</a>`)
	}
	s.do(t, headRequest("/privacy")).wantStatus(http.StatusOK)
}

// Ensure the privacy page follows the settings: other periods, 0 for "until deleted",
// and the contact address once one is set.
func TestPrivacyPage_ReflectsSettings(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.get(t, "/privacy").wantStatus(http.StatusOK).wantContains("after 90 days")
	s.setPolicy(t, func(p *model.Policy) {
		p.RetainPendingDays, p.RetainSpamDays, p.RetainClientDays = 0, 1, 7
		p.ContactEmail = "privacy@fascicle.test"
	})
	res := s.get(t, "/privacy").wantStatus(http.StatusOK)
	res.wantContains(
		"Replies waiting for a moderator: until a moderator handles them.",
		"Replies marked as spam or moved to the trash: deleted 1 day after that.",
		"The address hash, the network and the user agent: cleared 7 days after your reply is sent.",
		`Write to <a href="mailto:privacy@fascicle.test">privacy@fascicle.test</a> from the email address you used`,
	)
	res.wantNotContains("90 days", "30 days", "Contact the site's editors")

	s.setPolicy(t, func(p *model.Policy) { p.RetainSpamDays, p.RetainClientDays = 0, 0 })
	s.get(t, "/privacy").wantStatus(http.StatusOK).wantContains(
		"Replies marked as spam or moved to the trash: until a moderator deletes them.",
		"The address hash, the network and the user agent: kept as long as the reply.",
	).wantNotContains("deleted 1 day", "cleared 7 days")
}

// Ensure that when replies are not all held the privacy page says how the answer to a
// reply can then depend on the email (a banned email is held: TestBan_ByEmail), that
// with "approve known commenters" it explains the cookie that rule needs and that the
// email alone decides nothing (TestPolicy_AutoApproveKnown), and that without a flood
// interval it does not speak of replies refused as too quick.
func TestPrivacyPage_SaysWhenTheEmailShows(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	const caveat = "This site publishes replies without holding them all for a moderator, so whether yours appears at once can depend on your email in one case: a reply sent with an email a moderator has banned is held. Someone who guesses a banned email could tell from this that it is banned."
	const known = "A reply appears at once only if this browser sent an earlier reply, under the same name and email, that a moderator approved. So that the site can tell, a cookie (<code>fascicle_commenter</code>) keeps the signed numbers of the last three replies this browser sent, for a year"
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll, p.FloodSeconds = false, 0 })
	s.get(t, "/privacy").wantStatus(http.StatusOK).
		wantContains("the reply form answers the same whatever email you type, except as said below: it never tells", caveat).
		wantNotContains("fascicle_commenter", "refused as too quick")
	s.setPolicy(t, func(p *model.Policy) { p.AutoApproveKnown = true })
	s.get(t, "/privacy").wantStatus(http.StatusOK).wantContains(caveat, known, "Your name and email alone, typed in another browser, are held like anyone")
}

func headRequest(target string) *http.Request {
	req, _ := http.NewRequest(http.MethodHead, target, nil)
	return req
}

// Ensure the reply form links to the privacy page, where a commenter learns what is
// kept about them.
func TestReplyForm_LinksPrivacyPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.get(t, articlePath).wantStatus(http.StatusOK).wantContains(`<a href="/privacy">What is kept, and for how long</a>`)
}
