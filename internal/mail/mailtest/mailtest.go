// Package mailtest runs a real SMTP server on a loopback port for tests, which keeps
// what it receives. It can be stopped and started again on the same port, and told to
// refuse messages, to test what the sender does when the mail server fails.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte // as received, headers and body
}

// Header returns the message's header.
func (m Message) Header() mail.Header {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return mail.Header{}
	}
	return msg.Header
}

// Subject returns the decoded subject.
func (m Message) Subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header().Get("Subject"))
	if err != nil {
		return m.Header().Get("Subject")
	}
	return s
}

// Part returns the decoded body part of the given media type (text/plain or
// text/html), or "" if there is none.
func (m Message) Part(mediaType string) string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	return findPart(msg.Header, msg.Body, mediaType)
}

// Text returns the plain-text part.
func (m Message) Text() string { return m.Part("text/plain") }

// header is a message's or a part's header.
type header interface{ Get(string) string }

func findPart(h header, body io.Reader, want string) string {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				return ""
			}
			if got := findPart(p.Header, p, want); got != "" {
				return got
			}
		}
	}
	if mt != want {
		return ""
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(body)
	return string(b)
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	addr   string
	mu     sync.Mutex
	got    []Message
	refuse *smtp.SMTPError // answer to every message while set
	srv    *smtp.Server
	ln     net.Listener
	done   chan struct{}
	added  chan struct{}
}

// Start starts a server on a free loopback port; it stops at the end of the test.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{addr: "127.0.0.1:0", added: make(chan struct{}, 1)}
	if err := s.listen(); err != nil {
		t.Fatalf("start the SMTP server: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.addr = ln.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	done := make(chan struct{})
	s.mu.Lock()
	s.srv, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return nil
}

// URL is the server's address for FASCICLE_SMTP_URL.
func (s *Server) URL() string { return "smtp://" + s.addr }

// Stop stops the server: connections to its port are refused until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln, done := s.srv, s.ln, s.done
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
		// Closed here too: a Stop right after the start may come before Serve has
		// taken the listener, which srv.Close would then not close.
		ln.Close()
		<-done
	}
}

// Restart starts the server again on the same port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	var err error
	for range 50 { // the port may take a moment to be free again
		if err = s.listen(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("restart the SMTP server on %s: %v", s.addr, err)
}

// Refuse makes the server answer every message with code (4xx: try later; 5xx: for
// good) until Accept.
func (s *Server) Refuse(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "Refused for the test"}
}

// Accept undoes Refuse.
func (s *Server) Accept() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = nil
}

// Messages returns what the server accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.got...)
}

// Wait waits up to timeout until the server has accepted at least n messages, and
// returns them; the test fails if they do not come.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.added:
		case <-deadline:
			t.Fatalf("the SMTP server received %d messages in %v, want %d", len(s.Messages()), timeout, n)
		}
	}
}

// To returns the messages accepted for address to.
func (s *Server) To(to string) []Message {
	var list []Message
	for _, m := range s.Messages() {
		for _, rcpt := range m.To {
			if strings.EqualFold(rcpt, to) {
				list = append(list, m)
				break
			}
		}
	}
	return list
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse != nil {
		return x.s.refuse
	}
	if len(x.to) == 0 {
		return errors.New("no recipient")
	}
	x.s.got = append(x.s.got, Message{From: x.from, To: x.to, Data: data})
	select {
	case x.s.added <- struct{}{}:
	default:
	}
	return nil
}
