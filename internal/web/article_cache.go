package web

import (
	"context"
	"html/template"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
)

// maxArticleCacheBytes bounds the memory the article cache can hold.
const maxArticleCacheBytes = 4 << 20

// articleKey is where Server.articles keeps each article as its page shows it (with
// its people, references and tags, the article rendered, its JSON-LD): under the
// article's page version (model.Article.PageVersion), which moves with anything these
// are drawn from, its slug included. A change elsewhere on the site then costs this
// article's page no query and no rendering beyond its own row; a changed article has a
// new key, so an entry is never stale.
type articleKey struct {
	ArticleID, PageVersion int64
}

// articleParts is an article ready for its page. Every request that finds it in the
// cache shares it: it is read only.
type articleParts struct {
	Article *model.Article // with its people, references and tags
	Head    template.HTML  // the article as "article_head" renders it
	JSONLD  template.JS
}

// articleHead is what "article_head" is drawn from.
type articleHead struct {
	Article     *model.Article
	AuthorURL   string // the author's public profile, "" when not public
	ReviewerURL string // the medical reviewer's, likewise
	Body        template.HTML
}

// articleParts returns article (a published article as read, without its people,
// references and tags, with its page version) ready for its page at articleURL:
// from the cache, or filled, rendered with set and kept.
func (s *Server) articleParts(ctx context.Context, set *template.Template, article *model.Article, articleURL string) (*articleParts, error) {
	key := articleKey{ArticleID: article.ID, PageVersion: article.PageVersion}
	if p, ok := s.articles.get(key); ok {
		return p, nil
	}
	filled := *article
	if err := s.store.FillArticle(ctx, &filled); err != nil {
		return nil, err
	}
	body, err := s.bodies.get(&filled)
	if err != nil {
		return nil, err
	}
	head := articleHead{Article: &filled, AuthorURL: filled.Author.ProfileURL(), Body: body}
	if filled.Reviewer != nil {
		head.ReviewerURL = filled.Reviewer.ProfileURL()
	}
	var buf strings.Builder
	buf.Grow(len(body) + 4096) // the body and the markup around it
	if err := set.ExecuteTemplate(&buf, "article_head", head); err != nil {
		return nil, err
	}
	p := &articleParts{Article: &filled, Head: template.HTML(buf.String())}
	if p.JSONLD, err = s.articleJSONLD(&filled, s.publicURL+articleURL); err != nil {
		return nil, err
	}
	size := len(p.Head) + len(p.JSONLD) + len(filled.BodyMarkdown) + len(filled.Title) + len(filled.Summary)
	s.articles.put(key, p, size, maxArticleCacheBytes)
	return p, nil
}
