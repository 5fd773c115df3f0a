package accounts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// slugTakenMessage is shown beside the address field when another profile has it.
const slugTakenMessage = "Another person's profile has this address. Choose another."

// SetMedia gives the service the image store that profile photos are saved in.
// Without one, a profile that sends a photo is refused under model.UserFieldPhoto.
func (s *Service) SetMedia(m *media.Service) {
	s.media = m
}

// ProfileChange is a staff profile as someone typed it in the profile form.
type ProfileChange struct {
	Name        string
	Credentials string // e.g. "MD, neurologist"
	// Slug is the profile's address, /authors/Slug; "" makes one from the name.
	Slug string
	// Bio is a short text, a little Markdown allowed, at most model.MaxBio bytes.
	Bio    string
	Public bool
	// Photo is a new photo; nil keeps the present one. Its alt text is the name.
	Photo       *media.Upload
	RemovePhoto bool
}

// normalized returns p trimmed, with the bio's line ends made LF.
func (p ProfileChange) normalized() ProfileChange {
	p.Name = strings.TrimSpace(p.Name)
	p.Credentials = strings.TrimSpace(p.Credentials)
	p.Slug = strings.TrimSpace(p.Slug)
	p.Bio = strings.TrimSpace(strings.ReplaceAll(p.Bio, "\r\n", "\n"))
	return p
}

// Validate checks the typed fields of a profile, without the database: the name
// (required), credentials and bio within their limits, one line each except the bio,
// and an address made of lower-case letters, digits and hyphens. Returns
// *model.ValidationError naming every field that is wrong, or nil.
func (p ProfileChange) Validate() error {
	p = p.normalized()
	var v model.ValidationError
	checkLine(&v, model.UserFieldName, "Name", p.Name, model.MaxUserName, true)
	checkLine(&v, model.UserFieldCredentials, "Credentials", p.Credentials, model.MaxCredentials, false)
	switch {
	case !utf8.ValidString(p.Bio) || strings.ContainsRune(p.Bio, 0):
		v.Add(model.UserFieldBio, "The bio contains characters that cannot be saved.")
	case len(p.Bio) > model.MaxBio:
		v.Add(model.UserFieldBio, fmt.Sprintf("The bio is too long: at most %s bytes, and this has %s.",
			groupThousands(model.MaxBio), groupThousands(len(p.Bio))))
	}
	if p.Slug != "" && !model.ValidSlug(p.Slug) {
		v.Add(model.UserFieldSlug, "Use only lower-case letters, digits and single hyphens, such as daniel-reyes.")
	}
	return v.Err()
}

// checkLine adds to v what is wrong with value, a field of one line of text of at most
// max bytes, shown as label.
func checkLine(v *model.ValidationError, field, label, value string, max int, required bool) {
	switch {
	case !utf8.ValidString(value) || strings.IndexFunc(value, unicode.IsControl) >= 0:
		v.Add(field, label+" must be one line of ordinary text.")
	case required && value == "":
		v.Add(field, label+" is required.")
	case len(value) > max:
		v.Add(field, fmt.Sprintf("%s is too long: at most %d bytes.", label, max))
	}
}

// groupThousands writes n with a comma between groups of three digits: 2,000.
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// mayEditProfile reports whether by may edit the profile of account userID: everyone
// their own, administrators (model.PermManageUsers) anyone's. Returns
// model.ErrForbidden.
func mayEditProfile(by *model.User, userID int64) error {
	if by == nil {
		return model.ErrForbidden
	}
	if by.ID == userID || by.Role.Can(model.PermManageUsers) {
		return nil
	}
	return model.ErrForbidden
}

// EditableProfile returns the account whose profile by may edit. Returns
// model.ErrForbidden when by may not edit it (checked first, so that no one learns
// which accounts exist), model.ErrNotFound when there is no such account.
func (s *Service) EditableProfile(ctx context.Context, by *model.User, userID int64) (*model.User, error) {
	if err := mayEditProfile(by, userID); err != nil {
		return nil, err
	}
	return s.store.User(ctx, userID)
}

