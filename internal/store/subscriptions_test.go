package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/secret"
	"github.com/fascicle/fascicle/internal/store"
)

// Ensure a rotation of the secret key moves readers' subscriptions, their
// confirmation and the links sent to them to the new blind index of their address,
// so that they keep working, and forgets those of an address with no reply left.
func TestRotateKeys_KeepsSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fascicle.db")
	st := openStore(t, path)
	if err := demo.Install(ctx, st); err != nil {
		t.Fatal(err)
	}
	a, err := st.PublishedArticle(ctx, demo.ArticleSlug)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	const email = "subscriber@example.org"
	c := &model.Comment{ArticleID: a.ID, AuthorName: "Sub", AuthorEmail: email, Body: "Subscribed.", Status: model.CommentApproved, CreatedAt: now}
	if err := st.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	token, hash := auth.NewToken()
	_, goneHash := auth.NewToken()
	for _, err := range []error{
		st.AddSubscription(ctx, c.ID, c.EmailIndex, now),
		st.ConfirmSubscriber(ctx, c.EmailIndex, now),
		st.CreateLinkToken(ctx, store.LinkToken{Hash: hash, Purpose: store.LinkUnsubscribe, EmailIndex: c.EmailIndex, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}),
		st.MarkConfirmSent(ctx, "index-of-an-address-with-no-reply", now),
		st.CreateLinkToken(ctx, store.LinkToken{Hash: goneHash, Purpose: store.LinkConfirm, EmailIndex: "index-of-an-address-with-no-reply", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	next, _ := secret.New(secret.Generate())
	if _, err := st.RotateKeys(ctx, next); err != nil {
		t.Fatal(err)
	}
	index := next.EmailIndex(email)
	if index == c.EmailIndex {
		t.Fatal("the new key gives the same blind index")
	}
	if sub, err := st.Subscription(ctx, c.ID); err != nil || sub.EmailIndex != index {
		t.Errorf("subscription after rotation = %+v, %v; want index %q", sub, err, index)
	}
	if who, err := st.Subscriber(ctx, index); err != nil || !who.Confirmed() {
		t.Errorf("subscriber after rotation = %+v, %v; want confirmed", who, err)
	}
	if link, err := st.ValidLinkToken(ctx, auth.TokenHash(token), store.LinkUnsubscribe, now); err != nil || link.EmailIndex != index {
		t.Errorf("link after rotation = %+v, %v; want index %q", link, err, index)
	}
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM subscribers`) + count(t, db, `SELECT count(*) FROM link_tokens`); n != 2 {
		t.Errorf("%d subscribers and links after rotation, want the subscriber's own two", n)
	}
}
