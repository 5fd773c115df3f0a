package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/app"
	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// The rule these tests hold the program to: a database file or a backup alone reveals
// no client address.

// proxiedConfig returns settings for a new database under which the app believes
// X-Forwarded-For from the loopback address, so that a test can send requests from
// any client address.
func proxiedConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := testConfig(t)
	cfg.TrustedProxies = []string{"127.0.0.1"}
	return cfg
}

// runApp starts the real program with cfg and returns it, its base URL and a function
// that stops it and closes its database (called at the end of the test if not before).
func runApp(t *testing.T, cfg config.Config) (*app.App, string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		cancel()
		a.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(app.ShutdownTimeout + time.Second):
			t.Error("server did not stop")
		}
		a.Close()
	}
	t.Cleanup(stop)
	return a, "http://" + a.Addr(), stop
}

// postFrom sends a form to path on behalf of the client at addr, as a browser on the
// site's own pages would, and returns the status.
func postFrom(t *testing.T, base, path, addr string, form url.Values) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-For", addr)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	return res.StatusCode
}

// replyFrom posts a reply to the demo article from addr; it must be taken (303).
func replyFrom(t *testing.T, base, addr, text, email string) {
	t.Helper()
	form := url.Values{"comment": {text}, "author": {"Address Tester"}, "email": {email}, "comment_parent": {"0"}}
	if status := postFrom(t, base, "/articles/"+demo.ArticleSlug+"/comments", addr, form); status != http.StatusSeeOther {
		t.Fatalf("reply from %s: status %d, want 303", addr, status)
	}
}

// failSignInFrom makes a sign-in from addr fail, which records the client's hash for
// the lock-out.
func failSignInFrom(t *testing.T, base, addr string) {
	t.Helper()
	form := url.Values{"email": {"nobody@example.com"}, "password": {"not the password"}}
	if status := postFrom(t, base, "/admin/login", addr, form); status != http.StatusUnauthorized {
		t.Fatalf("sign-in from %s: status %d, want 401", addr, status)
	}
}

// banAddressOf bans the address of the newest reply sent with email.
func banAddressOf(t *testing.T, a *app.App, email string) {
	t.Helper()
	replies, err := a.Store.CommentsByEmail(context.Background(), email)
	if err != nil || len(replies) == 0 {
		t.Fatalf("replies by %s: %d, %v", email, len(replies), err)
	}
	_, err = a.Moderation.Ban(context.Background(), moderation.BanRequest{
		CommentID: replies[len(replies)-1].ID, Kind: model.BanClient, Length: moderation.BanPermanent, Reason: "flooding"})
	if err != nil {
		t.Fatal(err)
	}
}

func openDB(t *testing.T, path string) *storetest.DB {
	t.Helper()
	if _, err := os.Stat(path); err != nil && !store.IsPostgres(path) {
		t.Fatal(err)
	}
	return storetest.Open(t, path)
}

func queryStrings(t *testing.T, db *storetest.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

// storedClientData is what a database file says about client addresses: every key it
// holds, every hash of an address (replies, bans by address, sign-in failures) and
// every network.
type storedClientData struct {
	keys     [][]byte
	hashes   map[string]bool
	networks []string
}

func readClientData(t *testing.T, path string) storedClientData {
	t.Helper()
	db := openDB(t, path)
	var d storedClientData
	rows, err := db.Query(`SELECT value FROM site_keys`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		d.keys = append(d.keys, k)
	}
	rows.Close()
	d.hashes = map[string]bool{}
	for _, h := range queryStrings(t, db, `SELECT client_hash FROM comments WHERE client_hash != ''`) {
		d.hashes[h] = true
	}
	for _, h := range queryStrings(t, db, `SELECT value FROM bans WHERE kind = 'client'`) {
		d.hashes[h] = true
	}
	for _, s := range queryStrings(t, db, `SELECT subject FROM sign_in_failures WHERE subject LIKE 'client:%'`) {
		d.hashes[strings.TrimPrefix(s, "client:")] = true
	}
	d.networks = queryStrings(t, db, `SELECT DISTINCT client_prefix FROM comments WHERE client_prefix != ''`)
	return d
}

func hmacHex(key []byte, text string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil))
}

