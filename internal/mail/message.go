package mail

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	gomail "github.com/wneessen/go-mail"
)

// Message is a mail as the outbox keeps it (sealed): everything but the address.
type Message struct {
	Subject string
	Text    string
	HTML    string
	// MessageID is given when the message is queued, so that a retry sends the same
	// message and a mail program can tell a duplicate.
	MessageID string
	// Unsubscribe is the link that ends the reader's subscriptions: it goes into
	// List-Unsubscribe, with List-Unsubscribe-Post for one-click (RFC 8058).
	Unsubscribe string
}

func (m *Message) encode() []byte {
	b, _ := json.Marshal(m)
	return b
}

func decodeMessage(b []byte) (*Message, error) {
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read a queued message: %w", err)
	}
	return &m, nil
}

// newMessageID returns a Message-ID for a message from the site at host.
func newMessageID(publicURL string) string {
	host := "fascicle.invalid"
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	b := make([]byte, 16)
	rand.Read(b)
	return "<" + hex.EncodeToString(b) + "@" + host + ">"
}

// headerText makes s safe for a header: control characters (a line break that would
// start a header of its own) become spaces. go-mail encodes what remains.
func headerText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || unicode.IsSpace(r)
	}), " ")
}

// build makes the message to send to address to.
func (s *Service) build(to string, m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(headerText(s.fromName), s.from); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if err := msg.To(to); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(headerText(m.Subject))
	msg.SetMessageIDWithValue(strings.Trim(m.MessageID, "<>"))
	msg.SetDateWithValue(s.now())
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		msg.SetGenHeader("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
