package accounts

import (
	"context"

	"github.com/fascicle/fascicle/internal/model"
)

// Listed is a staff account as the account lists show it (/admin/users and
// "fascicle user list").
type Listed struct {
	*model.User
	TwoStep bool // signs in with a second step
}

// List returns every account that can sign in, by name, for by (nil for the command
// line). Returns model.ErrForbidden when by may not manage accounts.
func (s *Service) List(ctx context.Context, by *model.User) ([]Listed, error) {
	if err := mayManage(by); err != nil {
		return nil, err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	list := make([]Listed, len(users))
	for i, u := range users {
		list[i] = Listed{User: u, TwoStep: TwoStepOn(u)}
	}
	return list, nil
}

// TwoStepOn reports whether u signs in with a second step: the one place the account
// pages and lists read it from.
func TwoStepOn(u *model.User) bool {
	return u.TwoStepOn()
}
