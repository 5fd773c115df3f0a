package privacy_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/auth"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/store"
)

const tomEmail = "tom.whitaker@example.net"

// subscriptionState is what the subscriptions and the outbox hold beside addThread's
// replies: Sam subscribed to both his replies and confirmed, Tom to his answer; mail
// queued to Sam, to Priya about Sam's answer, and to Tom about Priya's reply.
type subscriptionState struct {
	samIndex, tomIndex string
	askedAt, confirmed time.Time
}

func (f *fixture) addSubscriptions(t *testing.T, th thread) subscriptionState {
	t.Helper()
	ctx := context.Background()
	var st subscriptionState
	var err error
	if st.samIndex, err = f.st.EmailIndex(samEmail); err != nil {
		t.Fatal(err)
	}
	if st.tomIndex, err = f.st.EmailIndex(tomEmail); err != nil {
		t.Fatal(err)
	}
	st.askedAt, st.confirmed = f.now.Add(-2*time.Hour), f.now.Add(-90*time.Minute)
	_, hash := auth.NewToken()
	queue := func(key, to, index string, about int64) error {
		_, err := f.st.QueueMessage(ctx, model.OutboxMessage{
			Kind: "reply_answered", DedupeKey: key, Recipient: to, RecipientIndex: index, CommentID: about,
			WantsStatus: model.CommentApproved, Subject: "A reply", Body: []byte("body"), NextAttemptAt: f.now, CreatedAt: f.now,
		})
		return err
	}
	for _, err := range []error{
		f.st.AddSubscription(ctx, th.samAnswer, st.samIndex, f.now.Add(-3*time.Hour)),
		f.st.AddSubscription(ctx, th.samHeld, st.samIndex, f.now.Add(-time.Hour)),
		f.st.MarkConfirmSent(ctx, st.samIndex, st.askedAt),
		f.st.ConfirmSubscriber(ctx, st.samIndex, st.confirmed),
		f.st.CreateLinkToken(ctx, store.LinkToken{Hash: hash, Purpose: store.LinkUnsubscribe, EmailIndex: st.samIndex, CreatedAt: f.now, ExpiresAt: f.now.Add(time.Hour)}),
		f.st.AddSubscription(ctx, th.tomToSam, st.tomIndex, f.now.Add(-2*time.Hour)),
		f.st.ConfirmSubscriber(ctx, st.tomIndex, st.confirmed),
		queue("to-sam", samEmail, st.samIndex, th.tomToSam),
		queue("to-priya-about-sam", "priya@example.com", "priya-index", th.samAnswer),
		queue("to-tom-about-priya", tomEmail, st.tomIndex, 1),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// Ensure a copy of a person's data says which of their replies' answers they asked to
// be mailed, when they were asked to confirm and whether they did; and nobody else's.
func TestExport_Subscriptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	th := f.addThread(t)
	st := f.addSubscriptions(t, th)
	doc, err := f.svc.Export(context.Background(), f.admin, samEmail)
	if err != nil {
		t.Fatal(err)
	}
	want := privacy.ExportSubscriptions{
		Replies: []int64{th.samAnswer, th.samHeld}, Confirmed: true, ConfirmationSentAt: &st.askedAt, ConfirmedAt: &st.confirmed,
	}
	if !reflect.DeepEqual(doc.Subscriptions, want) {
		t.Errorf("subscriptions = %+v, want %+v", doc.Subscriptions, want)
	}
}

// Ensure erasing a person's replies, either way, ends their subscriptions, forgets
// their confirmation and the links sent to them, and cancels the mail queued to them
// and about their replies, keeping no address; other people's stay as they were.
func TestErase_SubscriptionsAndQueuedMail(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{privacy.EraseAnonymise, privacy.EraseDelete} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			th := f.addThread(t)
			st := f.addSubscriptions(t, th)
			if _, err := f.svc.Erase(context.Background(), f.admin, samEmail, mode, true); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`SELECT count(*) FROM subscriptions WHERE email_index = ?`,
				`SELECT count(*) FROM subscribers WHERE email_index = ?`,
				`SELECT count(*) FROM link_tokens WHERE email_index = ?`,
				`SELECT count(*) FROM outbox WHERE recipient_index = ?`,
			} {
				if n := f.count(t, q, st.samIndex); n != 0 {
					t.Errorf("%s = %d after erasure, want 0", q, n)
				}
			}
			if n := f.count(t, `SELECT count(*) FROM outbox WHERE status = 'queued' OR recipient IS NOT NULL OR body IS NOT NULL`); n != 1 {
				t.Errorf("%d messages queued or keeping an address, want only Tom's about Priya's reply", n)
			}
			if n := f.count(t, `SELECT count(*) FROM outbox WHERE dedupe_key = 'to-sam' AND status = 'cancelled'`); n != 1 {
				t.Error("the message queued to Sam was not cancelled")
			}
			if n := f.count(t, `SELECT count(*) FROM outbox WHERE dedupe_key = 'to-tom-about-priya' AND status = 'queued'`); n != 1 {
				t.Error("the message to Tom about another reply was touched")
			}
			if n := f.count(t, `SELECT count(*) FROM subscriptions WHERE comment_id = ? AND email_index = ?`, th.tomToSam, st.tomIndex) +
				f.count(t, `SELECT count(*) FROM subscribers WHERE email_index = ? AND confirmed_at IS NOT NULL`, st.tomIndex); n != 2 {
				t.Errorf("Tom's subscription and confirmation: %d rows, want 2", n)
			}
		})
	}
}
