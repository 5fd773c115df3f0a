-- +goose Up
-- A tag page lists the tag's published articles newest first. Each tag entry keeps its
-- article's publication time while the article is published (NULL otherwise), so that
-- the page reads the newest entries straight from an index instead of sorting every
-- article of the tag; triggers keep the copy in step with the article.
ALTER TABLE article_tags ADD COLUMN published_at DATETIME;
UPDATE article_tags SET published_at =
    (SELECT a.published_at FROM articles a WHERE a.id = article_tags.article_id AND a.status = 'published');
CREATE INDEX article_tags_tag_published ON article_tags (tag_id, published_at DESC, article_id DESC)
    WHERE published_at IS NOT NULL;

-- +goose StatementBegin
CREATE TRIGGER article_tags_published_insert AFTER INSERT ON article_tags BEGIN
    UPDATE article_tags SET published_at =
        (SELECT a.published_at FROM articles a WHERE a.id = new.article_id AND a.status = 'published')
     WHERE article_id = new.article_id AND tag_id = new.tag_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER article_tags_published_update AFTER UPDATE OF status, published_at ON articles BEGIN
    UPDATE article_tags SET published_at = CASE WHEN new.status = 'published' THEN new.published_at END
     WHERE article_id = new.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER article_tags_published_update;
DROP TRIGGER article_tags_published_insert;
DROP INDEX article_tags_tag_published;
ALTER TABLE article_tags DROP COLUMN published_at;
