package moderation

import (
	"errors"

	"github.com/fascicle/fascicle/internal/model"
)

// Who a reply on the article page is from. Signed-in staff are shown a form without
// the name, email and website fields, "Replying as NAME (role)", and the form names
// their account (Submission.ShownTo). Their reply is the account's: its name, its ID
// (the one thing that marks a reply Staff on the page), no email and no website,
// whatever fields the request carries. Anyone else sends a reader's reply, with the
// name they type and no account. A reply whose sender and form disagree is refused
// with everything typed kept, so that nobody posts under a name they did not see.

// ErrStaffSignedOut means the form was shown to signed-in staff and the reply came
// back without their session (it ended while they wrote): it has neither an account
// nor a name and email to go out under.
var ErrStaffSignedOut = errors.New("the staff session ended before the reply was sent")

// ErrConfirmStaff means the sender is signed in as staff but the form they sent did
// not name that account (it is the reader's form, opened before signing in, or
// another account's): the reply would go out under a name they were not shown.
var ErrConfirmStaff = errors.New("the reply would go out from a staff account the form did not name")

// checkSender returns ErrStaffSignedOut or ErrConfirmStaff when the sender of sub is
// not the one its form was shown to, and nil otherwise.
func checkSender(sub Submission) error {
	switch {
	case sub.Staff == nil && sub.ShownTo != 0:
		return ErrStaffSignedOut
	case sub.Staff != nil && sub.ShownTo != sub.Staff.ID:
		return ErrConfirmStaff
	}
	return nil
}

// signAsStaff makes c the reply of account u. An account's email is how it signs in:
// it is never stored with a reply, so it is neither shown to moderators as a
// commenter's nor part of anyone's data export.
func signAsStaff(c *model.Comment, u *model.User) {
	c.AuthorName, c.AuthorEmail, c.AuthorURL = u.Name, "", ""
	c.UserID = &u.ID
}

// validateStaff checks a staff reply: only its text, as the name is the account's
// and it has no email.
func validateStaff(c *model.Comment, v *model.ValidationError) error {
	if err := v.Merge(c.Validate()); err != nil {
		return err
	}
	for field := range v.Fields {
		if field != model.FieldBody {
			delete(v.Fields, field)
		}
	}
	return nil
}

// PublishesAtOnce reports whether a reply from staff account u is approved as it
// arrives: a moderator's is, as they would approve it anyway. Other staff (authors,
// reviewers) go through the rules about what a reply says, as readers do (see
// Service.classify).
func PublishesAtOnce(u *model.User) bool {
	return u != nil && u.Role.Can(model.PermModerateComments)
}
