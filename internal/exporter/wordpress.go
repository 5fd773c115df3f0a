package exporter

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/importer/wxr"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

// How many articles and replies an export reads at once: memory depends on these,
// never on the size of the site.
const (
	defaultArticlesPerRead = 100
	defaultRepliesPerRead  = 500
)

// ExportWordPress writes the whole site to w as a WordPress export (WXR 1.2): every
// article and page in any status, with its tags and author, and every reply with its
// status, thread, name, email (in clear), website and date. It reads the site a page
// at a time and writes as it reads. On an error what was written is incomplete and
// must be thrown away.
//
// Returns store.ErrNoKeys when the store's keys are not loaded (the emails cannot be
// opened), an error wrapping the context's error if ctx ends first, or the error of
// writing to w.
func (s *Service) ExportWordPress(ctx context.Context, w io.Writer) (Result, error) {
	res := Result{Comments: map[model.CommentStatus]int{}}
	out := wxr.NewWriter(w)
	site := strings.TrimRight(s.siteURL, "/")
	if err := out.Site(wxr.Site{Title: s.title, Link: site, BaseSiteURL: site, BaseBlogURL: site}); err != nil {
		return res, err
	}
	users, err := s.st.ExportAuthors(ctx)
	if err != nil {
		return res, err
	}
	logins := loginsOf(users)
	emails := make(map[int64]string, len(users))
	for _, u := range users {
		a := wxr.Author{ID: u.ID, Login: logins[u.ID], DisplayName: u.Name}
		if u.Email != nil {
			a.Email, emails[u.ID] = *u.Email, *u.Email
		}
		if err := out.Author(a); err != nil {
			return res, err
		}
		res.Authors++
	}
	tags, err := s.st.ExportTags(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range tags {
		if err := out.Term(wxr.Term{Kind: "post_tag", ID: t.ID, Slug: t.Slug, Name: t.Name}); err != nil {
			return res, err
		}
		res.Tags++
	}
	e := &wpExport{s: s, out: out, site: site, logins: logins, emails: emails, res: &res}
	for after := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("exporter: stopped: %w", err)
		}
		articles, err := s.st.ExportArticles(ctx, after, s.articlesPerRead)
		if err != nil {
			return res, err
		}
		if len(articles) == 0 {
			break
		}
		for i := range articles {
			if err := e.article(ctx, &articles[i]); err != nil {
				return res, fmt.Errorf("exporter: article %d (%q): %w", articles[i].ID, articles[i].Slug, err)
			}
		}
		after = articles[len(articles)-1].ID
	}
	return res, out.Close()
}

// wpExport is one export under way.
type wpExport struct {
	s      *Service
	out    *wxr.Writer
	site   string
	logins map[int64]string // account ID → wp:author_login
	emails map[int64]string // account ID → its email, for its replies
	res    *Result
}

// article writes one article or page as an item, its replies read a page at a time.
func (e *wpExport) article(ctx context.Context, a *model.Article) error {
	it, err := e.item(a)
	if err != nil {
		return err
	}
	if err := e.out.OpenItem(it); err != nil {
		return err
	}
	if a.Kind == model.KindPage {
		e.res.Pages++
	} else {
		e.res.Articles++
	}
	for after := int64(0); ; {
		replies, err := e.s.st.ExportComments(ctx, a.ID, after, e.s.repliesPerRead)
		if err != nil {
			return err
		}
		if len(replies) == 0 {
			break
		}
		for i := range replies {
			if err := e.out.Comment(e.comment(&replies[i])); err != nil {
				return err
			}
		}
		after = replies[len(replies)-1].ID
	}
	return e.out.CloseItem()
}

// item is an article as a WordPress post (or page).
//
// Statuses: published is publish and scheduled is future, dated when it goes out.
// Draft and in review are both draft: WordPress's "pending" asks an editor to publish,
// and would read as if the medical review here had been done. Archived is private:
// kept, and shown to no reader. Dates are UTC, written as both the site's clock and
// GMT, since the site keeps no time zone. The text is the article's own, as readers
// see it once published; a pending change to it is not exported.
func (e *wpExport) item(a *model.Article) (wxr.Item, error) {
	body, err := render.Markdown(a.BodyMarkdown)
	if err != nil {
		return wxr.Item{}, err
	}
	it := wxr.Item{
		PostID: a.ID, Title: escapeText(a.Title), Creator: e.logins[a.AuthorID],
		Content: string(body) + referencesHTML(a.References), Excerpt: escapeText(a.Summary),
		PostType: "post", Slug: a.Slug, CommentStatus: "closed",
		GUID: e.site + "/?p=" + strconv.FormatInt(a.ID, 10),
		Link: e.site + "/articles/" + url.PathEscape(a.Slug),
	}
	if a.Kind == model.KindPage {
		it.PostType, it.Link = "page", e.site+"/pages/"+url.PathEscape(a.Slug)
		if a.FooterPosition != nil {
			it.MenuOrder = *a.FooterPosition
		}
	}
	if a.CommentsOpen {
		it.CommentStatus = "open"
	}
	date := a.CreatedAt
	switch a.Status {
	case model.ArticlePublished:
		it.Status = "publish"
		date = orTime(a.PublishedAt, a.CreatedAt)
	case model.ArticleScheduled:
		it.Status = "future"
		date = orTime(a.ScheduledAt, a.CreatedAt)
	case model.ArticleArchived:
		it.Status = "private"
		date = orTime(a.PublishedAt, a.CreatedAt)
	default: // draft, in_review, and any status a later version adds: never public
		it.Status = "draft"
	}
	it.PostDate, it.PostDateGMT = date.UTC(), date.UTC()
	for _, t := range a.Tags {
		it.Terms = append(it.Terms, wxr.Term{Kind: "post_tag", Slug: t.Slug, Name: t.Name})
	}
	return it, nil
}

