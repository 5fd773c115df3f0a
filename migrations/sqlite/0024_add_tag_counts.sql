-- +goose Up
-- How many published articles each tag has, for its page ("15 662 articles") without
-- counting the tag's index entries at every view. Triggers keep it from the entries'
-- copy of their article's publication time (see 0008), NULL while unpublished. A
-- missing row is 0.
CREATE TABLE tag_counts (
    tag_id             INTEGER PRIMARY KEY REFERENCES tags (id) ON DELETE CASCADE,
    published_articles INTEGER NOT NULL
);
INSERT INTO tag_counts (tag_id, published_articles)
SELECT tag_id, count(*) FROM article_tags WHERE published_at IS NOT NULL GROUP BY tag_id;
-- +goose StatementBegin
CREATE TRIGGER tag_counts_insert AFTER INSERT ON article_tags WHEN new.published_at IS NOT NULL BEGIN
    INSERT INTO tag_counts (tag_id, published_articles) VALUES (new.tag_id, 1)
    ON CONFLICT (tag_id) DO UPDATE SET published_articles = published_articles + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tag_counts_update AFTER UPDATE OF tag_id, published_at ON article_tags
WHEN (old.published_at IS NULL) != (new.published_at IS NULL) OR old.tag_id != new.tag_id BEGIN
    UPDATE tag_counts SET published_articles = published_articles - 1
     WHERE tag_id = old.tag_id AND old.published_at IS NOT NULL;
    INSERT INTO tag_counts (tag_id, published_articles) SELECT new.tag_id, 1 WHERE new.published_at IS NOT NULL
    ON CONFLICT (tag_id) DO UPDATE SET published_articles = published_articles + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tag_counts_delete AFTER DELETE ON article_tags WHEN old.published_at IS NOT NULL BEGIN
    UPDATE tag_counts SET published_articles = published_articles - 1 WHERE tag_id = old.tag_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tag_counts_delete;
DROP TRIGGER tag_counts_update;
DROP TRIGGER tag_counts_insert;
DROP TABLE tag_counts;
