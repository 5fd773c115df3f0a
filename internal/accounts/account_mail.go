package accounts

import (
	"context"

	"github.com/fascicle/fascicle/internal/model"
)

// FieldModerationMail is the account page's field for what a moderator hears about
// replies waiting.
const FieldModerationMail = "moderation_mail"

// SetModerationMail saves what u hears by mail about replies waiting for moderation:
// each one, a daily digest, or nothing. Returns model.ErrForbidden when u does not
// moderate, and *model.ValidationError naming FieldModerationMail for another choice.
func (s *Service) SetModerationMail(ctx context.Context, u *model.User, m model.ModerationMail) error {
	if !u.Role.Can(model.PermModerateComments) {
		return model.ErrForbidden
	}
	if !m.Valid() {
		v := &model.ValidationError{}
		v.Add(FieldModerationMail, "Choose what you want to hear about replies waiting.")
		return v
	}
	if err := s.store.SetModerationMail(ctx, u.ID, m); err != nil {
		return err
	}
	u.ModerationMail = m
	return nil
}