// commentApproved maps a reply's status to wp:comment_approved.
var commentApproved = map[model.CommentStatus]string{
	model.CommentApproved: "1", model.CommentPending: "0", model.CommentSpam: "spam", model.CommentTrash: "trash",
}

// comment is a reply as a WordPress comment. Its text goes out as plain text with
// &, < and > escaped, which WordPress shows as typed (it adds paragraphs and links
// itself), so markup a reader typed stays text there too. A staff reply carries its
// account as wp:comment_user_id and, as WordPress does for a signed-in commenter, the
// account's email. A status this code does not know goes out as "0", held: nothing
// is shown on the other side that was not approved here. The address a reply came
// from is never kept in full here, so wp:comment_author_IP is empty.
func (e *wpExport) comment(c *model.Comment) wxr.Comment {
	wc := wxr.Comment{
		ID: c.ID, Author: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL,
		Content: escapeText(c.Body), Type: "comment", Date: c.CreatedAt.UTC(), DateGMT: c.CreatedAt.UTC(),
	}
	if c.ParentID != nil {
		wc.ParentID = *c.ParentID
	}
	if c.UserID != nil {
		wc.UserID = *c.UserID
		if wc.AuthorEmail == "" {
			wc.AuthorEmail = e.emails[*c.UserID]
		}
		e.res.StaffReplies++
	}
	approved, ok := commentApproved[c.Status]
	if !ok {
		approved = "0"
	}
	wc.Approved = approved
	e.res.Comments[c.Status]++
	if c.AuthorEmail != "" {
		e.res.Emails++
	}
	return wc
}

// loginsOf gives each account a wp:author_login: its profile's slug, else its name
// made into a slug, else "author-ID", with "-2", "-3"… added to one already given.
// Accounts are taken in ID order, so the same site always gets the same logins.
func loginsOf(users []*model.User) map[int64]string {
	logins := make(map[int64]string, len(users))
	taken := map[string]bool{}
	for _, u := range users {
		base := model.Slugify(u.Slug)
		if base == "" {
			base = model.Slugify(u.Name)
		}
		if len(base) > 50 { // WordPress's logins are at most 60 characters
			base = strings.TrimRight(base[:50], "-")
		}
		if base == "" {
			base = "author-" + strconv.FormatInt(u.ID, 10)
		}
		login := base
		for n := 2; taken[login]; n++ {
			login = base + "-" + strconv.Itoa(n)
		}
		taken[login] = true
		logins[u.ID] = login
	}
	return logins
}

// referencesHTML is an article's references list as WordPress shows it in a post:
// a heading and a numbered list, every text escaped, links only to web addresses.
func referencesHTML(refs []model.Reference) string {
	if len(refs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n<h2>References</h2>\n<ol>\n")
	for _, r := range refs {
		b.WriteString("<li>")
		if model.ValidWebURL(r.URL) {
			b.WriteString(`<a href="` + html.EscapeString(r.URL) + `">` + html.EscapeString(r.Title) + "</a>")
		} else {
			b.WriteString(html.EscapeString(r.Title))
		}
		if r.Publisher != "" {
			b.WriteString(". " + html.EscapeString(r.Publisher))
		}
		if u := r.DOIURL(); u != "" {
			b.WriteString(`. doi: <a href="` + html.EscapeString(u) + `">` + html.EscapeString(r.DOI) + "</a>")
		}
		if u := r.PubMedURL(); u != "" {
			b.WriteString(`. PMID: <a href="` + html.EscapeString(u) + `">` + html.EscapeString(r.PMID) + "</a>")
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ol>\n")
	return b.String()
}

// textEscaper escapes what would make plain text markup.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeText is plain text as HTML that shows it as typed: WordPress keeps a post's
// title as HTML, as it does its content.
func escapeText(s string) string { return textEscaper.Replace(s) }

// orTime is *t, or fallback when t is nil.
func orTime(t *time.Time, fallback time.Time) time.Time {
	if t == nil {
		return fallback
	}
	return *t
}
