package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/render"
)

// ReviewBoardSummary is how much of each reviewer's bio the review board shows, in
// bytes.
const ReviewBoardSummary = 280

type reviewBoardPage struct {
	layout
	People []publicPerson
}

// GET /medical-review-board lists the medical reviewers with a public profile (see
// accounts.Service.ReviewBoard): photo, name, credentials, the first lines of their
// bio and a link to their profile.
func (s *Server) reviewBoard(c *gin.Context) {
	board, err := s.accounts.ReviewBoard(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	view := reviewBoardPage{layout: s.layout(c, "Medical review board",
		"The doctors and other health professionals who review "+s.siteName+"'s articles before they are published.")}
	for _, u := range board {
		p := newPublicPerson(u)
		if p.Summary, err = render.BioSummary(u.Bio, ReviewBoardSummary); err != nil {
			s.fail(c, err)
			return
		}
		view.People = append(view.People, p)
	}
	s.render(c, http.StatusOK, "review_board", view)
}
