package app_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure the account list and an account's page fit a 390-pixel phone as well as a
// 1280-pixel screen: nothing wider than the window (no sideways scrolling), every
// row's link and the form's save button on screen, and no script or content-policy
// problem. With FASCICLE_SCREENSHOTS set to a folder, each view is saved there.
func TestBrowser_AccountsFitAPhone(t *testing.T) {
	t.Parallel()
	a, base := startApp(t)
	ctx := context.Background()
	add := func(email, name string, role model.Role, credentials string) *model.User {
		t.Helper()
		err := app.AddAccount(ctx, a.Config, accounts.NewAccount{Email: email, Name: name, Role: role, Credentials: credentials},
			strings.NewReader("a long shared secret\n"), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.Store.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin := add("ada@example.org", "Ada Admin", model.RoleAdmin, "")
	rita := add("rita.costa-ferreira.reviewer@university-hospital.example.org", "Dr. Rita Costa-Ferreira", model.RoleReviewer,
		"MD, PhD, consultant neurologist")
	gone := add("gus@example.org", "Gus Gone", model.RoleAuthor, "health writer")
	add("mo@example.org", "Mo Moderator", model.RoleModerator, "")
	if _, err := a.Accounts.UpdateAccount(ctx, admin, rita.ID, accounts.AccountChange{Name: rita.Name, Role: model.RoleEditor,
		Credentials: rita.Credentials}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.SetDisabled(ctx, admin, gone.ID, true); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	problems := watchPageProblems(t, b)
	signInBrowser(t, b, base, "ada@example.org", "a long shared secret")
	shots := os.Getenv("FASCICLE_SCREENSHOTS")
	for _, width := range []int64{1280, 390} {
		var opts []chromedp.EmulateViewportOption
		if width < 500 {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
		}
		mustRun(t, b, "set the window width", chromedp.EmulateViewport(width, 844, opts...))
		for _, view := range []struct{ name, path, visible string }{
			{"users", "/admin/users", `a[href="/admin/users/` + strconv.FormatInt(rita.ID, 10) + `"]`},
			{"user", "/admin/users/" + strconv.FormatInt(rita.ID, 10), `form[action^="/admin/users/"] button[type="submit"]`},
			{"user-disabled", "/admin/users/" + strconv.FormatInt(gone.ID, 10), `#disabled:checked`},
		} {
			what := view.name + " at " + strconv.FormatInt(width, 10) + " px"
			mustRun(t, b, "open "+what, chromedp.Navigate(base+view.path))
			waitLoaded(t, b)
			mustRun(t, b, "see the main link or button of "+what, chromedp.WaitVisible(chromedp.CSS(view.visible)))
			fit := mustRun(t, b, "measure "+what, chromedp.Evaluate[struct {
				Page   int `json:"page"`
				Window int `json:"window"`
			}](`({page: document.documentElement.scrollWidth, window: window.innerWidth})`))
			if fit.Page > fit.Window {
				t.Errorf("%s: the page is %d px wide in a %d px window; it scrolls sideways", what, fit.Page, fit.Window)
			}
			inView := mustRun(t, b, "place the button of "+what, chromedp.Evaluate[bool](`(() => {
				const r = document.querySelector(`+jsString(view.visible)+`).getBoundingClientRect();
				return r.left >= 0 && r.right <= window.innerWidth;
			})()`))
			if !inView {
				t.Errorf("%s: %s is not within the window", what, view.visible)
			}
			problems.check(t, what)
			shoot(t, b, shots, view.name+"-"+strconv.FormatInt(width, 10))
		}

		// The last administrator disabling herself: refused, with the box still ticked.
		mustRun(t, b, "open her own account", chromedp.Navigate(base+"/admin/users/"+strconv.FormatInt(admin.ID, 10)))
		waitLoaded(t, b)
		mustRun(t, b, "tick Disabled and save", chromedp.Steps(chromedp.Click(chromedp.CSS("#disabled")),
			chromedp.Click(chromedp.CSS(`form[action^="/admin/users/"] button[type="submit"]`))))
		mustRun(t, b, "wait for the refusal", chromedp.WaitVisible(chromedp.CSS("#disabled-error")))
		refusal := mustRun(t, b, "read the refusal", chromedp.Text(chromedp.CSS(".form-errors")))
		if !strings.Contains(refusal, "last active administrator") {
			t.Errorf("refusal %q", refusal)
		}
		if !mustRun(t, b, "read the box", chromedp.Evaluate[bool](`document.getElementById("disabled").checked`)) {
			t.Error("the refused form lost the ticked box")
		}
		problems.check(t, "the refused form")
		shoot(t, b, shots, "user-refused-"+strconv.FormatInt(width, 10))
	}
}

// shoot saves a picture of the whole page in dir as name.png, if dir is set.
func shoot(t *testing.T, b context.Context, dir, name string) {
	t.Helper()
	if dir == "" {
		return
	}
	png := mustRun(t, b, "take a picture of "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
