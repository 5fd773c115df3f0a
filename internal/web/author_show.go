package web

import (
	"html/template"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

// ProfileArticles is how many of a person's newest articles, written or reviewed,
// their profile lists.
const ProfileArticles = 50

// publicPerson is a staff member as readers see them. It has no email field, so no
// template can print one.
type publicPerson struct {
	Name        string
	Credentials string
	URL         string // the public profile's address
	PhotoURL    string // "" for none
	Initials    string // shown in place of a photo
	Bio         template.HTML
	Summary     string // the bio's first lines, as plain text, on the review board
}

func newPublicPerson(u *model.User) publicPerson {
	return publicPerson{Name: u.Name, Credentials: u.Credentials, URL: u.ProfileURL(), PhotoURL: u.PhotoURL(),
		Initials: initials(u.Name)}
}

// initials returns the first letters of the first and last words of a name, leaving
// out titles such as "Dr.": "Dr. Amara Okafor" is "AO".
func initials(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if !strings.HasSuffix(w, ".") {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return ""
	}
	first, _ := utf8.DecodeRuneInString(words[0])
	out := string(unicode.ToUpper(first))
	if len(words) > 1 {
		last, _ := utf8.DecodeRuneInString(words[len(words)-1])
		out += string(unicode.ToUpper(last))
	}
	return out
}

type authorPage struct {
	layout
	Person       publicPerson
	Written      []model.ArticleSummary
	Reviewed     []model.ArticleSummary
	MoreWritten  bool // there are more than ProfileArticles
	MoreReviewed bool
	Limit        int
	Kind         string // what the person does here: "Author", "Medical reviewer"…
}

// GET /authors/:slug shows a staff member's public profile: name, credentials, photo,
// bio, and the published articles they wrote and medically reviewed, newest first. A
// profile that is not public answers exactly like one that does not exist.
func (s *Server) authorShow(c *gin.Context) {
	ctx := c.Request.Context()
	u, err := s.accounts.PublicProfile(ctx, c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	view := authorPage{Person: newPublicPerson(u), Limit: ProfileArticles}
	if view.Person.Bio, err = render.Bio(u.Bio); err != nil {
		s.fail(c, err)
		return
	}
	if view.Written, err = s.store.ArticlesWrittenBy(ctx, u.ID, ProfileArticles+1); err != nil {
		s.fail(c, err)
		return
	}
	if view.Reviewed, err = s.store.ArticlesReviewedBy(ctx, u.ID, ProfileArticles+1); err != nil {
		s.fail(c, err)
		return
	}
	if len(view.Written) > ProfileArticles {
		view.Written, view.MoreWritten = view.Written[:ProfileArticles], true
	}
	if len(view.Reviewed) > ProfileArticles {
		view.Reviewed, view.MoreReviewed = view.Reviewed[:ProfileArticles], true
	}
	view.Kind = personKind(u.Role, len(view.Written) > 0, len(view.Reviewed) > 0)
	description := u.Name
	if u.Credentials != "" {
		description += ", " + u.Credentials
	}
	view.layout = s.layout(c, u.Name, description+": articles written and medically reviewed for "+s.siteName+".")
	view.CanonicalURL = s.publicURL + view.Person.URL
	s.render(c, http.StatusOK, "author", view)
}

// personKind names what a person does on the site, for the top of their profile.
func personKind(role model.Role, wrote, reviewed bool) string {
	writes, reviews := wrote || role == model.RoleAuthor, reviewed || role == model.RoleReviewer
	switch {
	case writes && reviews:
		return "Author and medical reviewer"
	case reviews:
		return "Medical reviewer"
	case writes:
		return "Author"
	}
	return "Staff"
}
