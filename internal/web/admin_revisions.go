package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

type revisionsPage struct {
	layout
	Article   *model.Article
	Revisions []store.Revision
	Compare   bool   // two revisions or more, so there is something to compare
	Error     string // why the last comparison could not be shown
	CanEdit   bool
}

// GET /admin/articles/:id/revisions lists every saved version of an article.
func (s *Server) adminRevisions(c *gin.Context) {
	a, ok := s.adminArticle(c)
	if !ok {
		return
	}
	s.showRevisions(c, http.StatusOK, a, "")
}

// showRevisions renders the list of revisions with status, and problem above it if any.
func (s *Server) showRevisions(c *gin.Context, status int, a *model.Article, problem string) {
	revs, err := s.store.Revisions(c.Request.Context(), a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin/revisions", revisionsPage{
		layout: s.adminLayout(c, "Revisions: "+a.Title), Article: a, Revisions: revs, Compare: len(revs) > 1,
		Error: problem, CanEdit: model.CanEditArticle(staff(c), a),
	})
}

type diffPage struct {
	layout
	Article  *model.Article
	From, To *store.Revision
	Sections []diffSection
	Same     bool // no section changed, as when a revision is compared with itself
	CanEdit  bool
}

type diffSection struct {
	Name    string
	Lines   []diffLine
	Changed bool
}

// GET /admin/articles/:id/revisions/diff?from=R1&to=R2 shows what changed between two
// revisions, line by line.
func (s *Server) adminRevisionDiff(c *gin.Context) {
	a, ok := s.adminArticle(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	fromID, err1 := strconv.ParseInt(c.Query("from"), 10, 64)
	toID, err2 := strconv.ParseInt(c.Query("to"), 10, 64)
	if err1 != nil || err2 != nil {
		// The list again, as for any form sent incomplete, so the choice can be made.
		s.showRevisions(c, http.StatusUnprocessableEntity, a,
			"Choose the two revisions to compare in the list below, then press “Compare selected”.")
		return
	}
	from, err := s.store.RevisionByID(ctx, a.ID, fromID)
	if err != nil {
		s.fail(c, err)
		return
	}
	to, err := s.store.RevisionByID(ctx, a.ID, toID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if from.ID > to.ID {
		from, to = to, from
	}
	sections := []diffSection{
		section("Title", from.Title, to.Title),
		section("Address", from.Slug, to.Slug),
		section("Status", string(from.Status), string(to.Status)),
		section("Summary", from.Summary, to.Summary),
		section("Tags", from.Tags, to.Tags),
		section("Body", from.Body, to.Body),
		section("References", referenceLines(from.References), referenceLines(to.References)),
	}
	view := diffPage{
		layout: s.adminLayout(c, "Changes: "+a.Title), Article: a, From: from, To: to, Sections: sections,
		Same: true, CanEdit: model.CanEditArticle(staff(c), a),
	}
	for _, sec := range sections {
		view.Same = view.Same && !sec.Changed
	}
	s.render(c, http.StatusOK, "admin/revision_diff", view)
}

func section(name, a, b string) diffSection {
	lines := diffLines(a, b)
	changed := false
	for _, l := range lines {
		if l.Op != ' ' {
			changed = true
			break
		}
	}
	return diffSection{Name: name, Lines: lines, Changed: changed}
}

func referenceLines(refs []model.Reference) string {
	var b strings.Builder
	for i, r := range refs {
		fmt.Fprintf(&b, "%d. %s — %s", i+1, r.Title, r.URL)
		if r.Publisher != "" {
			b.WriteString(" (" + r.Publisher + ")")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// POST /admin/articles/:id/revisions/:rev/restore makes a revision's text the
// article's current text, as a new save (so the restore can itself be undone).
func (s *Server) adminRevisionRestore(c *gin.Context) {
	a, ok := s.editableArticle(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	revID, err := strconv.ParseInt(c.Param("rev"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	rev, err := s.store.RevisionByID(ctx, a.ID, revID)
	if err != nil {
		s.fail(c, err)
		return
	}
	restored := *a
	restored.Title, restored.Slug, restored.Summary, restored.BodyMarkdown = rev.Title, rev.Slug, rev.Summary, rev.Body
	restored.References = rev.References
	restored.Tags = model.ParseTags(rev.Tags)
	restored.Version, _ = strconv.Atoi(c.PostForm("version"))
	u := staff(c)
	err = s.store.SaveArticle(ctx, &restored, &u.ID, fmt.Sprintf("Restored the version of %s", rev.CreatedAt.UTC().Format("2 January 2006 15:04")), s.now())
	switch {
	case errors.Is(err, model.ErrStaleVersion):
		s.renderError(c, http.StatusConflict, "The article changed",
			"Someone saved this article after you opened the revisions. Reload the list and restore again.")
		return
	case errors.Is(err, model.ErrSlugTaken):
		s.renderError(c, http.StatusConflict, "Address in use",
			"That revision's address now belongs to another article. Restore it in the editor with a new address.")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/articles/"+strconv.FormatInt(a.ID, 10)+"/revisions?done=restored")
}

// diffLine is one line of a comparison: ' ' unchanged, '-' removed, '+' added.
type diffLine struct {
	Op   byte
	Text string
}

// maxDiffCells bounds the work of a comparison; beyond it the texts are shown as
// removed and added wholesale.
const maxDiffCells = 4_000_000

// diffLines compares two texts line by line with a longest-common-subsequence table.
func diffLines(a, b string) []diffLine {
	x, y := splitLines(a), splitLines(b)
	// Trim the common start and end, which is most of an article between two saves.
	start := 0
	for start < len(x) && start < len(y) && x[start] == y[start] {
		start++
	}
	endX, endY := len(x), len(y)
	for endX > start && endY > start && x[endX-1] == y[endY-1] {
		endX--
		endY--
	}
	var out []diffLine
	for _, l := range x[:start] {
		out = append(out, diffLine{' ', l})
	}
	mx, my := x[start:endX], y[start:endY]
	if len(mx)*len(my) > maxDiffCells {
		for _, l := range mx {
			out = append(out, diffLine{'-', l})
		}
		for _, l := range my {
			out = append(out, diffLine{'+', l})
		}
	} else {
		// lcs[i][j] is the length of the longest common subsequence of mx[i:] and my[j:].
		lcs := make([][]int, len(mx)+1)
		for i := range lcs {
			lcs[i] = make([]int, len(my)+1)
		}
		for i := len(mx) - 1; i >= 0; i-- {
			for j := len(my) - 1; j >= 0; j-- {
				if mx[i] == my[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(mx) && j < len(my) {
			switch {
			case mx[i] == my[j]:
				out = append(out, diffLine{' ', mx[i]})
				i++
				j++
			case lcs[i+1][j] >= lcs[i][j+1]:
				out = append(out, diffLine{'-', mx[i]})
				i++
			default:
				out = append(out, diffLine{'+', my[j]})
				j++
			}
		}
		for ; i < len(mx); i++ {
			out = append(out, diffLine{'-', mx[i]})
		}
		for ; j < len(my); j++ {
			out = append(out, diffLine{'+', my[j]})
		}
	}
	for _, l := range x[endX:] {
		out = append(out, diffLine{' ', l})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
