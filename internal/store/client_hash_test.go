package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure the client-address key is the secret key's ClientKey, stored only sealed (the
// database holds no copy of it that works without the secret key), and outlives a
// rotation of the secret key: the same key after RotateKeys and after a restart with
// the new secret key, whose sealed copy the old one no longer opens.
func TestClientKey_SealedAndKeptAcrossRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.Path(t)
	st := openStore(t, path)
	key, err := st.ClientKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key, testKeys.ClientKey()) {
		t.Fatalf("ClientKey = %x, want the secret key's %x", key, testKeys.ClientKey())
	}
	if again, err := st.ClientKey(ctx); err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second ClientKey = %x, %v", again, err)
	}
	sealedRow := func() []byte {
		var v []byte
		if err := rawDB(t, path).QueryRow(`SELECT value FROM site_keys WHERE name = 'client-address-sealed'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := sealedRow()
	if bytes.Contains(before, key) {
		t.Fatal("the database holds the client key in clear")
	}

	next, _ := secret.New(secret.Generate())
	if _, err := st.RotateKeys(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ClientKey(ctx); err != nil || !bytes.Equal(got, key) {
		t.Errorf("after rotation ClientKey = %x, %v; want %x", got, err, key)
	}
	after := sealedRow()
	if bytes.Equal(after, before) || bytes.Contains(after, key) {
		t.Error("the client key was not sealed anew under the new secret key")
	}
	if _, err := testKeys.Open(after); !errors.Is(err, secret.ErrDecrypt) {
		t.Errorf("the old secret key opens the new seal: %v", err)
	}
	st.Close()

	restarted, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.Close()
	if err := restarted.UseKeys(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, err := restarted.ClientKey(ctx); err != nil || !bytes.Equal(got, key) {
		t.Errorf("after a restart with the new secret key ClientKey = %x, %v; want %x", got, err, key)
	}
}

// Ensure a rotation on a database that never recorded a client key (made by an
// earlier version) records the old secret key's, so that the hashes made before and
// after the rotation agree.
func TestClientKey_RotationBeforeFirstUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, storetest.Path(t))
	next, _ := secret.New(secret.Generate())
	if _, err := st.RotateKeys(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ClientKey(ctx); err != nil || !bytes.Equal(got, testKeys.ClientKey()) {
		t.Errorf("ClientKey = %x, %v; want the old secret key's %x", got, err, testKeys.ClientKey())
	}
}

// Ensure RekeyClientHashes replaces every client hash — replies', bans by address',
// the lock-out's client subjects — and nothing else (empty hashes, bans by email,
// account subjects), and does it once: a second call changes nothing.
func TestRekeyClientHashes_Once(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newModFixture(t)
	withHash := f.add(t, model.Comment{ClientHash: "h1", ClientPrefix: "198.51.100.0/24"})
	withoutHash := f.add(t, model.Comment{AuthorEmail: "nohash@example.com", Body: "No address."})
	for _, b := range []model.Ban{{Kind: model.BanClient, Value: "h1", Reason: "r"}, {Kind: model.BanEmail, Value: "h1", Reason: "r"}} {
		if err := f.st.CreateBan(ctx, &b); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.RecordSignInFailure(ctx, t0, "account:h1", "client:h1"); err != nil {
		t.Fatal(err)
	}
	rekey := func(h string) string { return "k(" + h + ")" }
	state := func() []string {
		var list []string
		rows, err := f.db.Query(`SELECT 'reply ' || id || ' ' || client_hash FROM comments WHERE id IN (?, ?)
			UNION ALL SELECT 'ban ' || kind || ' ' || value FROM bans
			UNION ALL SELECT 'failure ' || subject FROM sign_in_failures ORDER BY 1`, withHash, withoutHash)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			list = append(list, s)
		}
		return list
	}
	n, err := f.st.RekeyClientHashes(ctx, rekey)
	if err != nil || n != 3 {
		t.Fatalf("RekeyClientHashes = %d, %v; want 3", n, err)
	}
	want := []string{"ban client k(h1)", "ban email h1", "failure account:h1", "failure client:k(h1)",
		fmt.Sprintf("reply %d k(h1)", withHash), fmt.Sprintf("reply %d ", withoutHash)}
	slices.Sort(want)
	if got := state(); !slices.Equal(got, want) {
		t.Errorf("after re-keying:\n got %q\nwant %q", got, want)
	}
	if n, err := f.st.RekeyClientHashes(ctx, rekey); err != nil || n != 0 {
		t.Errorf("second RekeyClientHashes = %d, %v; want 0", n, err)
	}
	if got := state(); !slices.Equal(got, want) {
		t.Errorf("after a second call:\n got %q\nwant %q", got, want)
	}
}
