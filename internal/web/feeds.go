package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/feeds"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

// Lengths of the feeds: feed readers poll often, and only want what is new.
const (
	FeedArticles = 20
	FeedReplies  = 50
)

const atomContentType = "application/atom+xml; charset=utf-8"

// GET /feed.xml is the Atom feed of the newest published articles.
func (s *Server) siteFeed(c *gin.Context) {
	articles, err := s.store.PublishedArticles(c.Request.Context(), FeedArticles, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	feed := &feeds.Feed{
		Title:       s.siteName,
		Link:        &feeds.Link{Href: s.publicURL + "/", Rel: "alternate"},
		Description: "Health articles, medically reviewed, with their sources",
		Updated:     s.now().UTC(),
	}
	published := make([]time.Time, len(articles))
	for i, a := range articles {
		if i == 0 || a.UpdatedAt.After(feed.Updated) {
			feed.Updated = a.UpdatedAt
		}
		link := s.publicURL + "/articles/" + url.PathEscape(a.Slug)
		feed.Add(&feeds.Item{
			Id:          s.tagURI(a.PublishedAt, "article-"+strconv.FormatInt(a.ID, 10)),
			Title:       a.Title,
			Link:        &feeds.Link{Href: link},
			Description: html.EscapeString(a.Summary), // Atom's summary is sent as HTML
			Author:      &feeds.Author{Name: a.AuthorName},
			Created:     a.PublishedAt,
			Updated:     a.UpdatedAt,
		})
		published[i] = a.PublishedAt
	}
	s.writeAtom(c, feed, s.publicURL+"/feed.xml", published)
}

// GET /articles/:slug/comments.xml is the Atom feed of an article's approved replies,
// newest first. Each entry names its author and nothing else about them: no email, no
// website.
func (s *Server) repliesFeed(c *gin.Context) {
	ctx := c.Request.Context()
	article, err := s.store.PublishedArticle(ctx, c.Param("slug"))
	if err != nil {
		s.articleMissing(c, err, model.KindArticle, "/comments.xml")
		return
	}
	if article.IsPage() {
		s.notFound(c) // a page has no replies
		return
	}
	comments, err := s.store.ApprovedComments(ctx, article.ID) // oldest first
	if err != nil {
		s.fail(c, err)
		return
	}
	articleURL := s.publicURL + "/articles/" + url.PathEscape(article.Slug)
	feed := &feeds.Feed{
		Title:       "Replies to “" + article.Title + "”",
		Link:        &feeds.Link{Href: articleURL + "#comments", Rel: "alternate"},
		Description: "Approved replies from readers of " + s.siteName,
		Updated:     article.UpdatedAt,
	}
	if article.PublishedAt != nil {
		feed.Updated = *article.PublishedAt
	}
	var published []time.Time
	for i := len(comments) - 1; i >= 0 && len(feed.Items) < FeedReplies; i-- {
		cm := &comments[i]
		if cm.UpdatedAt.After(feed.Updated) {
			feed.Updated = cm.UpdatedAt
		}
		id := strconv.FormatInt(cm.ID, 10)
		feed.Add(&feeds.Item{
			Id:          s.tagURI(cm.CreatedAt, "comment-"+id),
			Title:       cm.AuthorName + " replied to “" + article.Title + "”",
			Link:        &feeds.Link{Href: articleURL + "#comment-" + id},
			Description: string(render.CommentText(cm.Body)),
			Author:      &feeds.Author{Name: cm.AuthorName},
			Created:     cm.CreatedAt,
			Updated:     cm.UpdatedAt,
		})
		published = append(published, cm.CreatedAt)
	}
	s.writeAtom(c, feed, articleURL+"/comments.xml", published)
}

// atomWithSelf is an Atom feed with the rel="self" link that feed readers and
// validators expect besides the "alternate" one: gorilla/feeds' one Link field
// cannot hold both, so Links (the shallower field of the two) replaces it.
type atomWithSelf struct {
	*feeds.AtomFeed
	Links []*feeds.AtomLink `xml:"link"`
}

// FeedXml makes atomWithSelf a feeds.XmlFeed.
func (a atomWithSelf) FeedXml() any { return a }

// writeAtom sends feed as Atom with the given id, its self link, and each entry's
// publication time, which gorilla/feeds leaves out.
func (s *Server) writeAtom(c *gin.Context, feed *feeds.Feed, id string, published []time.Time) {
	atom := (&feeds.Atom{Feed: feed}).AtomFeed()
	atom.Id = id
	for i, e := range atom.Entries {
		if i < len(published) && !published[i].IsZero() {
			e.Published = published[i].UTC().Format(time.RFC3339)
		}
	}
	links := []*feeds.AtomLink{atom.Link, {Href: id, Rel: "self", Type: "application/atom+xml"}}
	atom.Link = nil
	body, err := feeds.ToXML(atomWithSelf{AtomFeed: atom, Links: links})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, atomContentType, []byte(body))
}

// tagURI is a permanent id for an entry (RFC 4151), such as
// tag:health.example.org,2026-09-14:article-1. Unlike the entry's address, it does not
// change when an article's slug does, so readers do not show it again as new.
func (s *Server) tagURI(t time.Time, specific string) string {
	return "tag:" + s.tagHost + "," + t.UTC().Format(time.DateOnly) + ":" + specific
}

// tagHost returns the host of publicURL, which names the site in tag URIs, or
// localhost if it has none.
func tagHost(publicURL string) string {
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}
