package mail_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/mail/mailtest"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/publishing"
)

// sent returns the messages the SMTP server accepted since the last call (from the
// count seen), as "recipient: subject", sorted, and the messages themselves by
// recipient.
func (f *fixture) sent(t testing.TB, seen *int) ([]string, map[string]mailtest.Message) {
	t.Helper()
	f.run(t)
	all := f.smtp.Messages()
	var lines []string
	by := map[string]mailtest.Message{}
	for _, m := range all[*seen:] {
		lines = append(lines, strings.Join(m.To, ",")+": "+m.Subject())
		by[strings.Join(m.To, ",")] = m
	}
	*seen = len(all)
	slices.Sort(lines)
	return lines, by
}

// plain is m's text part with the line ends of a file.
func plain(m mailtest.Message) string {
	return strings.ReplaceAll(m.Text(), "\r\n", "\n")
}

func wantSent(t *testing.T, when string, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: sent\n%s\nwant\n%s", when, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Ensure each step of an article reaches the people it waits for, and not the one
// who took it: reviewers when it is sent for review (never its writer), its writer
// when changes are asked for (with the notes) and when it is published, editors and
// administrators when it is reviewed; staff who cannot sign in hear nothing.
func TestNewsroom_EachStepReachesThosePeopleWaitFor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	pub := publishing.New(f.st)
	pub.SetClock(f.clock)
	ann := f.addStaff(t, "Ann Author", "ann@staff.example", model.RoleAuthor)
	rae := f.addStaff(t, "Dr. Rae Reviewer", "rae@staff.example", model.RoleReviewer)
	f.addStaff(t, "Dr. Rob Reviewer", "rob@staff.example", model.RoleReviewer)
	ada := f.addStaff(t, "Ada Admin", "ada@staff.example", model.RoleAdmin)
	eda := f.addStaff(t, "Eda Editor", "eda@staff.example", model.RoleEditor)
	gone := f.addStaff(t, "Dr. Gil Gone", "gil@staff.example", model.RoleReviewer)
	gone.DisabledAt = new(f.clock())
	if err := f.st.UpdateAccount(ctx, gone, f.clock()); err != nil {
		t.Fatal(err)
	}
	step := func(u *model.User, id int64, action string) {
		t.Helper()
		a, err := pub.Article(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pub.ChangeStatus(ctx, u, id, a.Version, action, time.Time{}); err != nil {
			t.Fatalf("%s by %s: %v", action, u.Name, err)
		}
	}
	review := func(u *model.User, id int64, d publishing.Decision) {
		t.Helper()
		a, err := pub.Article(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pub.Review(ctx, u, id, a.Version, d); err != nil {
			t.Fatalf("review by %s: %v", u.Name, err)
		}
	}
	seen := 0

	a, err := pub.Create(ctx, ann, publishing.Draft{Title: "Magnesium and night cramps", Summary: "What helps.", Body: "Stretching helps.\n", CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	staffURL := siteURL + "/admin/articles/" + itoa(a.ID)
	got, _ := f.sent(t, &seen)
	wantSent(t, "created", got)

	step(ann, a.ID, "submit")
	got, by := f.sent(t, &seen)
	wantSent(t, "sent for review", got,
		"rae@staff.example: For medical review: Magnesium and night cramps",
		"rob@staff.example: For medical review: Magnesium and night cramps",
		"ada@staff.example: For medical review: Magnesium and night cramps")
	if text := plain(by["rae@staff.example"]); !strings.Contains(text, "Ann Author sent the article “Magnesium and night cramps” for medical review.") ||
		!strings.Contains(text, staffURL) {
		t.Errorf("the request for review reads:\n%s", text)
	}

	review(rae, a.ID, publishing.Decision{ChangesNeeded: true, Notes: "Cite the 2021 trial on magnesium.\nSoften the claim."})
	got, by = f.sent(t, &seen)
	wantSent(t, "changes asked", got, "ann@staff.example: Changes asked for: Magnesium and night cramps")
	if text := plain(by["ann@staff.example"]); !strings.Contains(text, "Dr. Rae Reviewer asked for changes to “Magnesium and night cramps”:\n\nCite the 2021 trial on magnesium.\nSoften the claim.") ||
		!strings.Contains(text, staffURL) {
		t.Errorf("the request for changes reads:\n%s", text)
	}

	step(ann, a.ID, "submit")
	f.sent(t, &seen)
	review(rae, a.ID, publishing.Decision{})
	got, by = f.sent(t, &seen)
	wantSent(t, "reviewed", got,
		"ada@staff.example: Ready to publish: Magnesium and night cramps",
		"eda@staff.example: Ready to publish: Magnesium and night cramps")
	if text := plain(by["eda@staff.example"]); !strings.Contains(text, "Dr. Rae Reviewer reviewed “Magnesium and night cramps”. It is ready to publish") {
		t.Errorf("the review's message reads:\n%s", text)
	}

	step(eda, a.ID, "publish")
	got, by = f.sent(t, &seen)
	wantSent(t, "published", got, "ann@staff.example: Published: Magnesium and night cramps")
	if text := plain(by["ann@staff.example"]); !strings.Contains(text, "which you wrote, is now on the site, published by Eda Editor") ||
		!strings.Contains(text, siteURL+"/articles/magnesium-and-night-cramps") {
		t.Errorf("the publication's message reads:\n%s", text)
	}

	// An administrator's own article: she is not asked to review it, and publishing
	// it herself tells no one.
	own, err := pub.Create(ctx, ada, publishing.Draft{Title: "Sleep and twitches", Summary: "Rest.", Body: "Sleep more.\n"})
	if err != nil {
		t.Fatal(err)
	}
	step(ada, own.ID, "submit")
	got, _ = f.sent(t, &seen)
	wantSent(t, "an administrator's own article sent for review", got,
		"rae@staff.example: For medical review: Sleep and twitches",
		"rob@staff.example: For medical review: Sleep and twitches")
	review(rae, own.ID, publishing.Decision{})
	f.sent(t, &seen)
	step(ada, own.ID, "publish")
	got, _ = f.sent(t, &seen)
	wantSent(t, "published by its author", got)
}

// Ensure a pending change reaches the reviewers except the person who wrote it, and
// its publication tells that person and the article's author.
func TestNewsroom_PendingChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	pub := publishing.New(f.st)
	pub.SetClock(f.clock)
	rae := f.addStaff(t, "Dr. Rae Reviewer", "rae@staff.example", model.RoleReviewer)
	ada := f.addStaff(t, "Ada Admin", "ada@staff.example", model.RoleAdmin)
	eda := f.addStaff(t, "Eda Editor", "eda@staff.example", model.RoleEditor)
	ann := f.addStaff(t, "Ann Author", "ann@staff.example", model.RoleAuthor)
	a, err := pub.Create(ctx, ann, publishing.Draft{Title: "Salt", Summary: "Salt.", Body: "Salt.\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RecordReview(ctx, a.ID, a.Version, rae, f.clock(), f.clock().AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.ChangeStatus(ctx, eda, a.ID, a.Version+1, "publish", time.Time{}); err != nil {
		t.Fatal(err)
	}
	seen := 0
	f.sent(t, &seen)

	live, _ := pub.Article(ctx, ada, a.ID)
	d := publishing.DraftOf(live)
	d.Body = "Salt matters in the heat.\n"
	saved, err := pub.Save(ctx, ada, a.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pub.ChangeStatus(ctx, ada, a.ID, saved.Version, "submit", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.sent(t, &seen)
	wantSent(t, "a change sent for review", got, "rae@staff.example: A change for medical review: Salt")

	live, _ = pub.Article(ctx, rae, a.ID)
	if _, err := pub.Review(ctx, rae, a.ID, live.Version, publishing.Decision{}); err != nil {
		t.Fatal(err)
	}
	f.sent(t, &seen)
	live, _ = pub.Article(ctx, eda, a.ID)
	if _, err := pub.ChangeStatus(ctx, eda, a.ID, live.Version, "publish", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, by := f.sent(t, &seen)
	wantSent(t, "the change published", got, "ada@staff.example: Published: Salt", "ann@staff.example: Published: Salt")
	if text := plain(by["ada@staff.example"]); !strings.Contains(text, "which you wrote") {
		t.Errorf("the change's writer is not told they wrote it:\n%s", text)
	}
}
