package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/model"
)

type profilePage struct {
	layout
	Heading     string
	Action      string           // where the form posts
	Person      *model.User      // as stored: its photo and public address
	Account     *accountSections // one's own account page: password, two-step sign-in, sign-ins
	Form        profileForm
	Errors      map[string]string
	PhotoChosen bool // a refused form had a photo, which the browser cannot keep
	MaxBio      int
	SignedOut   bool   // shown again because the session ended (profileSignedOut)
	Message     string // a problem with the whole form
}

// profileForm is the profile form as typed.
type profileForm struct {
	Name        string
	Credentials string
	Slug        string
	Bio         string
	Public      bool
	RemovePhoto bool
}

func profileFormOf(u *model.User) profileForm {
	return profileForm{Name: u.Name, Credentials: u.Credentials, Slug: u.Slug, Bio: u.Bio, Public: u.ProfilePublic}
}

// GET /admin/profile is the old address of one's own profile, now part of one's
// account page.
func (s *Server) adminProfileMoved(c *gin.Context) {
	c.Redirect(http.StatusMovedPermanently, "/admin/account")
}

// showProfileForm shows the profile of account userID, as stored, in a form that posts
// to action.
func (s *Server) showProfileForm(c *gin.Context, userID int64, action string) {
	u, err := s.accounts.EditableProfile(c.Request.Context(), staff(c), userID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderProfileForm(c, http.StatusOK, profilePage{Action: action, Person: u, Form: profileFormOf(u)})
}

func (s *Server) renderProfileForm(c *gin.Context, status int, page profilePage) {
	page.Heading = "Your profile"
	if me := staff(c); me == nil || me.ID != page.Person.ID {
		page.Heading = "Profile of " + page.Person.Name
	} else if page.Action == accountPath {
		page.Heading = "Your account"
		if page.Account == nil {
			page.Account = &accountSections{}
		}
		if err := s.loadAccountSections(c, me, page.Account); err != nil {
			s.fail(c, err)
			return
		}
	}
	page.layout = s.adminLayout(c, page.Heading)
	page.MaxBio = model.MaxBio
	s.render(c, status, "admin/profile", page)
}

// saveProfile saves the posted profile form of account userID, or shows it again with
// what was typed and what is wrong (422).
func (s *Server) saveProfile(c *gin.Context, userID int64, action string) {
	allowSlowUpload(c) // the form may carry a photo; the route admits staff only
	if !s.readForm(c) {
		return
	}
	ctx, me := c.Request.Context(), staff(c)
	stored, err := s.accounts.EditableProfile(ctx, me, userID)
	if err != nil {
		s.fail(c, err)
		return
	}
	form := postedProfileForm(c)
	change := accounts.ProfileChange{Name: form.Name, Credentials: form.Credentials, Slug: form.Slug, Bio: form.Bio,
		Public: form.Public, RemovePhoto: form.RemovePhoto}
	if file := postedFile(c, "photo"); file != nil {
		change.Photo = &media.Upload{Open: func() (io.ReadCloser, error) { return file.Open() }, Size: file.Size}
	}
	_, err = s.accounts.UpdateProfile(ctx, me, userID, change)
	var invalid *model.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, action+"?done=profile-saved")
	case errors.As(err, &invalid):
		s.renderProfileForm(c, http.StatusUnprocessableEntity, profilePage{Action: action, Person: stored,
			Form: form, Errors: invalid.Fields, PhotoChosen: change.Photo != nil})
	default:
		s.fail(c, err)
	}
}

// postedProfileForm is the profile form as sent.
func postedProfileForm(c *gin.Context) profileForm {
	return profileForm{
		Name:        c.PostForm("name"),
		Credentials: c.PostForm("credentials"),
		Slug:        c.PostForm("slug"),
		Bio:         normaliseNewlines(c.PostForm("bio")),
		Public:      c.PostForm("profile_public") != "",
		RemovePhoto: c.PostForm("remove_photo") != "",
	}
}

// profileSignedOut shows the profile form again with what was sent, for keptForm: a
// bio can be paragraphs. The stored profile is not shown, its owner being unknown.
func (s *Server) profileSignedOut(c *gin.Context) {
	page := profilePage{Heading: "Your session has ended", Action: c.Request.URL.Path, Person: &model.User{},
		Form: postedProfileForm(c), PhotoChosen: postedFile(c, "photo") != nil, MaxBio: model.MaxBio,
		SignedOut: true, Message: signedOutMessage}
	page.layout = s.adminLayout(c, page.Heading)
	s.render(c, http.StatusUnauthorized, "admin/profile", page)
}
