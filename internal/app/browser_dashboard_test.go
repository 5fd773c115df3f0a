package app_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// Ensure each role's dashboard, in a real browser, lists the work that waits for that
// person and nothing of the others': the author's change request with the reviewer's
// notes, the reviewer's queue, the editor's reviewed work ready to publish, the
// moderator's replies; with no script or content-policy problem on the page.
func TestBrowser_DashboardForEachRole(t *testing.T) {
	t.Parallel()
	a, base := startApp(t)
	ctx := context.Background()
	users := map[model.Role]*model.User{}
	for _, r := range []model.Role{model.RoleAuthor, model.RoleReviewer, model.RoleEditor, model.RoleModerator} {
		email := string(r) + "@newsroom.example"
		if err := app.AddUser(ctx, a.Config, email, "Pat "+r.Label(), r, strings.NewReader("a long shared secret\n"), io.Discard); err != nil {
			t.Fatal(err)
		}
		u, err := a.Store.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		users[r] = u
	}
	author, reviewer := users[model.RoleAuthor], users[model.RoleReviewer]
	write := func(title string) *model.Article {
		t.Helper()
		art, err := a.Publishing.Create(ctx, author, publishing.Draft{Title: title, Summary: "A summary.", Body: "Text for " + title + "."})
		if err != nil {
			t.Fatal(err)
		}
		return art
	}
	step := func(u *model.User, id int64, action string) {
		t.Helper()
		art, err := a.Publishing.Article(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Publishing.ChangeStatus(ctx, u, id, art.Version, action, time.Time{}); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	decide := func(id int64, d publishing.Decision) {
		t.Helper()
		art, err := a.Publishing.Article(ctx, reviewer, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Publishing.Review(ctx, reviewer, id, art.Version, d); err != nil {
			t.Fatal(err)
		}
	}
	write("Sleep and twitches, a draft")
	waiting := write("Magnesium for cramps")
	step(author, waiting.ID, "submit")
	needsWork := write("Caffeine and tremor")
	step(author, needsWork.ID, "submit")
	decide(needsWork.ID, publishing.Decision{ChangesNeeded: true, Notes: "Cite the 2021 review for the dose."})
	ready := write("Stretching before bed")
	step(author, ready.ID, "submit")
	decide(ready.ID, publishing.Decision{})

	for _, tc := range []struct {
		role      model.Role
		want, not []string
	}{
		{model.RoleAuthor,
			[]string{"Changes requested", "Caffeine and tremor", "Cite the 2021 review for the dose.", "Your drafts", "Sleep and twitches, a draft", "Sent for review", "Magnesium for cramps", "Stretching before bed"},
			[]string{"Waiting for your review", "Reviewed, ready to publish", "Replies per article"}},
		{model.RoleReviewer,
			[]string{"Waiting for your review", "Magnesium for cramps", "Changes you asked for", "Caffeine and tremor"},
			[]string{"Your drafts", "Sleep and twitches", "Reviewed, ready to publish"}},
		{model.RoleEditor,
			[]string{"Reviewed, ready to publish", "Stretching before bed", "Replies", "waiting"},
			[]string{"Your drafts", "Waiting for your review", "Sleep and twitches"}},
		{model.RoleModerator,
			[]string{"Replies", "waiting", "approved", "Replies per article"},
			[]string{"Waiting for your review", "Reviewed, ready to publish", "Your drafts", "Magnesium for cramps"}},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t)
			problems := watchPageProblems(t, b)
			signInBrowser(t, b, base, string(tc.role)+"@newsroom.example", "a long shared secret")
			mustRun(t, b, "open the dashboard", chromedp.Navigate(base+"/admin/"))
			mustRun(t, b, "wait for the dashboard", chromedp.WaitVisible(chromedp.CSS("main h1")))
			text := mustRun(t, b, "read the dashboard", chromedp.Text(chromedp.CSS("main")))
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the %s's dashboard lacks %q", tc.role, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("the %s's dashboard shows %q", tc.role, n)
				}
			}
			problems.check(t, "the "+string(tc.role)+"'s dashboard")
		})
	}
}
