package app_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure the program gives a profile address at start to an account that an earlier
// version (or another tool) made without one, and stores profile photos in the media
// folder beside the database, from which the public profile shows them.
func TestServe_StaffProfiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := testConfig(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	first, err := app.New(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, cfg.DBPath)
	if _, err := db.Exec(`INSERT INTO users (id, name, role, created_at, updated_at) VALUES (50, 'Older Account', 'reviewer', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	first.Close()

	a, base := startAppWith(t, cfg, logger)
	var slug string
	if err := db.QueryRow(`SELECT coalesce(slug, '') FROM users WHERE id = 50`).Scan(&slug); err != nil || slug != "older-account" {
		t.Fatalf("slug after start = %q, %v; want older-account", slug, err)
	}

	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	photo := media.Upload{Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil }, Size: int64(buf.Len())}
	self := &model.User{ID: 50, Role: model.RoleReviewer}
	u, err := a.Accounts.UpdateProfile(ctx, self, 50, accounts.ProfileChange{Name: "Older Account", Public: true, Photo: &photo})
	if err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	res, err := http.Get(base + "/authors/older-account")
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `src="`+u.PhotoURL()+`" alt="Older Account"`) {
		t.Fatalf("profile: %d, want the photo %s:\n%.2000s", res.StatusCode, u.PhotoURL(), body)
	}
	res, err = http.Get(base + u.PhotoURL())
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("photo: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
