package web

import (
	"html/template"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/render"
)

// maxCachedBodies bounds the memory the rendered-body cache can hold.
const maxCachedBodies = 500

// bodyCache keeps rendered article bodies so that Markdown is rendered once per
// version instead of on every view. An entry is used only if its source is exactly the
// article's current Markdown and it was made for the same number of references (which
// decides which "[n]" markers are links), so a stale body is never served.
type bodyCache struct {
	bodies boundedMap[int64, cachedBody] // counted in bodies, not bytes
}

type cachedBody struct {
	source     string
	references int
	html       template.HTML
}

func (c *bodyCache) get(a *model.Article) (template.HTML, error) {
	e, ok := c.bodies.get(a.ID)
	if ok && e.source == a.BodyMarkdown && e.references == len(a.References) {
		return e.html, nil
	}
	html, err := render.ArticleBody(a.BodyMarkdown, len(a.References))
	if err != nil {
		return "", err
	}
	c.bodies.put(a.ID, cachedBody{source: a.BodyMarkdown, references: len(a.References), html: html}, 1, maxCachedBodies)
	return html, nil
}
