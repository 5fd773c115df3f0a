package app_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure an article heading written like an element of the page ("## respond", and
// "## comment-N" for one of the article's own replies) takes neither id: a reader's
// "Reply" moves the reply form under that reply, not the heading, with no script
// error, and the headings keep ids of their own, prefixed "h-".
func TestBrowser_HeadingNamedLikeReplyFormStaysPut(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	a, base := startApp(t)
	bg := context.Background()

	author := &model.User{Name: "Hana Heading", Role: model.RoleAuthor}
	if err := a.Store.CreateUser(bg, author); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	article := &model.Article{
		Slug: "headings-named-like-the-page", Title: "Headings named like the page", Summary: "Two headings.",
		BodyMarkdown: "Intro.", Status: model.ArticlePublished, AuthorID: author.ID, PublishedAt: &now, CommentsOpen: true,
	}
	if err := a.Store.CreateArticle(bg, article); err != nil {
		t.Fatal(err)
	}
	reply := &model.Comment{ArticleID: article.ID, AuthorName: "Rita Reader", AuthorEmail: "rita.reader@example.com",
		Body: "A reply to answer.", Status: model.CommentApproved}
	if err := a.Store.CreateComment(bg, reply); err != nil {
		t.Fatal(err)
	}
	// The body names the reply that now exists.
	id := strconv.FormatInt(reply.ID, 10)
	article.BodyMarkdown = "Intro.\n\n## respond\n\nFirst section.\n\n## comment-" + id + "\n\nSecond section."
	if err := a.Store.SaveArticle(bg, article, nil, "Headings", now); err != nil {
		t.Fatal(err)
	}

	run := func(what string, action chromedp.Action[chromedp.Void]) {
		t.Helper()
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if _, err := chromedp.Run(actx, action); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	type state struct {
		RespondTag     string   `json:"respondTag"`
		RespondHasForm bool     `json:"respondHasForm"`
		FormUnderReply bool     `json:"formUnderReply"`
		HeadingInProse bool     `json:"headingInProse"`
		ProseIDs       []string `json:"proseIDs"`
		ReplyTag       string   `json:"replyTag"`
		Parent         string   `json:"parent"`
		Location       string   `json:"location"`
	}
	read := func() state {
		t.Helper()
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		s, err := chromedp.Run(actx, chromedp.Evaluate[state](`(() => {
			const respond = document.getElementById("respond");
			const li = document.querySelector("li.comment#comment-`+id+`");
			return {
				respondTag: respond ? respond.tagName : "",
				respondHasForm: !!respond && respond.contains(document.getElementById("commentform")),
				formUnderReply: !!li && li.contains(document.getElementById("commentform")),
				headingInProse: !!document.querySelector(".prose > h2#h-respond"),
				proseIDs: [...document.querySelectorAll(".prose [id]")].map(e => e.id),
				replyTag: (document.getElementById("comment-`+id+`") || {tagName: ""}).tagName,
				parent: document.getElementById("comment_parent").value,
				location: location.href,
			};
		})()`))
		if err != nil {
			t.Fatalf("read the page: %v", err)
		}
		return s
	}

	replyLink := `a.comment-reply-link[data-comment-id="` + id + `"]`
	run("open the article", chromedp.Navigate(base+"/articles/"+article.Slug))
	run("wait for the Reply link", chromedp.WaitVisible(chromedp.CSS(replyLink)))
	before := read()
	wantIDs := fmt.Sprint([]string{"h-respond", "h-comment-" + id})
	if fmt.Sprint(before.ProseIDs) != wantIDs {
		t.Errorf("ids in the article body = %v, want %s", before.ProseIDs, wantIDs)
	}
	if before.RespondTag != "SECTION" || !before.RespondHasForm || before.ReplyTag != "LI" {
		t.Fatalf("before clicking Reply: #respond is <%s> (holds the form: %v), #comment-%s is <%s>; want the form's <SECTION> and the reply's <LI>",
			before.RespondTag, before.RespondHasForm, id, before.ReplyTag)
	}

	run("click Reply", chromedp.Click(chromedp.CSS(replyLink)))
	run("wait for the form to move under the reply", chromedp.Poll[chromedp.Void](
		`document.querySelector("li.comment#comment-`+id+`").contains(document.getElementById("commentform"))`,
		chromedp.WithPollingTimeout(10*time.Second)))
	after := read()
	if !after.FormUnderReply || after.RespondTag != "SECTION" || !after.RespondHasForm {
		t.Errorf("after clicking Reply: form under the reply: %v; #respond is <%s> (holds the form: %v); want the form's <SECTION> under the reply",
			after.FormUnderReply, after.RespondTag, after.RespondHasForm)
	}
	if !after.HeadingInProse {
		t.Errorf("after clicking Reply, the heading h2#h-respond is no longer in the article body")
	}
	if after.Parent != id {
		t.Errorf("after clicking Reply, comment_parent = %q, want %q", after.Parent, id)
	}
	if after.Location != base+"/articles/"+article.Slug {
		t.Errorf("clicking Reply loaded %s; the script should have moved the form instead", after.Location)
	}
}
