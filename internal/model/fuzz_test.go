package model_test

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/hostile"
	"github.com/fascicle/fascicle/internal/model"
)

// Ensure Comment.Validate never panics, refuses exactly the fields that break the
// documented rules (valid UTF-8, no NUL, required, WordPress's byte limits, one line
// for all but the comment, a bare email, an http(s) website), names only the form's
// fields, and lets through no email or website that could be more than an address.
func FuzzCommentValidate(f *testing.F) {
	ok := validComment()
	f.Add(ok.Body, ok.AuthorName, ok.AuthorEmail, ok.AuthorURL)
	for _, seed := range [][4]string{
		{"", "", "", ""},
		{" \t\n", " ", "a@b", "ftp://example.org"},
		{strings.Repeat("a", model.MaxCommentBody+1), strings.Repeat("é", 123), "x@" + strings.Repeat("d", 98) + ".org", "https://" + strings.Repeat("h", 193) + ".org"},
		{"ok", "Line\nbreak", "Ann <ann@example.com>", "javascript:alert(1)//http://"},
		{"ok", "Ann", "ann@example.com\r\nBcc: x@example.com", "https://user:pass@example.org/"},
		{"ok", "Ann", "\"quoted local\"@example.com", "HTTPS://EXAMPLE.ORG"},
		{"ok", "Ann", "ann@[127.0.0.1]", "http://[::1]:80/"},
		{"ok", "Ann", "ann@example.", "https:///path-only"},
		{"\x00", "\xff", "ann@exa\x00mple.com", "https://example.org/\x7f"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	for _, s := range hostile.Corpus(f) {
		f.Add(s, s, s, s)
		f.Add(s, "Ann", "ann@example.com", "https://example.org/"+s)
	}
	f.Fuzz(func(t *testing.T, body, name, email, website string) {
		c := model.Comment{Body: body, AuthorName: name, AuthorEmail: email, AuthorURL: website}
		before := c
		err := c.Validate()
		if c != before {
			t.Fatalf("Validate changed the comment: %+v, was %+v", c, before)
		}
		got := map[string]bool{}
		if err != nil {
			var v *model.ValidationError
			if !errors.As(err, &v) || len(v.Fields) == 0 {
				t.Fatalf("Validate returned %T %v, want a *model.ValidationError naming a field", err, err)
			}
			for field, message := range v.Fields {
				if strings.TrimSpace(message) == "" {
					t.Errorf("field %q refused without a message", field)
				}
				got[field] = true
			}
		}
		want := map[string]bool{}
		for field, bad := range map[string]bool{
			model.FieldBody:  badText(body, model.MaxCommentBody, true, false),
			model.FieldName:  badText(name, model.MaxCommentName, true, true),
			model.FieldEmail: badText(email, model.MaxCommentEmail, true, true) || !model.ValidEmail(email),
			model.FieldURL:   badText(website, model.MaxCommentURL, false, true) || website != "" && !model.ValidWebURL(website),
		} {
			if bad {
				want[field] = true
			}
		}
		if !maps.Equal(got, want) {
			t.Fatalf("Validate(%q, %q, %q, %q) refused %v, want %v", body, name, email, website, got, want)
		}
		if !want[model.FieldEmail] {
			// An accepted email is shown to moderators and used as an address: it must
			// be one plain address, not a display name, a list or a header.
			if strings.Count(email, "@") < 1 || strings.ContainsAny(email, " \t<>,;\\") || hasControl(email) {
				t.Errorf("accepted email %q is not one plain address", email)
			}
		}
		if !want[model.FieldURL] && website != "" {
			// An accepted website becomes a link on the public page.
			lower := strings.ToLower(website)
			if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
				t.Errorf("accepted website %q does not start with http:// or https://", website)
			}
		}
	})
}

// badText reports whether a field's value breaks the rules every text field shares.
func badText(value string, maxBytes int, required, oneLine bool) bool {
	return !utf8.ValidString(value) ||
		strings.ContainsRune(value, 0) ||
		required && strings.TrimSpace(value) == "" ||
		len(value) > maxBytes ||
		oneLine && strings.ContainsAny(value, "\r\n")
}

// hasControl reports whether s holds an ASCII control character.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
