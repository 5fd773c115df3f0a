package app_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a staff member can turn on two-step sign-in in a real browser from their
// account page, with the QR code drawn by the site and the secret shown as text, keep
// the ten recovery codes shown, and then sign in with their password and a code from
// the secret, without any script error or Content Security Policy violation.
func TestBrowser_TwoStepSetUpAndSignIn(t *testing.T) {
	t.Parallel()
	a, base := startApp(t)
	const email, password = "rosa@newsroom.example", "a long shared secret"
	if err := app.AddUser(context.Background(), a.Config, email, "Rosa Reviewer", model.RoleReviewer, strings.NewReader(password+"\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	problems := watchPageProblems(t, ctx)
	signInBrowser(t, ctx, base, email, password)

	mustRun(t, ctx, "open the account page", chromedp.Navigate(base+"/admin/account"))
	mustRun(t, ctx, "follow Set up two-step sign-in", chromedp.Click(chromedp.CSS(`a[href="/admin/account/2fa"].button`)))
	mustRun(t, ctx, "wait for the secret", chromedp.WaitVisible(chromedp.CSS("#totp-secret")))
	waitLoaded(t, ctx)
	secret := strings.ReplaceAll(mustRun(t, ctx, "read the secret", chromedp.Text(chromedp.CSS("#totp-secret"))), " ", "")
	if len(secret) != 32 {
		t.Fatalf("secret %q: want 32 base32 characters", secret)
	}
	if w := mustRun(t, ctx, "measure the QR code", chromedp.Evaluate[int](`document.querySelector("img.two-step-qr").naturalWidth`)); w != 240 {
		t.Errorf("the QR code image is %d pixels wide once loaded, want 240 (not loaded, or refused by the policy?)", w)
	}
	problems.check(t, "the set-up page")

	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, ctx, "type the code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	mustRun(t, ctx, "turn it on", chromedp.Click(chromedp.CSS(`form[action="/admin/account/2fa"] button[type="submit"]`)))
	mustRun(t, ctx, "wait for the recovery codes", chromedp.WaitVisible(chromedp.CSS("#recovery-codes")))
	if n := mustRun(t, ctx, "count the recovery codes", chromedp.Evaluate[int](`document.querySelectorAll("#recovery-codes li").length`)); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	problems.check(t, "the recovery codes")

	mustRun(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form.sign-out button`)))
	mustRun(t, ctx, "wait for the sign-in page", chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/login"]`)))
	mustRun(t, ctx, "give the password", chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)),
	))
	mustRun(t, ctx, "wait for the code form", chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/login/code"] #code`)))
	if loc := mustRun(t, ctx, "read the address", chromedp.Location()); !strings.HasSuffix(loc, "/admin/login/code") {
		t.Errorf("after the password the browser is on %s", loc)
	}
	// The code of the next 30 seconds: the one of this moment may be the one that
	// turned two-step sign-in on, which works only once. The site accepts a code one
	// step ahead, for a phone whose clock runs a little fast.
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, ctx, "type the code", chromedp.SendKeys(chromedp.CSS("#code"), next))
	mustRun(t, ctx, "finish signing in", chromedp.Click(chromedp.CSS(`form[action="/admin/login/code"] button[type="submit"]`)))
	mustRun(t, ctx, "wait for the staff header", chromedp.WaitVisible(chromedp.CSS("form.sign-out")))
	if loc := mustRun(t, ctx, "read the address", chromedp.Location()); !strings.HasSuffix(loc, "/admin/") {
		t.Errorf("after the code the browser is on %s", loc)
	}
	mustRun(t, ctx, "open the account page", chromedp.Navigate(base+"/admin/account"))
	state := mustRun(t, ctx, "read the two-step state", chromedp.Text(chromedp.CSS(`#two-step + p`)))
	if !strings.Contains(state, "On since") || !strings.Contains(state, "10 of 10 recovery codes left") {
		t.Errorf("the account page says %q", state)
	}
	problems.check(t, "signing in with two steps")
}
