-- +goose Up
-- Standalone pages (About, Editorial policy…) are articles of another kind: the same
-- editor, revisions and medical review, but no tags, no replies, and a place in the
-- footer instead of the lists. The kind is set when the row is made and never changes.
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'page'));
-- Where a page is listed in the footer, first at 1; NULL leaves it out.
ALTER TABLE articles ADD COLUMN footer_position INTEGER CHECK (footer_position IS NULL OR kind = 'page');
-- Every public page's footer lists the published pages in order, and the sitemap the
-- published pages: this index holds the few pages only. The lists of articles stay on
-- articles_status_published_at and skip the pages among its rows, which are a handful.
CREATE INDEX articles_pages ON articles (status, footer_position) WHERE kind = 'page';

-- +goose Down
DROP INDEX articles_pages;
ALTER TABLE articles DROP COLUMN footer_position;
ALTER TABLE articles DROP COLUMN kind;