// recoverAddresses tries every address of every IPv4 network in d against d's hashes
// with every key in keys, as HMAC-SHA256(key, address) and in two layers,
// HMAC-SHA256(k1, hex(HMAC-SHA256(k2, address))) for every pair of keys, and returns
// the addresses it found.
func recoverAddresses(t *testing.T, d storedClientData, keys [][]byte) []string {
	t.Helper()
	var found []string
	for _, network := range d.networks {
		p, err := netip.ParsePrefix(network)
		if err != nil || !p.Addr().Is4() || p.Bits() < 24 {
			t.Fatalf("network %q is not an IPv4 /24", network)
		}
		for addr := p.Masked().Addr(); p.Contains(addr); addr = addr.Next() {
			text := addr.String()
			for _, k2 := range keys {
				inner := hmacHex(k2, text)
				hit := d.hashes[inner]
				for _, k1 := range keys {
					hit = hit || d.hashes[hmacHex(k1, inner)]
				}
				if hit && !slices.Contains(found, text) {
					found = append(found, text)
				}
			}
		}
	}
	return found
}

// Ensure the address of a commenter (replies, a ban by address, a failed sign-in) can
// be found neither from the database file nor from a backup made by "fascicle
// backup", by trying the 256 addresses of its stored /24 with every key either file
// holds — while with the key kept outside the database the same search finds it, so
// that the search is the right one; and that /privacy says so.
func TestClientAddress_NotRecoverableFromDatabaseOrBackup(t *testing.T) {
	storetest.SQLiteOnly(t, "it reads the database file, write-ahead log and backup")
	t.Parallel()
	const addr = "203.0.113.77"
	cfg := proxiedConfig(t)
	a, base, _ := runApp(t, cfg)
	relaxPolicy(t, a)
	replyFrom(t, base, addr, "A first reply from a known address.", "address-one@example.com")
	replyFrom(t, base, addr, "A second reply from the same address.", "address-two@example.com")
	banAddressOf(t, a, "address-two@example.com")
	failSignInFrom(t, base, addr)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := app.Backup(context.Background(), cfg, backup, io.Discard); err != nil {
		t.Fatal(err)
	}
	master, err := os.ReadFile(app.KeyFile(cfg))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.New(must(secret.Decode(string(master))))
	if err != nil {
		t.Fatal(err)
	}

	for name, path := range map[string]string{"database": cfg.DBPath, "backup": backup} {
		t.Run(name, func(t *testing.T) {
			d := readClientData(t, path)
			// 2 replies (one hash), the ban and the sign-in failure share one hash.
			if len(d.hashes) != 1 || !slices.Equal(d.networks, []string{"203.0.113.0/24"}) || len(d.keys) == 0 {
				t.Fatalf("stored: %d hashes %v, networks %v, %d keys", len(d.hashes), d.hashes, d.networks, len(d.keys))
			}
			if found := recoverAddresses(t, d, d.keys); len(found) != 0 {
				t.Errorf("the %s alone gives the address away: %v", name, found)
			}
			withKeyFile := append(slices.Clone(d.keys), keys.ClientKey())
			if found := recoverAddresses(t, d, withKeyFile); !slices.Equal(found, []string{addr}) {
				t.Errorf("with the key file's client key the search finds %v, want [%s]", found, addr)
			}
		})
	}

	res, err := http.Get(base + "/privacy")
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, res); !strings.Contains(body, "its key is kept apart from the database, so that neither the database nor a backup of it is enough to find the address") {
		t.Errorf("/privacy does not say that the database alone cannot give the address:\n%s", body)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Ensure the database, its write-ahead log and shared-memory files, a backup and the
// key files are readable and writable by their owner only, whatever the umask lets
// through.
func TestClientAddress_FilesOwnerOnly(t *testing.T) {
	storetest.SQLiteOnly(t, "its files")
	t.Parallel()
	cfg := proxiedConfig(t)
	a, base, _ := runApp(t, cfg)
	relaxPolicy(t, a)
	replyFrom(t, base, "203.0.113.78", "A reply, so that the log has something in it.", "files@example.com")
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := app.Backup(context.Background(), cfg, backup, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{cfg.DBPath, cfg.DBPath + "-wal", cfg.DBPath + "-shm", app.KeyFile(cfg), backup, backup + ".key"} {
		info, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %v, want %v", filepath.Base(path), mode, fs.FileMode(0o600))
		}
	}
}

// Ensure the one-time re-keying of a database whose client hashes were made with its
// own key keeps them useful: a reply sent after it from the same address has the same
// hash as one sent before, a ban by address made before still holds for that address
// (and for no other), the lock-out's record follows; the old hashes leave the files;
// and a second start changes nothing.
func TestClientHashUpgrade_OnceAndContinuous(t *testing.T) {
	storetest.SQLiteOnly(t, "an upgrade from an earlier version, which ran on SQLite alone")
	t.Parallel()
	const addr, other = "198.51.100.23", "198.51.100.24"
	cfg := proxiedConfig(t)
	a, base, stop := runApp(t, cfg)
	relaxPolicy(t, a)
	replyFrom(t, base, addr, "Sent before the upgrade.", "before@example.com")
	banAddressOf(t, a, "before@example.com")
	failSignInFrom(t, base, addr)
	stop()

	// Make the database what an earlier version left: the hashes made as
	// HMAC-SHA256(the "client-hash" site key, address), no sealed client key, and no
	// record of the re-keying.
	db := openDB(t, cfg.DBPath)
	var siteKey []byte
	if err := db.QueryRow(`SELECT value FROM site_keys WHERE name = 'client-hash'`).Scan(&siteKey); err != nil {
		t.Fatal(err)
	}
	legacy := hmacHex(siteKey, addr)
	for _, q := range []string{
		`UPDATE comments SET client_hash = ? WHERE client_hash != ''`,
		`UPDATE bans SET value = ? WHERE kind = 'client'`,
		`UPDATE sign_in_failures SET subject = 'client:' || ? WHERE subject LIKE 'client:%'`,
	} {
		if _, err := db.Exec(q, legacy); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`DELETE FROM site_keys WHERE name = 'client-address-sealed'`, `DELETE FROM site_meta WHERE name = 'client_hashes_rekeyed_at'`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	a, base, stop = runApp(t, cfg)
	upgraded := a.Moderation.ClientHash(netip.MustParseAddr(addr))
	replyFrom(t, base, addr, "Sent after the upgrade, with another email.", "after@example.com")
	replyFrom(t, base, other, "Sent after the upgrade from a neighbour.", "neighbour@example.com")
	stop()

	db = openDB(t, cfg.DBPath)
	type reply struct{ hash, status, reason string }
	var replies []reply
	rows, err := db.Query(`SELECT id, client_hash, status, held_reason FROM comments WHERE client_prefix != '' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r reply
		var id int64
		if err := rows.Scan(&id, &r.hash, &r.status, &r.reason); err != nil {
			t.Fatal(err)
		}
		replies = append(replies, r)
	}
	rows.Close()
	if len(replies) != 3 {
		t.Fatalf("%d replies with a client, want 3", len(replies))
	}
	before, after, neighbour := replies[0], replies[1], replies[2]
	if before.hash == legacy || before.hash != upgraded || after.hash != before.hash {
		t.Errorf("hashes: before the upgrade %s (was %s), after %s, the address's now %s", before.hash, legacy, after.hash, upgraded)
	}
	if after.status != string(model.CommentSpam) || after.reason != "banned: flooding" {
		t.Errorf("reply from the banned address after the upgrade: %s (%q), want spam (banned)", after.status, after.reason)
	}
	if neighbour.hash == before.hash || neighbour.status == string(model.CommentSpam) {
		t.Errorf("reply from another address: hash %s, status %s", neighbour.hash, neighbour.status)
	}
	if got := queryStrings(t, db, `SELECT value FROM bans WHERE kind = 'client'`); !slices.Equal(got, []string{upgraded}) {
		t.Errorf("ban values %v, want [%s]", got, upgraded)
	}
	if got := queryStrings(t, db, `SELECT subject FROM sign_in_failures`); !slices.Contains(got, "client:"+upgraded) || slices.Contains(got, "client:"+legacy) {
		t.Errorf("sign-in failures %v, want client:%s and not the old hash", got, upgraded)
	}
	db.Close()
	for _, path := range []string{cfg.DBPath, cfg.DBPath + "-wal"} {
		data, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.Contains(string(data), legacy) {
			t.Errorf("%s still holds an old client hash", filepath.Base(path))
		}
	}

	// A second start finds the re-keying done and leaves every hash as it is.
	a, _, stop = runApp(t, cfg)
	if got := a.Moderation.ClientHash(netip.MustParseAddr(addr)); got != upgraded {
		t.Errorf("after a second start the address hashes to %s, want %s", got, upgraded)
	}
	stop()
	db = openDB(t, cfg.DBPath)
	if got := queryStrings(t, db, `SELECT client_hash FROM comments WHERE client_prefix = '198.51.100.0/24' ORDER BY id`); len(got) != 3 || got[0] != upgraded || got[1] != upgraded {
		t.Errorf("after a second start the replies' hashes are %v, want %s twice first", got, upgraded)
	}
	if got := queryStrings(t, db, `SELECT value FROM bans WHERE kind = 'client'`); !slices.Equal(got, []string{upgraded}) {
		t.Errorf("after a second start the ban's value is %v, want [%s]", got, upgraded)
	}
}

// Ensure "fascicle rotate-key" keeps matching client addresses: after the secret key
// changes, the same address has the same hash, and a ban by address made before the
// rotation still sends its replies to spam.
func TestClientAddress_KeptAcrossKeyRotation(t *testing.T) {
	storetest.SQLiteOnly(t, "the key file beside the database")
	t.Parallel()
	const addr = "192.0.2.61"
	cfg := proxiedConfig(t)
	a, base, stop := runApp(t, cfg)
	relaxPolicy(t, a)
	replyFrom(t, base, addr, "Sent before the rotation.", "rotation-before@example.com")
	banAddressOf(t, a, "rotation-before@example.com")
	hash := a.Moderation.ClientHash(netip.MustParseAddr(addr))
	oldKey, err := os.ReadFile(app.KeyFile(cfg))
	if err != nil {
		t.Fatal(err)
	}
	stop()

	if err := app.RotateKey(context.Background(), cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	if newKey, err := os.ReadFile(app.KeyFile(cfg)); err != nil || string(newKey) == string(oldKey) {
		t.Fatalf("the key file did not change: %v", err)
	}
	a, base, stop = runApp(t, cfg)
	if got := a.Moderation.ClientHash(netip.MustParseAddr(addr)); got != hash {
		t.Errorf("after the rotation the address hashes to %s, want %s", got, hash)
	}
	replyFrom(t, base, addr, "Sent after the rotation.", "rotation-after@example.com")
	stop()
	var status, reason string
	if err := openDB(t, cfg.DBPath).QueryRow(`SELECT status, held_reason FROM comments ORDER BY id DESC LIMIT 1`).Scan(&status, &reason); err != nil {
		t.Fatal(err)
	}
	if status != string(model.CommentSpam) || reason != "banned: flooding" {
		t.Errorf("reply from the banned address after the rotation: %s (%q), want spam (banned)", status, reason)
	}
}
