package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// UnknownAccountError means an author map names an email that belongs to no account
// here: nothing is imported, since the author's work would otherwise go to a new
// account without anyone noticing.
type UnknownAccountError struct {
	Login, Email string
}

func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("importer: the author map gives %q the email %s, which is no account here", e.Login, e.Email)
}

// ParseAuthorMap reads an author map: a CSV file of lines "LOGIN,EMAIL", each giving
// the login of an author on the old site the account here with that email. Lines
// starting with # and blank lines are left out; a login with a comma is quoted. Errors
// name the line.
func ParseAuthorMap(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	m := map[string]string{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("author map: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, fmt.Errorf("author map: line %d: want LOGIN,EMAIL, found %d fields", line, len(rec))
		}
		login, email := strings.TrimSpace(rec[0]), strings.ToLower(strings.TrimSpace(rec[1]))
		switch {
		case login == "":
			return nil, fmt.Errorf("author map: line %d: the login is empty", line)
		case !model.ValidEmail(email):
			return nil, fmt.Errorf("author map: line %d: %q is not an email address", line, rec[1])
		case m[login] != "" && m[login] != email:
			return nil, fmt.Errorf("author map: line %d: %q is mapped twice", line, login)
		}
		m[login] = email
	}
}

// mappedAccounts returns the account of each login of an author map, or an
// *UnknownAccountError for the first email of no account.
func mappedAccounts(ctx context.Context, st *store.Store, authorMap map[string]string) (map[string]int64, error) {
	ids := make(map[string]int64, len(authorMap))
	for login, email := range authorMap {
		u, err := st.UserByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			return nil, &UnknownAccountError{Login: login, Email: email}
		}
		if err != nil {
			return nil, err
		}
		ids[login] = u.ID
	}
	return ids, nil
}