// UpdateProfile saves the profile of account userID as by typed it. Everyone may edit
// their own profile, administrators anyone's; people named on articles who cannot sign
// in are edited by administrators.
//
// The fields are checked first (ProfileChange.Validate), then the address: an empty
// one is made from the name (model.Slugify, with -2, -3… added when taken), a typed
// one must be free. A new photo is then stored like an article image (media.Service,
// with the name as its alt text) and the profile saved. A refused profile stores no
// photo, so the person must choose it again.
//
// Returns model.ErrForbidden, model.ErrNotFound, or *model.ValidationError with
// messages under the model.UserField* names (model.UserFieldSlug when the address is
// taken, model.UserFieldPhoto when the photo is refused).
func (s *Service) UpdateProfile(ctx context.Context, by *model.User, userID int64, p ProfileChange) (*model.User, error) {
	u, err := s.EditableProfile(ctx, by, userID)
	if err != nil {
		return nil, err
	}
	p = p.normalized()
	v := &model.ValidationError{}
	if err := v.Merge(p.Validate()); err != nil {
		return nil, err
	}
	if _, bad := v.Fields[model.UserFieldSlug]; p.Slug != "" && !bad {
		taken, err := s.store.SlugTaken(ctx, p.Slug, u.ID)
		if err != nil {
			return nil, err
		}
		if taken {
			v.Add(model.UserFieldSlug, slugTakenMessage)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	photo := u.Photo
	switch {
	case p.Photo != nil:
		if photo, err = s.savePhoto(ctx, by, p.Name, *p.Photo); err != nil {
			return nil, err
		}
	case p.RemovePhoto:
		photo = ""
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		slug := p.Slug
		if slug == "" {
			var err error
			if slug, err = FreeSlug(ctx, tx, p.Name, u.ID); err != nil {
				return err
			}
		} else if taken, err := tx.SlugTaken(ctx, slug, u.ID); err != nil || taken {
			return cmp.Or(err, slugTaken())
		}
		before := *u
		u.Name, u.Credentials, u.Slug, u.Bio, u.Photo, u.ProfilePublic = p.Name, p.Credentials, slug, p.Bio, photo, p.Public
		if err := tx.UpdateProfile(ctx, u); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return slugTaken()
			}
			return err
		}
		// The name and credentials are the account's too: their changes are audited.
		return s.record(ctx, tx, by, u.ID, changes(&before, u)...)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func slugTaken() error {
	v := &model.ValidationError{}
	v.Add(model.UserFieldSlug, slugTakenMessage)
	return v
}

// savePhoto stores a profile photo and returns its file name. A refused image is a
// *model.ValidationError under model.UserFieldPhoto.
func (s *Service) savePhoto(ctx context.Context, by *model.User, name string, up media.Upload) (string, error) {
	refused := func(message string) error {
		v := &model.ValidationError{}
		v.Add(model.UserFieldPhoto, message)
		return v
	}
	if s.media == nil {
		return "", refused("Photos cannot be stored: this site has no folder for images.")
	}
	up.Alt = name
	up.UserID = &by.ID
	saved, err := s.media.Save(ctx, up)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		// The alt text is the name, checked above: what is wrong is the image.
		return "", refused(cmp.Or(invalid.Fields["image"], "The photo could not be stored. Choose it again."))
	case errors.Is(err, media.ErrUploadsOff):
		return "", refused("Photos cannot be stored: this site has no folder for images.")
	case err != nil:
		return "", err
	}
	return saved.Media.FileName, nil
}

// FreeSlug returns the profile address made from name (model.Slugify) that no account
// but exceptID has: the address itself, or with -2, -3… added. A name with no Latin
// letter or digit gives "staff". Call it in the transaction that saves the address,
// so that no one takes it in between.
func FreeSlug(ctx context.Context, st *store.Store, name string, exceptID int64) (string, error) {
	base := model.Slugify(name)
	if base == "" {
		base = "staff"
	}
	for n := 1; n <= 1000; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		taken, err := st.SlugTaken(ctx, slug, exceptID)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
	}
	return "", fmt.Errorf("no free profile address for %q", base)
}

// AssignMissingSlugs gives a profile address to every account that has none (those
// made before profiles existed, or by other tools), and returns how many it gave.
func (s *Service) AssignMissingSlugs(ctx context.Context) (int, error) {
	n := 0
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		users, err := tx.UsersWithoutSlug(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			slug, err := FreeSlug(ctx, tx, u.Name, u.ID)
			if err != nil {
				return err
			}
			if err := tx.SetUserSlug(ctx, u.ID, slug); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// PublicProfile returns the account whose public profile is at slug, without its
// email. Returns model.ErrNotFound when there is none or it is not public: the two
// cannot be told apart.
func (s *Service) PublicProfile(ctx context.Context, slug string) (*model.User, error) {
	return s.store.PublicProfile(ctx, slug)
}

// ReviewBoard returns the medical review board, by name: the public profiles of every
// account with the reviewer role, and of anyone else (an administrator, say) who
// reviewed a published article. Private profiles are never listed.
func (s *Service) ReviewBoard(ctx context.Context) ([]*model.User, error) {
	return s.store.ReviewBoard(ctx)
}
