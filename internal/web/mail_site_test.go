package web_test

import (
	"context"
	"testing"
)

// deliver dispatches the events waiting and sends what is due, as the sender does.
func (m *mailSite) deliver(t testing.TB) {
	t.Helper()
	if _, err := m.mail.Dispatch(context.Background()); err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	if _, err := m.mail.SendDue(context.Background()); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// linkTo returns the one link to path in the latest message to address to, as a
// path with its query, failing the test if there is none.
func (m *mailSite) linkTo(t testing.TB, to, path string) string {
	t.Helper()
	got := m.smtp.To(to)
	if len(got) == 0 {
		t.Fatalf("no message to %s", to)
	}
	return mailLink(t, got[len(got)-1], path)
}
